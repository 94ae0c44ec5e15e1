/**
 * GetTrade and ListTrades.
 */
import type { Context } from 'fabric-contract-api';
import { InvalidInputError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import {
  DEFAULT_PAGE_SIZE,
  type EntryVerdict,
  type Page,
  listByIndex,
  listRecords,
  pageFields,
  readIndexIds,
  readRecords,
} from '../lib/pagination';
import { isoOf } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id } from '../lib/validate';
import { participantId, timeMs, tradeRef } from '../lib/fields';
import { getTradeRecord } from './delivery';
import { TRADES_BY_DAY, TRADES_BY_MARKET, TRADES_BY_PARTICIPANT } from '../market/model';
import type { Trade } from './model';

export const GetTrade = transaction({
  contract: 'Settlement',
  name: 'GetTrade',
  kind: 'evaluate',
  summary: 'A trade by ID.',
  input: { tradeId: tradeRef().describe('the trade <marketId>/c/<n> or <marketId>/a/<hash>') },
  output: result<Trade>('the trade'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { tradeId: 'ELEC-ZONE-A-2026-06-01T10/c/00000001' },
});

/**
 * A trade by ID.
 * @throws {NotFoundError}
 */
export function getTrade(ctx: Context, request: InputOf<typeof GetTrade>): Promise<Trade> {
  return getTradeRecord(ctx, request.tradeId);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The longest period one ListTrades query covers: one partial-key scan per UTC day. */
export const MAX_PERIOD_DAYS = 366;

export const ListTrades = transaction({
  contract: 'Settlement',
  name: 'ListTrades',
  kind: 'evaluate',
  summary: `Trades of a market, of a participant, created in a period [from, to) (at most ${MAX_PERIOD_DAYS} days, oldest first), or all: one filter at most.`,
  input: {
    marketId: id().orUndefined().describe('only trades of this market'),
    participantId: participantId().orUndefined().describe('only trades where it is buyer or seller'),
    from: timeMs().orUndefined().describe('only trades created at or after this ledger time (with to)'),
    to: timeMs().orUndefined().describe('only trades created before this ledger time (with from)'),
    ...pageFields,
  },
  output: result<Page<Trade>>('one page of trades'),
  errors: { ESTP_INVALID_INPUT: 'filters combined, or a half, empty or too long period' },
  example: { from: '2026-06-01T00:00:00Z', to: '2026-06-02T00:00:00Z' },
});
type ListTradesRequest = InputOf<typeof ListTrades>;

/**
 * Lists the trades of a market, of a participant (as buyer or seller), of a period of creation
 * time (`from` ≤ createdAt < `to`, oldest first), or all; one filter at most.
 * @throws {InvalidInputError} when filters are combined, or the period is empty, half-given or
 *   longer than {@link MAX_PERIOD_DAYS} days.
 */
export function listTrades(ctx: Context, request: ListTradesRequest): Promise<Page<Trade>> {
  const period = request.from !== undefined || request.to !== undefined;
  const filters = [request.marketId, request.participantId].filter((value) => value !== undefined).length;
  if (request.marketId !== undefined && request.participantId !== undefined) {
    throw new InvalidInputError('participantId', 'cannot be combined with marketId');
  }
  if (period && filters > 0) {
    throw new InvalidInputError('from', 'and to cannot be combined with marketId or participantId');
  }
  if (period) return listTradesOfPeriod(ctx, request);
  if (request.marketId !== undefined) {
    return listByIndex<Trade>(
      ctx,
      TRADES_BY_MARKET,
      [request.marketId],
      RecordType.Trade,
      request.pageSize,
      request.bookmark,
    );
  }
  if (request.participantId !== undefined) {
    return listByIndex<Trade>(
      ctx,
      TRADES_BY_PARTICIPANT,
      [request.participantId],
      RecordType.Trade,
      request.pageSize,
      request.bookmark,
    );
  }
  return listRecords<Trade>(ctx, RecordType.Trade, request.pageSize, request.bookmark);
}

/** `YYYY-MM-DD` (UTC) of a time. */
function dayOf(ms: number): string {
  return isoOf(ms - (ms % DAY_MS)).slice(0, 10);
}

/**
 * The bookmark of a period query: the day being read and the LevelDB bookmark within that day's
 * index entries (empty: from the day's start), as `<YYYY-MM-DD>|<bookmark>`.
 */
function parsePeriodBookmark(
  bookmark: string,
  firstDay: string,
  lastDay: string,
): { day: string; inner: string } {
  const match = /^(\d{4}-\d{2}-\d{2})\|([\s\S]*)$/.exec(bookmark);
  const day = match?.[1];
  if (day === undefined || day < firstDay || day > lastDay) {
    throw new InvalidInputError(
      'bookmark',
      'is not a bookmark of this period (pass the one the previous page returned)',
    );
  }
  return { day, inner: match?.[2] ?? '' };
}

/**
 * Trades created in [from, to), oldest first, through the day-bucketed index: each page reads the
 * index of one day after the other (only `pageSize` entries at a time, so a page never reads
 * ahead; a ClearMarket batch's entry names all its trades), skips the entries of the first and
 * last day outside the period, and returns a bookmark naming the day and the position within it.
 */
async function listTradesOfPeriod(ctx: Context, request: ListTradesRequest): Promise<Page<Trade>> {
  const { from, to } = request;
  if (from === undefined || to === undefined) {
    throw new InvalidInputError(from === undefined ? 'from' : 'to', 'is required when the other is given');
  }
  if (to <= from) throw new InvalidInputError('to', 'must be after from');
  if (to - from > MAX_PERIOD_DAYS * DAY_MS) {
    throw new InvalidInputError('to', `must be at most ${MAX_PERIOD_DAYS} days after from`);
  }
  const fromIso = isoOf(from);
  const toIso = isoOf(to);
  const firstDay = dayOf(from);
  const lastDay = dayOf(to - 1);
  const size = request.pageSize ?? DEFAULT_PAGE_SIZE;
  let { day, inner } =
    request.bookmark === undefined || request.bookmark === ''
      ? { day: firstDay, inner: '' }
      : parsePeriodBookmark(request.bookmark, firstDay, lastDay);

  const ids: string[] = [];
  let bookmark = '';
  // Entries are in time order within a day: skip those before `from`, stop at the first at `to`.
  const accept = ([, createdAt]: readonly string[]): EntryVerdict => {
    if (createdAt === undefined) throw new InvalidInputError('index', 'entry is not (day, time, tradeId)');
    if (createdAt >= toIso) return 'stop';
    return createdAt >= fromIso ? 'take' : 'skip';
  };
  for (;;) {
    const page = await readIndexIds(ctx, TRADES_BY_DAY, [day], size - ids.length, inner, accept);
    ids.push(...page.ids);
    if (page.stopped) break;
    if (page.bookmark !== '') {
      bookmark = `${day}|${page.bookmark}`;
      break;
    }
    if (day === lastDay) break;
    day = dayOf(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS);
    inner = '';
    if (ids.length === size) {
      bookmark = `${day}|`;
      break;
    }
  }
  return { records: await readRecords<Trade>(ctx, RecordType.Trade, ids), bookmark };
}
