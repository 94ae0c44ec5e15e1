/**
 * Range reads over composite keys, in one place, as the real peer answers them:
 *
 * - **Pages** ({@link readPage}) for list queries. Fabric allows paginated queries only in
 *   read-only transactions (the peer refuses writes after one), so only `@Transaction(false)`
 *   queries use them. The peer's paging metadata is a protobuf message that fabric-shim leaves
 *   out when it is empty: a page with no records comes back WITHOUT `metadata`, which means "no
 *   further page" (bookmark "").
 * - **Scans** ({@link scan}, {@link scanRange}) for transactions that write: an unpaginated
 *   iterator, always closed. The peer returns at most `ledger.state.totalQueryLimit` entries per
 *   range query and then ends the range as if it were exhausted, so a scan that reaches that many
 *   entries fails instead of trusting a result that may have been cut.
 * - **Paged scans** ({@link scanPages}, {@link countEntries}) for read-only queries that must see a
 *   whole range of any size (Audit:Totals): page after page, each below the limit.
 */
import type { Context } from 'fabric-contract-api';
import { InvalidInputError, LimitExceededError } from './errors';
import { results } from './iterate';
import { fromBytes } from './json';
import { type RecordType, isRecordKey } from './keys';
import { readRecord } from './state';
import { int, text } from './validate';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;
/**
 * The peer's `ledger.state.totalQueryLimit` (core.yaml default, not changed by network/): the most
 * entries one range query returns.
 */
export const TOTAL_QUERY_LIMIT = 100_000;
/** Page size of {@link scanPages}: well below {@link TOTAL_QUERY_LIMIT}. */
const SCAN_PAGE_SIZE = 10_000;

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

/** One ledger entry of a range read. */
export interface Entry {
  readonly key: string;
  readonly value: Uint8Array;
}

/**
 * One page of the entries under the partial composite key `(objectType, …attributes)`, in key
 * order, and the bookmark of the next page ("" on the last one).
 * @throws {InvalidInputError} when `bookmark` does not lie in the range (the peer would resume
 *   there and read keys of other records).
 */
export async function readPage(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
  pageSize: number,
  bookmark: string,
): Promise<{ entries: Entry[]; bookmark: string }> {
  const prefix = ctx.stub.createCompositeKey(objectType, [...attributes]);
  if (bookmark !== '' && !bookmark.startsWith(prefix)) {
    throw new InvalidInputError(
      'bookmark',
      'is not a bookmark of this query (pass the one the previous page returned)',
    );
  }
  const response = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
    objectType,
    [...attributes],
    pageSize,
    bookmark,
  );
  const entries: Entry[] = [];
  for await (const { key, value } of results(response.iterator)) entries.push({ key, value });
  // fabric-shim sets `metadata` only when the peer's QueryResponseMetadata has any bytes: an empty
  // page (0 records, bookmark "") has none, whatever the typings say.
  const metadata = response.metadata as typeof response.metadata | undefined;
  return { entries, bookmark: metadata?.bookmark ?? '' };
}

/**
 * The entries of an unpaginated range query, its iterator closed however the loop ends.
 * @throws {LimitExceededError} when the range reaches the peer's totalQueryLimit: the peer would
 *   end it there silently, so the result could be incomplete.
 */
async function* limited(
  query: ReturnType<Context['stub']['getStateByRange']>,
  range: string,
): AsyncGenerator<Entry> {
  let count = 0;
  for await (const { key, value } of results(query)) {
    count += 1;
    if (count >= TOTAL_QUERY_LIMIT) {
      throw new LimitExceededError(
        `the range ${range} reached the peer's totalQueryLimit of ${TOTAL_QUERY_LIMIT} entries; its result may be cut`,
      );
    }
    yield { key, value };
  }
}

/**
 * Every entry under `(objectType, …attributes)` with an unpaginated iterator (allowed in
 * transactions that write).
 * @throws {LimitExceededError} when the range reaches the peer's totalQueryLimit.
 */
export function scan(ctx: Context, objectType: string, attributes: readonly string[]): AsyncGenerator<Entry> {
  return limited(
    ctx.stub.getStateByPartialCompositeKey(objectType, [...attributes]),
    [objectType, ...attributes].join('/'),
  );
}

/**
 * Every entry of the simple-key range [startKey, endKey) with an unpaginated iterator. Unlike a
 * partial composite key, a simple-key range can start anywhere, so a walk can resume after the
 * last key it read (market/book.ts).
 * @throws {LimitExceededError} when the range reaches the peer's totalQueryLimit.
 */
export function scanRange(ctx: Context, startKey: string, endKey: string): AsyncGenerator<Entry> {
  return limited(ctx.stub.getStateByRange(startKey, endKey), `[${startKey}, ${endKey})`);
}

/**
 * Every entry under `(objectType, …attributes)`, page after page (read-only queries only): exact
 * for ranges of any size.
 */
export async function* scanPages(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
): AsyncGenerator<Entry> {
  let bookmark = '';
  do {
    const page = await readPage(ctx, objectType, attributes, SCAN_PAGE_SIZE, bookmark);
    yield* page.entries;
    bookmark = page.bookmark;
  } while (bookmark !== '');
}

/**
 * How many entries lie under `(objectType, …attributes)` whose key `counted` accepts (default:
 * all), counted page by page (read-only queries).
 */
export async function countEntries(
  ctx: Context,
  objectType: string,
  attributes: readonly string[],
  counted: (key: string) => boolean = () => true,
): Promise<number> {
  let count = 0;
  let bookmark = '';
  do {
    const page = await readPage(ctx, objectType, attributes, SCAN_PAGE_SIZE, bookmark);
    for (const entry of page.entries) if (counted(entry.key)) count += 1;
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return count;
}

/**
 * The most entries one {@link listRecords} call reads: its range may hold entries that are not
 * records of the type (the account deltas beside their records, lib/keys.ts `isRecordKey`), which
 * it passes over; past this many it returns the records it has (maybe none) and the bookmark of the
 * next entry, so a page costs bounded work however many deltas an account has.
 */
export const LIST_SCAN_LIMIT = 2_000;

/**
 * Lists records of `type` in key order, up to `pageSize` of them, passing over the entries of the
 * range that are not records of the type (lib/keys.ts `isRecordKey`): then a page reads further
 * (at most {@link LIST_SCAN_LIMIT} entries) and ends at the next unread key. For every other type
 * it is one page of the peer's, its bookmark the peer's.
 */
export async function listRecords<T>(
  ctx: Context,
  type: RecordType,
  pageSize: number | undefined,
  bookmark: string | undefined,
): Promise<Page<T>> {
  const size = pageSize ?? DEFAULT_PAGE_SIZE;
  const records: T[] = [];
  let next = bookmark ?? '';
  let read = 0;
  do {
    // The first read asks for a page's worth; what follows only when entries were passed over.
    const page = await readPage(ctx, type, [], read === 0 ? size : LIST_SCAN_LIMIT - read, next);
    for (const [n, entry] of page.entries.entries()) {
      if (!isRecordKey(ctx, type, entry.key)) continue;
      records.push(fromBytes<T>(entry.value));
      if (records.length === size) {
        return { records, bookmark: page.entries[n + 1]?.key ?? page.bookmark };
      }
    }
    read += page.entries.length;
    next = page.bookmark;
  } while (next !== '' && read < LIST_SCAN_LIMIT);
  return { records, bookmark: next };
}

/**
 * Lists the records of `type` whose IDs start with `idPrefix` (records keyed `(type, id)`), in ID
 * order, without an index: the page starts at the first key of the prefix (a bookmark is where the
 * peer resumes a range) and ends at the first key outside it.
 * @throws {InvalidInputError} a bookmark outside the prefix.
 */
export async function listRecordsByIdPrefix<T>(
  ctx: Context,
  type: RecordType,
  idPrefix: string,
  pageSize: number | undefined,
  bookmark: string | undefined,
): Promise<Page<T>> {
  const start = ctx.stub.createCompositeKey(type, []) + idPrefix;
  if (bookmark && !bookmark.startsWith(start)) {
    throw new InvalidInputError(
      'bookmark',
      'is not a bookmark of this query (pass the one the previous page returned)',
    );
  }
  const page = await readPage(ctx, type, [], pageSize ?? DEFAULT_PAGE_SIZE, bookmark || start);
  const records: T[] = [];
  for (const entry of page.entries) {
    if (!entry.key.startsWith(start)) return { records, bookmark: '' };
    records.push(fromBytes<T>(entry.value));
  }
  return { records, bookmark: page.bookmark.startsWith(start) ? page.bookmark : '' };
}

/** What {@link readIndexIds} does with an index entry, judged by its key's attributes. */
export type EntryVerdict = 'take' | 'skip' | 'stop';

/** One page of IDs read from an index. */
export interface IdPage {
  ids: string[];
  /** Where the next page starts ("" when none remains). */
  bookmark: string;
  /** True when `accept` stopped the read (nothing after the entry it stopped at is wanted). */
  stopped: boolean;
}

/** Marks a bookmark inside a batch entry: `<entry key>#<IDs of it already returned>`. */
const INSIDE_ENTRY = '#';

/**
 * The entry key and the IDs of it already returned, of a bookmark. A composite key ends with
 * U+0000, so `#<digits>` after it cannot be part of a key.
 */
function parseIndexBookmark(bookmark: string): { key: string; offset: number } {
  const mark = bookmark.lastIndexOf(INSIDE_ENTRY);
  const digits = bookmark.slice(mark + 1);
  if (mark > 0 && bookmark[mark - 1] === '\u0000' && /^\d+$/.test(digits)) {
    return { key: bookmark.slice(0, mark), offset: Number(digits) };
  }
  return { key: bookmark, offset: 0 };
}

/**
 * The IDs an index entry names: its key's last attribute, or — for a batch entry
 * (lib/state.ts `writeBatchIndex`) — the JSON array of IDs it holds.
 */
function idsOf(ctx: Context, entry: Entry): string[] {
  if (entry.value.length > 1) return fromBytes<string[]>(entry.value);
  const { attributes } = ctx.stub.splitCompositeKey(entry.key);
  const id = attributes[attributes.length - 1];
  if (id === undefined) throw new InvalidInputError('index', `entry ${entry.key} has no id`);
  return [id];
}

/**
 * One page of at most `pageSize` IDs from the index entries under `(index, …prefix)`, in key order,
 * expanding batch entries (one entry naming many IDs). A page may end inside a batch entry: its
 * bookmark is then `<entry key>#<n>`, otherwise the peer's. `accept` can skip entries or stop the
 * read at one (a period query past its end).
 * @throws {InvalidInputError} a bookmark outside the range.
 */
export async function readIndexIds(
  ctx: Context,
  index: string,
  prefix: readonly string[],
  pageSize: number,
  bookmark: string,
  accept: (attributes: readonly string[]) => EntryVerdict = () => 'take',
): Promise<IdPage> {
  const { key: resumeKey, offset } = parseIndexBookmark(bookmark);
  const ids: string[] = [];
  let inner = resumeKey;
  for (;;) {
    const page = await readPage(ctx, index, prefix, pageSize - ids.length, inner);
    for (const [n, entry] of page.entries.entries()) {
      const verdict = accept(ctx.stub.splitCompositeKey(entry.key).attributes);
      if (verdict === 'stop') return { ids, bookmark: '', stopped: true };
      if (verdict === 'skip') continue;
      const start = entry.key === resumeKey ? offset : 0;
      const rest = idsOf(ctx, entry).slice(start);
      const room = pageSize - ids.length;
      if (rest.length > room) {
        ids.push(...rest.slice(0, room));
        return { ids, bookmark: `${entry.key}${INSIDE_ENTRY}${start + room}`, stopped: false };
      }
      ids.push(...rest);
      if (ids.length === pageSize) {
        return { ids, bookmark: page.entries[n + 1]?.key ?? page.bookmark, stopped: false };
      }
    }
    if (page.bookmark === '') return { ids, bookmark: '', stopped: false };
    inner = page.bookmark;
  }
}

/**
 * Lists the records an index points to: entries `(index, …prefix, …, id)` whose last attribute is
 * the id of a record of `type`, or batch entries naming several (see {@link readIndexIds}).
 */
export async function listByIndex<T>(
  ctx: Context,
  index: string,
  prefix: readonly string[],
  type: RecordType,
  pageSize: number | undefined,
  bookmark: string | undefined,
): Promise<Page<T>> {
  const page = await readIndexIds(ctx, index, prefix, pageSize ?? DEFAULT_PAGE_SIZE, bookmark ?? '');
  return { records: await readRecords<T>(ctx, type, page.ids), bookmark: page.bookmark };
}

/** The records of `type` with these IDs, in order, leaving out the absent ones. */
export async function readRecords<T>(ctx: Context, type: RecordType, ids: readonly string[]): Promise<T[]> {
  const records: T[] = [];
  for (const id of ids) {
    const record = await readRecord<T>(ctx, type, id);
    if (record !== undefined) records.push(record);
  }
  return records;
}
