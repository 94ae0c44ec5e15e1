/**
 * Plain-text rendering of results: records as table rows, single records as field/value lines.
 * Columns are the union of the records' keys in order of first appearance; nested values are shown
 * compactly (arrays of scalars comma-joined, objects as JSON) and long cells are cut with `…`.
 * Widths are terminal columns (./width.ts): Chinese, Japanese and Korean text count double.
 */
import { cut, displayWidth, padEnd, padStart } from './width';

/** Options of {@link formatTable}. */
export interface TableOptions {
  /** Column order; default: keys in order of first appearance. */
  readonly columns?: readonly string[];
  /** Widest cell, in terminal columns (default 40). */
  readonly maxCellWidth?: number;
}

/** `1 trade`, `3 trades`: a count and its noun, plural unless the count is 1. */
export function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** A cell's text. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object')) {
    return value.map((item) => cellText(item)).join(',');
  }
  return JSON.stringify(value);
}

function clip(text: string, width: number): string {
  return cut(text.replace(/\s*\n\s*/g, ' '), Math.max(2, width));
}

/** Union of the rows' keys, in order of first appearance. */
export function columnsOf(rows: readonly object[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

/**
 * Formats records as an aligned table with a header and a rule; numbers are right-aligned.
 * Returns `(no records)` for an empty list.
 */
export function formatTable(rows: readonly object[], options: TableOptions = {}): string {
  if (rows.length === 0) return '(no records)';
  const columns = options.columns ?? columnsOf(rows);
  const cell = (row: object, column: string): unknown => (row as Record<string, unknown>)[column];
  const maxWidth = options.maxCellWidth ?? 40;
  const cells = rows.map((row) => columns.map((column) => clip(cellText(cell(row, column)), maxWidth)));
  const numeric = columns.map((column) =>
    rows.every((row) => {
      const value = cell(row, column);
      return value === undefined || value === null || typeof value === 'number';
    }),
  );
  const widths = columns.map((column, index) =>
    Math.max(displayWidth(column), ...cells.map((line) => displayWidth(line[index] ?? ''))),
  );
  const render = (line: readonly string[]): string =>
    line
      .map((text, index) => {
        const width = widths[index] ?? 0;
        return numeric[index] ? padStart(text, width) : padEnd(text, width);
      })
      .join('  ')
      .trimEnd();
  return [render(columns), render(widths.map((width) => '-'.repeat(width))), ...cells.map(render)].join('\n');
}

/**
 * Formats one record as `field  value` lines; nested objects are flattened to dotted names, arrays
 * of objects are shown as JSON.
 */
export function formatRecord(
  record: Readonly<Record<string, unknown>>,
  options: { maxCellWidth?: number } = {},
): string {
  const lines: [string, string][] = [];
  const walk = (value: unknown, prefix: string): void => {
    if (
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    ) {
      for (const [key, child] of Object.entries(value)) walk(child, prefix ? `${prefix}.${key}` : key);
    } else {
      lines.push([prefix, clip(cellText(value), options.maxCellWidth ?? 100)]);
    }
  };
  walk(record, '');
  if (lines.length === 0) return '(empty)';
  const width = Math.max(...lines.map(([key]) => displayWidth(key)));
  return lines.map(([key, text]) => `${padEnd(key, width)}  ${text}`.trimEnd()).join('\n');
}

/** A page of a list query (`{ records, bookmark }`). */
export interface PageLike {
  readonly records: readonly unknown[];
  readonly bookmark: string;
}

/** Whether a result is a page of a list query. */
export function isPage(value: unknown): value is PageLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { records?: unknown }).records) &&
    typeof (value as { bookmark?: unknown }).bookmark === 'string'
  );
}

function asRows(items: readonly unknown[]): Record<string, unknown>[] {
  return items.map((item) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? (item as Record<string, unknown>)
      : { value: item },
  );
}

/**
 * Human rendering of any transaction result: a page or array as a table (a page also says how to
 * get the next one), an object as field/value lines, a scalar as itself.
 */
export function formatResult(result: unknown): string {
  if (result === null || result === undefined || result === '') return '(no result)';
  if (isPage(result)) {
    const table = formatTable(asRows(result.records));
    const footer =
      result.bookmark === ''
        ? `(${countOf(result.records.length, 'record')})`
        : `(${result.records.length} records; more with --bookmark ${result.bookmark} or --all)`;
    return `${table}\n${footer}`;
  }
  if (Array.isArray(result)) return formatTable(asRows(result));
  if (typeof result === 'object') return formatRecord(result as Record<string, unknown>);
  return cellText(result);
}
