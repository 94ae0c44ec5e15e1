/**
 * The auditor's commands (`estp audit verify|history|trades|report`), all read-only: they evaluate
 * queries and read blocks through qscc, and never submit.
 */
import { writeFileSync } from 'node:fs';
import {
  type ChannelVerifyReport,
  type LedgerReport,
  buildLedgerReport,
  formatVerifyReport,
  ledgerReportCsv,
  qsccOf,
  readLedger,
  recordHistory,
  toCsv,
  toJson,
  verifyChannel,
  verifyExitCode,
} from '../../audit';
import type { RecordType } from '@estp/chaincode';
import { CONTRACTS } from '@estp/chaincode/declarations';
import { withClient } from '../../gateway/client';
import { recordsOf } from '../../gateway/transactions';
import { UsageError } from '../../gateway/errors';
import { parseTime } from '../argv';
import { connectOptionsOf, textOption } from '../context';
import type { Output } from '../io';
import { countOf, formatTable } from '../table';
import { didYouMean } from '../suggest';
import { toolUsage } from '../usage';

/** The record types Audit:History takes, as its declaration says. */
const RECORD_TYPES = CONTRACTS.Audit.transactions.History.input.shape.recordType.schema[
  'enum'
] as readonly RecordType[];
import type { ToolCommand, ToolContext } from './types';

const AUDIT = { name: 'audit' };

function blockNumber(text: string | undefined, flag: string, usage: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${flag} must be a block number ≥ 0, got "${text}"`, usage);
  }
  return Number(text);
}

/** A ledger time option (argv.ts's `parseTime`: ms or ISO-8601), `undefined` when absent. */
function timeOption(context: ToolContext, flag: string, usage: string): number | undefined {
  const text = textOption(context.options, flag);
  if (text === undefined) return undefined;
  try {
    return parseTime(text, flag);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, usage);
    throw error;
  }
}

/** Progress lines on stderr at most once a second (stdout stays the result only). */
function progress(io: Output, what: string): (done: number, detail: string) => void {
  let last = Date.now();
  return (done, detail) => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    io.err(`${what}: ${done} ${detail}`);
  };
}

function rate(count: number, ms: number): string {
  return ms > 0 ? (count / (ms / 1000)).toFixed(1) : '∞';
}

const verifyCommand: ToolCommand = {
  name: 'verify',
  description: 'verify the chain: block links, data hashes, signatures, validation codes, endorsement policy',
  synopsis: 'estp audit verify --org <org> --user <name> [--from N] [--to M] [--json]',
  examples: [
    'estp audit verify --org utility --user auditor',
    'estp audit verify --org utility --user auditor --from 10 --json',
  ],
  options: [
    { name: 'from', value: '<N>', description: 'first block (default 0, the genesis block)' },
    { name: 'to', value: '<M>', description: 'last block (default the chain’s last block)' },
  ],
  run: async (context) => {
    const usage = toolUsage(verifyCommand, AUDIT);
    const from = blockNumber(textOption(context.options, 'from'), 'from', usage);
    const to = blockNumber(textOption(context.options, 'to'), 'to', usage);
    const { io } = context;
    const report = await withClient(connectOptionsOf(context.global, io, usage), async (client) => {
      const started = Date.now();
      const show = progress(io, 'verifying');
      let result: ChannelVerifyReport;
      try {
        result = await verifyChannel(qsccOf(client), client.profile.channel, {
          chaincodeName: client.profile.chaincode,
          ...(from === undefined ? {} : { from }),
          ...(to === undefined ? {} : { to }),
          onProgress: (read, number) => {
            show(read, `blocks read, at block ${number}`);
          },
        });
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message, usage, { cause: error });
        throw error;
      }
      const elapsedMs = Date.now() - started;
      io.err(
        `verified ${result.blocks} blocks (${result.transactions} transactions) of ${result.channel} from ` +
          `${client.peer.endpoint} in ${(elapsedMs / 1000).toFixed(2)} s (${rate(result.blocks, elapsedMs)} blocks/s)`,
      );
      return { ...result, elapsedMs };
    });
    io.out(context.global.json ? toJson(report).trimEnd() : formatVerifyReport(report).trimEnd());
    return verifyExitCode(report);
  },
};

function statusOf(value: unknown): string {
  if (value !== null && typeof value === 'object' && 'status' in value) {
    const status = value.status;
    if (typeof status === 'string') return status;
  }
  return '';
}

const historyCommand: ToolCommand = {
  name: 'history',
  description: 'every version of a record: when, which transaction (block), who signed it, and the value',
  synopsis: 'estp audit history <recordType> <id> --org <org> --user <name> [--limit N] [--json]',
  examples: ['estp audit history Trade ELEC-ZONE-A-2026-06-01T10/c/00000001 --org utility --user auditor'],
  options: [
    { name: 'limit', value: '<N>', description: 'most versions, newest first (default 100, max 1000)' },
  ],
  positionals: true,
  run: async (context) => {
    const usage = toolUsage(historyCommand, AUDIT);
    const [type, id, ...rest] = context.args;
    if (type === undefined || id === undefined || rest.length > 0) {
      throw new UsageError(
        'history needs <recordType> <id>, e.g. estp audit history Trade M-1/c/00000001',
        usage,
      );
    }
    const recordType = RECORD_TYPES.find((candidate) => candidate === type);
    if (recordType === undefined) {
      throw new UsageError(
        `unknown record type "${type}"${didYouMean(type, RECORD_TYPES)} (known: ${RECORD_TYPES.join(', ')})`,
      );
    }
    const limitText = textOption(context.options, 'limit');
    if (limitText !== undefined && !/^\d+$/.test(limitText)) {
      throw new UsageError(`--limit must be a whole number, got "${limitText}"`, usage);
    }
    const { io } = context;
    const result = await withClient(connectOptionsOf(context.global, io, usage), (client) =>
      recordHistory(client, recordType, id, limitText === undefined ? undefined : Number(limitText)),
    );
    if (context.global.json) {
      io.out(toJson(result).trimEnd());
      return 0;
    }
    const count = result.versions.length;
    io.out(
      `${result.recordType} ${result.id}: ${countOf(count, 'version')}, newest first` +
        (result.truncated ? ' (older ones beyond --limit)' : ''),
    );
    io.out(
      formatTable(
        result.versions.map((version, index) => ({
          version: count - index,
          time: version.timestamp,
          block: version.origin?.blockNumber,
          function: version.origin?.function ?? '',
          by: version.origin ? version.origin.creator : `? (${version.originError})`,
          signed: version.origin ? (version.origin.signatureValid ? 'yes' : 'NO') : '',
          status: version.isDelete ? 'deleted' : statusOf(version.value),
          tx: version.txId,
        })),
        { maxCellWidth: 64 },
      ),
    );
    return 0;
  },
};

/** The columns of `estp audit trades --format csv` (and the web service's trades CSV). */
export const TRADE_COLUMNS = [
  'id',
  'createdAt',
  'marketId',
  'commodity',
  'origin',
  'buyer',
  'seller',
  'quantityWh',
  'price',
  'value',
  'collateral',
  'status',
  'createdTxId',
] as const;

function formatOf(context: ToolContext, usage: string, allowed: readonly string[], fallback: string): string {
  const format = textOption(context.options, 'format') ?? (context.global.json ? 'json' : fallback);
  if (!allowed.includes(format)) {
    throw new UsageError(`--format must be ${allowed.join(' or ')}, got "${format}"`, usage);
  }
  if (context.global.json && format !== 'json') throw new UsageError('--json and --format conflict', usage);
  return format;
}

/** `--bom`: a UTF-8 byte order mark first, for spreadsheet programs that guess the encoding. */
const BOM_OPTION = {
  name: 'bom',
  description: 'CSV starts with a UTF-8 byte order mark (for spreadsheet programs)',
};

/** Whether `--bom` was given. */
const bomOf = (context: ToolContext): { bom: boolean } => ({ bom: context.options.get('bom') === true });

const tradesCommand: ToolCommand = {
  name: 'trades',
  description: 'the trades of a participant, of a market, or created in a period (every page)',
  synopsis:
    'estp audit trades --org <org> --user <name> (--participant <id> | --market <id> | --from <time> --to <time>) [--format table|csv|json] [--bom]',
  examples: [
    'estp audit trades --market ELEC-ZONE-A-2026-06-01T10 --org utility --user auditor',
    'estp audit trades --from 2026-06-01 --to 2026-06-02 --format csv --bom --org utility --user auditor > trades.csv',
  ],
  options: [
    {
      name: 'participant',
      value: '<id>',
      description: 'trades where it is buyer or seller (<mspId>:<user>)',
    },
    { name: 'market', value: '<id>', description: 'trades of a market' },
    { name: 'from', value: '<time>', description: 'created at or after (ms or ISO-8601, with --to)' },
    { name: 'to', value: '<time>', description: 'created before (at most 366 days after --from)' },
    { name: 'format', value: '<format>', description: 'table (default), csv or json (= --json)' },
    BOM_OPTION,
  ],
  run: async (context) => {
    const usage = toolUsage(tradesCommand, AUDIT);
    const participant = textOption(context.options, 'participant');
    const market = textOption(context.options, 'market');
    const from = timeOption(context, 'from', usage);
    const to = timeOption(context, 'to', usage);
    const period = from !== undefined || to !== undefined;
    const filters = [participant !== undefined, market !== undefined, period].filter(Boolean).length;
    if (filters !== 1) {
      throw new UsageError('give one of --participant, --market, or --from with --to', usage);
    }
    if (period && (from === undefined || to === undefined)) {
      throw new UsageError('--from and --to go together', usage);
    }
    const format = formatOf(context, usage, ['table', 'csv', 'json'], 'table');
    const filter = period
      ? { from, to }
      : participant !== undefined
        ? { participantId: participant }
        : { marketId: market };
    const trades = await withClient(connectOptionsOf(context.global, context.io, usage), (client) =>
      recordsOf(client.pages('Settlement', 'ListTrades', { ...filter, pageSize: 200 })),
    );
    if (format === 'json') {
      const shown =
        from !== undefined && to !== undefined
          ? { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
          : filter;
      context.io.out(toJson({ filter: shown, count: trades.length, records: trades }).trimEnd());
    } else if (format === 'csv') {
      context.io.out(toCsv(trades, [...TRADE_COLUMNS], bomOf(context)).trimEnd());
    } else {
      context.io.out(
        formatTable(trades, {
          columns: TRADE_COLUMNS.filter((column) => column !== 'createdTxId' && column !== 'commodity'),
        }),
      );
      context.io.out(countOf(trades.length, 'trade'));
    }
    return 0;
  },
};

function summary(report: LedgerReport): string {
  const { sums } = report;
  const mismatches = report.reconciliation.checks.filter((check) => !check.ok).map((check) => check.name);
  return [
    `period ${report.period.from ?? 'start'} .. ${report.period.to ?? 'now'}: ${sums.trades.count} trades ` +
      `(${sums.trades.quantityWh} Wh, value ${sums.trades.value}), ${sums.settlements.count} settlements ` +
      `(paid ${sums.settlements.paid}, penalties ${sums.penalties.amount}), ${sums.disputes.opened} disputes, ` +
      `certificates +${sums.certificates.issuedWh}/−${sums.certificates.retiredWh} Wh, ` +
      `deposits ${sums.treasury.deposits}, withdrawals ${sums.treasury.withdrawals}`,
    report.reconciliation.ok
      ? `reconciliation with Audit:Totals (as of ${report.asOf}): ok, ${report.reconciliation.checks.length} checks`
      : `reconciliation with Audit:Totals (as of ${report.asOf}): MISMATCH in ${mismatches.join(', ')}`,
    ...(report.consistent
      ? []
      : ['warning: the ledger kept changing while the report was read; run it again']),
  ].join('\n');
}

const reportCommand: ToolCommand = {
  name: 'report',
  description:
    'trades, settlements, disputes, penalties, certificates, treasury of a period, reconciled with the totals',
  synopsis:
    'estp audit report --org <org> --user <name> [--from <time>] [--to <time>] [--format csv|json] [--out <file>] [--bom]',
  examples: [
    'estp audit report --from 2026-06-01 --to 2026-07-01 --org utility --user auditor --out june.csv',
    'estp audit report --format json --org utility --user auditor',
  ],
  options: [
    {
      name: 'from',
      value: '<time>',
      description: 'period start, inclusive (ms or ISO-8601; default: the beginning)',
    },
    { name: 'to', value: '<time>', description: 'period end, exclusive (default: now)' },
    { name: 'format', value: '<format>', description: 'csv (default) or json (= --json)' },
    BOM_OPTION,
    { name: 'out', value: '<file>', description: 'write the report to a file instead of stdout' },
  ],
  run: async (context) => {
    const usage = toolUsage(reportCommand, AUDIT);
    const from = timeOption(context, 'from', usage);
    const to = timeOption(context, 'to', usage);
    if (from !== undefined && to !== undefined && to <= from)
      throw new UsageError('--to must be after --from', usage);
    const format = formatOf(context, usage, ['csv', 'json'], 'csv');
    const out = textOption(context.options, 'out');
    const { io } = context;
    const show = progress(io, 'reading');
    const snapshot = await withClient(connectOptionsOf(context.global, io, usage), (client) =>
      readLedger(client, {
        onProgress: (type, records) => {
          show(records, `${type} records`);
        },
      }),
    );
    const report = buildLedgerReport(snapshot, {
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
    });
    const text = format === 'json' ? toJson(report) : ledgerReportCsv(report, bomOf(context));
    if (out === undefined) io.out(text.trimEnd());
    else writeFileSync(out, text);
    io.err(summary(report) + (out === undefined ? '' : `\nwritten to ${out}`));
    return report.ok ? 0 : 1;
  },
};

/** The commands of the `audit` group. */
export const AUDIT_COMMANDS: readonly ToolCommand[] = [
  verifyCommand,
  historyCommand,
  tradesCommand,
  reportCommand,
];
