/**
 * Report formats for the audit commands: CSV (RFC 4180) and JSON, plus the tables and summary of
 * a chain verification (`estp audit verify`) that `audit report` reuses.
 */
import type { ChainBreak, InvalidTx, VerifyReport } from './verify';

/** A CSV cell value: strings as they are, numbers, booleans and bigints as text, null/undefined empty, arrays `;`-joined, objects as JSON. */
export type CsvValue = unknown;

/**
 * One RFC 4180 field: quoted (with inner quotes doubled) when it contains a comma, a double
 * quote, CR or LF, or starts or ends with a space; otherwise as is. Text that a spreadsheet would
 * run as a formula (starting with `=`, `+`, `-`, `@`, a tab or CR: a display name or a dispute
 * claim is anyone's text) is prefixed with `'`, which spreadsheets show as text; numbers are not
 * text and stay as they are.
 */
export function csvField(value: CsvValue): string {
  const raw = cellText(value);
  const text =
    typeof value !== 'number' && typeof value !== 'bigint' && /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Options of {@link toCsv}. */
export interface CsvOptions {
  /** Start with a UTF-8 byte order mark, so spreadsheet programs read the file as UTF-8. */
  readonly bom?: boolean;
}

function cellText(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value)) return value.map(cellText).join(';');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  return toJson(value).trimEnd();
}

/**
 * RFC 4180 CSV of `rows`: a header line of the column names, then one line per row, CRLF line
 * breaks (also after the last line). Columns default to the keys of the first row, in order.
 */
export function toCsv<Row extends object>(
  rows: readonly Row[],
  columns?: readonly (keyof Row & string)[],
  options: CsvOptions = {},
): string {
  const names: string[] = columns ? [...columns] : rows[0] ? Object.keys(rows[0]) : [];
  const lines = [names.map(csvField).join(',')];
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    lines.push(names.map((name) => csvField(record[name])).join(','));
  }
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/**
 * Indented JSON with a final newline, for reports written to files or stdout: bigints as decimal
 * strings and byte arrays as hex, so every report value survives the trip.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(
    value,
    (_key, item: unknown) => {
      if (typeof item === 'bigint') return item.toString();
      if (item instanceof Uint8Array) return Buffer.from(item).toString('hex');
      return item;
    },
    2,
  )}\n`;
}

/** The process exit code of a verification: 0 when the chain is intact, 1 when a break was found. */
export function verifyExitCode(report: Pick<VerifyReport, 'ok'>): 0 | 1 {
  return report.ok ? 0 : 1;
}

/** The columns of the breaks table, in order. */
export const BREAK_COLUMNS = [
  'block',
  'txIndex',
  'txId',
  'reason',
  'detail',
] as const satisfies readonly (keyof ChainBreak)[];

/** The columns of the invalid-transactions table, in order. */
export const INVALID_TX_COLUMNS = [
  'block',
  'txIndex',
  'txId',
  'validationCode',
  'chaincode',
  'creatorMsp',
  'endorserMsps',
  'reason',
] as const satisfies readonly (keyof InvalidTx)[];

/** The chain breaks of a report as CSV. */
export function breaksCsv(report: Pick<VerifyReport, 'breaks'>): string {
  return toCsv(report.breaks, [...BREAK_COLUMNS]);
}

/** The invalid transactions of a report as CSV (endorser MSPs `;`-separated). */
export function invalidTxCsv(report: Pick<VerifyReport, 'invalid'>): string {
  return toCsv(report.invalid, [...INVALID_TX_COLUMNS]);
}

/**
 * A human-readable account of a verification: one summary line, then one line per break and per
 * invalid transaction (for the CLI's non-JSON output).
 */
export function formatVerifyReport(report: VerifyReport): string {
  const range =
    report.firstBlock === null ? 'no blocks' : `blocks ${report.firstBlock}..${report.lastBlock ?? ''}`;
  const lines = [
    `${report.ok ? 'OK' : 'BROKEN'}: ${range} (${report.blocks} read), ${report.transactions} transactions ` +
      `(${report.chaincodeTransactions} of the audited chaincode), ${report.invalid.length} invalid, ` +
      `${report.breaks.length} break${report.breaks.length === 1 ? '' : 's'}`,
  ];
  if (!report.checks.signatures) lines.push('note: signatures were not verified');
  else if (!report.checks.certificateChains) {
    lines.push('note: certificates were not checked against the channel configuration (no MSP definitions)');
  }
  for (const entry of report.breaks) {
    const tx =
      entry.txIndex === undefined ? '' : ` tx ${entry.txIndex}${entry.txId ? ` (${entry.txId})` : ''}`;
    lines.push(`break: block ${entry.block}${tx}: ${entry.reason}: ${entry.detail}`);
  }
  for (const tx of report.invalid) {
    lines.push(
      `invalid: block ${tx.block} tx ${tx.txIndex} (${tx.txId}): ${tx.validationCode}: ${tx.reason} ` +
        `[creator ${tx.creatorMsp || '?'}, endorsers ${tx.endorserMsps.join(', ') || 'none'}]`,
    );
  }
  for (const policy of report.endorsementPolicies) lines.push(`endorsement policy: ${policy}`);
  if (report.lastHeaderHash) lines.push(`last header hash: ${report.lastHeaderHash}`);
  return `${lines.join('\n')}\n`;
}
