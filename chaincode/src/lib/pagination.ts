/**
 * Paginated list queries over composite keys. Fabric allows paginated queries only in read-only
 * transactions (the peer refuses writes after one), so only `@Transaction(false)` queries use these;
 * transactions that write iterate with the unpaginated iterators instead.
 */
import type { Context } from 'fabric-contract-api';
import { InvalidInputError } from './errors';
import { fromBytes } from './json';
import { results } from './iterate';
import type { RecordType } from './keys';
import { readRecord } from './state';
import { int, text } from './validate';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

/** Pagination fields every list input accepts. */
export const pageFields = {
  pageSize: int({ min: 1, max: MAX_PAGE_SIZE })
    .orUndefined()
    .describe(`records per page (default ${DEFAULT_PAGE_SIZE})`),
  bookmark: text({ min: 0, max: 1024 })
    .orUndefined()
    .describe('where the previous page ended, as it returned it (empty: the first page)'),
};

/** One page of a list query. An empty bookmark means there is no further page. */
export interface Page<T> {
  records: T[];
  bookmark: string;
}

/**
 * The bookmark of a page. fabric-shim leaves `metadata` out when the peer's QueryResponseMetadata is
 * all defaults — an empty last page — although its typings say it is always there.
 */
export function bookmarkOf(metadata: { readonly bookmark: string } | undefined): string {
  return metadata?.bookmark ?? '';
}

/** Lists records of `type` in key order. */
export async function listRecords<T>(
  ctx: Context,
  type: RecordType,
  pageSize: number | undefined,
  bookmark: string | undefined,
): Promise<Page<T>> {
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    type,
    [],
    size,
    bookmark ?? '',
  );
  const records: T[] = [];
  for await (const { value } of results(iterator)) records.push(fromBytes<T>(value));
  return { records, bookmark: bookmarkOf(metadata) };
}

/**
 * Lists the records an index points to: entries `(index, …prefix, …, id)` whose last attribute is
 * the id of a record of `type`.
 */
export async function listByIndex<T>(
  ctx: Context,
  index: string,
  prefix: readonly string[],
  type: RecordType,
  pageSize: number | undefined,
  bookmark: string | undefined,
): Promise<Page<T>> {
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    index,
    [...prefix],
    size,
    bookmark ?? '',
  );
  const ids: string[] = [];
  for await (const { key } of results(iterator)) {
    const { attributes } = ctx.stub.splitCompositeKey(key);
    const id = attributes[attributes.length - 1];
    if (id === undefined) throw new InvalidInputError('index', `entry ${key} has no id`);
    ids.push(id);
  }
  const records: T[] = [];
  for (const id of ids) {
    const record = await readRecord<T>(ctx, type, id);
    if (record !== undefined) records.push(record);
  }
  return { records, bookmark: bookmarkOf(metadata) };
}
