/**
 * Audit over HTTP, read-only (docs/audit.md): a record's history with who signed each version,
 * trades of a period, the reconciled ledger report as a CSV download, chain verification with
 * streamed progress, and search by transaction ID or record ID. The chaincode decides who may:
 * Audit:History and Audit:List need the admin or auditor role (403 otherwise).
 */
import type { RecordType, Trade } from '@estp/chaincode';
import {
  buildLedgerReport,
  ledgerReportCsv,
  qsccOf,
  readLedger,
  recordHistory,
  toCsv,
  transactionOrigin,
  verifyChannel,
} from '../audit';
import { TRADE_COLUMNS } from '../cli/commands/audit-commands';
import { type EstpClient, parseResult } from '../gateway/client';
import { ChaincodeError } from '../gateway/errors';
import type { SearchAnswer, VerifySummary } from './api-types';
import type { RequestContext, Route } from './context';
import { openEventStream, requestLifetime, sseMessage } from './events';
import { httpFailureOf, invalidInput, sendBody, sendJson, WebError } from './http';
import { inputFromQuery } from './query';
import { catalogEntry, fieldValues } from './catalog';
import { everyPage } from './transactions';

/** Most trades one audit answer lists (500 pages of 200). */
const MAX_AUDIT_TRADES = 100_000;

/** A ledger time from a query parameter: ms since the epoch or ISO-8601 (`2026-05-01`, `…T12:00:00Z`). */
export function ledgerTime(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms)) {
    throw invalidInput(
      `query parameter ${name} must be ms since the epoch or an ISO-8601 time, got "${text}"`,
    );
  }
  return ms;
}

function blockParameter(text: string | null, name: string): number | undefined {
  if (text === null || text === '') return undefined;
  if (!/^\d{1,15}$/.test(text))
    throw invalidInput(`query parameter ${name} must be a block number, got "${text}"`);
  return Number(text);
}

function formatOf(context: RequestContext, allowed: readonly string[]): string {
  const format = context.query.get('format') ?? allowed[0] ?? 'json';
  if (!allowed.includes(format))
    throw invalidInput(`query parameter format must be ${allowed.join(' or ')}, got "${format}"`);
  return format;
}

/** `GET /api/audit/history/:recordType/*id?limit=N`. */
async function history(context: RequestContext, params: Readonly<Record<string, string>>): Promise<void> {
  const limitText = context.query.get('limit');
  if (limitText !== null && !/^\d{1,6}$/.test(limitText))
    throw invalidInput(`query parameter limit must be a whole number, got "${limitText}"`);
  const types = fieldValues('Audit', 'History', 'recordType') ?? [];
  const recordType = types.find((type) => type === params['recordType']) as RecordType | undefined;
  if (recordType === undefined) {
    throw invalidInput(`unknown record type "${params['recordType'] ?? ''}" (known: ${types.join(', ')})`);
  }
  const client = await context.caller().client();
  const result = await recordHistory(
    client,
    recordType,
    params['id'] ?? '',
    limitText === null ? undefined : Number(limitText),
  );
  sendJson(context.res, 200, result);
}

/** `GET /api/audit/trades?from=&to=` (or `participantId=`, `marketId=`), every page, JSON or CSV. */
async function trades(context: RequestContext): Promise<void> {
  const format = formatOf(context, ['json', 'csv']);
  const entry = catalogEntry('Settlement', 'ListTrades');
  if (!entry) throw new Error('Settlement:ListTrades is not in the catalogue');
  const filter = inputFromQuery(context.query, entry, new Set(['format']));
  const client = await context.caller().client();
  const { records, bookmark } = await everyPage(client, entry, filter, MAX_AUDIT_TRADES);
  const list = records as Trade[];
  if (format === 'csv') {
    sendBody(context.res, 200, 'text/csv; charset=utf-8', toCsv(list, [...TRADE_COLUMNS]), {
      'Content-Disposition': 'attachment; filename="estp-trades.csv"',
    });
    return;
  }
  sendJson(context.res, 200, { filter, count: list.length, records: list, truncated: bookmark !== '' });
}

/** `GET /api/audit/report?from=&to=&format=csv|json`: reconciled with Audit:Totals. */
async function report(context: RequestContext): Promise<void> {
  const format = formatOf(context, ['csv', 'json']);
  const from = ledgerTime(context.query.get('from'), 'from');
  const to = ledgerTime(context.query.get('to'), 'to');
  if (from !== undefined && to !== undefined && to <= from) throw invalidInput('to must be after from');
  const client = await context.caller().client();
  const snapshot = await readLedger(client);
  const built = buildLedgerReport(snapshot, {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  });
  const headers = { 'ESTP-Report-Ok': String(built.ok), 'ESTP-Report-Consistent': String(built.consistent) };
  if (format === 'json') {
    sendJson(context.res, 200, built, headers);
    return;
  }
  const name = `estp-report-${built.period.from ?? 'start'}-${built.period.to ?? 'now'}.csv`.replace(
    /[^A-Za-z0-9._-]/g,
    '',
  );
  sendBody(context.res, 200, 'text/csv; charset=utf-8', ledgerReportCsv(built), {
    ...headers,
    'Content-Disposition': `attachment; filename="${name}"`,
  });
}

/** Runs one chain verification as the caller, reporting progress; keeps its summary. */
async function runVerify(
  context: RequestContext,
  client: EstpClient,
  range: { from?: number; to?: number },
  onProgress: (blocks: number, block: number) => void,
  signal: AbortSignal,
): Promise<unknown> {
  const { service } = context;
  const started = Date.now();
  try {
    const result = await verifyChannel(qsccOf(client), client.profile.channel, {
      chaincodeName: client.profile.chaincode,
      ...range,
      onProgress: (blocks, block) => {
        if (signal.aborted) throw new Error('verification stopped: the client went away');
        onProgress(blocks, block);
      },
    });
    const elapsedMs = Date.now() - started;
    const summary: VerifySummary = {
      ok: result.ok,
      from: result.firstBlock,
      to: result.lastBlock,
      blocks: result.blocks,
      transactions: result.transactions,
      breaks: result.breaks.length,
      lastHeaderHash: result.lastHeaderHash,
      elapsedMs,
      finishedAt: new Date().toISOString(),
      by: context.caller().participantId,
    };
    service.lastVerify = summary;
    return { ...result, elapsedMs };
  } catch (error) {
    if (error instanceof RangeError) throw invalidInput(error.message);
    throw error;
  }
}

/**
 * `GET /api/audit/verify?from=N&to=M`: with `Accept: text/event-stream`, `progress` events
 * (`{ blocks, block }`, at most 4 a second) then one `result` (or `error`) event; else the report as
 * JSON when done. One verification runs at a time per service (429 otherwise).
 */
async function verify(context: RequestContext): Promise<void> {
  const from = blockParameter(context.query.get('from'), 'from');
  const to = blockParameter(context.query.get('to'), 'to');
  const range = { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  const client = await context.caller().client();
  const { service } = context;
  if (service.verifying) {
    throw new WebError(429, 'ESTP_BUSY', 'a chain verification is running; try again when it is done', {
      'Retry-After': '5',
    });
  }
  service.verifying = true;
  const stop = requestLifetime(context);
  try {
    if (!(context.req.headers.accept ?? '').includes('text/event-stream')) {
      sendJson(context.res, 200, await runVerify(context, client, range, () => undefined, stop.signal));
      return;
    }
    const write = openEventStream(context);
    let last = 0;
    try {
      const result = await runVerify(
        context,
        client,
        range,
        (blocks, block) => {
          const now = Date.now();
          if (now - last < 250) return;
          last = now;
          void write(sseMessage({ event: 'progress', data: JSON.stringify({ blocks, block }) }));
        },
        stop.signal,
      );
      await write(sseMessage({ event: 'result', data: JSON.stringify(result) }));
    } catch (error) {
      const answer = httpFailureOf(error);
      if (answer.internal) service.log(`verify failed: ${String(error)}`);
      await write(sseMessage({ event: 'error', data: JSON.stringify(answer.body) }));
    } finally {
      context.res.end();
    }
  } finally {
    service.verifying = false;
    stop.abort();
  }
}

/**
 * The lookups of a record ID: each ESTP record type a query reads by ID (not accounts: GetAccount
 * answers a zero account for any participant ID).
 */
const LOOKUPS: readonly { type: string; contract: string; transaction: string; field: string }[] = [
  { type: 'Organisation', contract: 'Consortium', transaction: 'GetOrganisation', field: 'mspId' },
  { type: 'Participant', contract: 'Participant', transaction: 'Get', field: 'id' },
  { type: 'Market', contract: 'Market', transaction: 'GetMarket', field: 'marketId' },
  { type: 'Offer', contract: 'Market', transaction: 'GetOffer', field: 'id' },
  { type: 'Trade', contract: 'Settlement', transaction: 'GetTrade', field: 'tradeId' },
  { type: 'Dispute', contract: 'Dispute', transaction: 'Get', field: 'tradeId' },
];

/** `GET /api/search?q=`: a transaction (64 hex digits) or any record with that ID. */
async function search(context: RequestContext): Promise<void> {
  const q = (context.query.get('q') ?? '').trim();
  if (q === '' || q.length > 512)
    throw invalidInput('query parameter q must be a transaction ID or a record ID (1–512 characters)');
  const client = await context.caller().client();
  const transaction = /^[0-9a-f]{64}$/.test(q)
    ? await transactionOrigin(qsccOf(client), client.profile.channel, q).catch(() => null)
    : null;
  const found = await Promise.all(
    LOOKUPS.map(
      async ({
        type,
        contract,
        transaction: name,
        field,
      }): Promise<SearchAnswer['records'][number] | undefined> => {
        try {
          return {
            type,
            id: q,
            record: parseResult(await client.evaluateText(contract, name, { [field]: q })),
          };
        } catch (error) {
          // An ID of another shape, or no such record: not a hit.
          if (
            error instanceof ChaincodeError &&
            (error.code === 'ESTP_NOT_FOUND' || error.code === 'ESTP_INVALID_INPUT')
          )
            return undefined;
          throw error;
        }
      },
    ),
  );
  const answer: SearchAnswer = { q, transaction, records: found.filter((hit) => hit !== undefined) };
  sendJson(context.res, 200, answer);
}

export function auditRoutes(): Route[] {
  return [
    { method: 'GET', path: '/api/audit/history/:recordType/*id', handle: history },
    { method: 'GET', path: '/api/audit/trades', handle: trades },
    { method: 'GET', path: '/api/audit/report', handle: report },
    { method: 'GET', path: '/api/audit/verify', handle: verify },
    { method: 'GET', path: '/api/search', handle: search },
  ];
}
