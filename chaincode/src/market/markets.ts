/**
 * OpenMarket, GetMarket, ListMarkets.
 */
import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import { InvalidInputError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { type Page, listByIndex, pageFields } from '../lib/pagination';
import { assertAbsent, mustReadRecord, readRecord, writeIndex, writeRecord } from '../lib/state';
import { isoOf, txTimeIso, txTimeMs } from '../lib/time';
import { type Infer, id, input, int, oneOf } from '../lib/validate';
import { COMMODITIES } from '../participant/model';
import { bps, durationMs, price, timeMs } from './inputs';
import { type ClearingResult, MARKET_DEFAULTS, MARKETS_BY_COMMODITY, type Market } from './model';

export const OpenMarketInput = input({
  marketId: id(),
  commodity: oneOf(COMMODITIES),
  gridZone: id(),
  deliveryStart: timeMs(),
  deliveryEnd: timeMs(),
  gateClosure: timeMs(),
  reportDeadline: timeMs().orUndefined(),
  disputeWindowMs: durationMs().orUndefined(),
  rulingNoticeMs: durationMs().orUndefined(),
  priceFloor: price().orUndefined(),
  priceCap: price().orUndefined(),
  tickSize: int({ min: 1, max: 1_000_000 }).orUndefined(),
  collateralBps: bps().orUndefined(),
  toleranceBps: bps().orUndefined(),
});
export type OpenMarketInput = Infer<typeof OpenMarketInput.shape>;

/**
 * Opens a market (admin role). Times are ledger time; the gate closure must lie in the future and
 * gateClosure ≤ deliveryStart < deliveryEnd ≤ reportDeadline (default deliveryEnd + 24 h).
 * @throws {InvalidInputError} on inconsistent times or price limits.
 * @throws {ForbiddenError} without the admin role.
 * @throws {AlreadyExistsError} when the market ID is taken.
 */
export async function openMarket(ctx: Context, request: OpenMarketInput): Promise<Market> {
  const now = txTimeMs(ctx);
  const reportDeadline = request.reportDeadline ?? request.deliveryEnd + MARKET_DEFAULTS.reportDelayMs;
  const disputeWindowMs = request.disputeWindowMs ?? MARKET_DEFAULTS.disputeWindowMs;
  const tickSize = request.tickSize ?? MARKET_DEFAULTS.tickSize;
  if (request.gateClosure <= now) {
    throw new InvalidInputError('gateClosure', `must be after the transaction time ${isoOf(now)}`);
  }
  if (request.deliveryStart < request.gateClosure) {
    throw new InvalidInputError('deliveryStart', 'must not be before gateClosure');
  }
  if (request.deliveryEnd <= request.deliveryStart) {
    throw new InvalidInputError('deliveryEnd', 'must be after deliveryStart');
  }
  if (reportDeadline < request.deliveryEnd) {
    throw new InvalidInputError('reportDeadline', 'must not be before deliveryEnd');
  }
  if (!Number.isSafeInteger(reportDeadline + disputeWindowMs)) {
    throw new InvalidInputError('disputeWindowMs', 'ends beyond the largest time');
  }
  if (
    request.priceFloor !== undefined &&
    request.priceCap !== undefined &&
    request.priceFloor > request.priceCap
  ) {
    throw new InvalidInputError('priceFloor', 'must not exceed priceCap');
  }
  for (const field of ['priceFloor', 'priceCap'] as const) {
    const limit = request[field];
    if (limit !== undefined && limit % tickSize !== 0) {
      throw new InvalidInputError(field, `must be a multiple of tickSize ${tickSize}`);
    }
  }
  const caller = await requireRole(ctx, 'admin');
  await assertAbsent(ctx, RecordType.Market, request.marketId);
  const at = txTimeIso(ctx);
  const market: Market = {
    id: request.marketId,
    commodity: request.commodity,
    gridZone: request.gridZone,
    deliveryStartMs: request.deliveryStart,
    deliveryEndMs: request.deliveryEnd,
    gateClosureMs: request.gateClosure,
    reportDeadlineMs: reportDeadline,
    disputeWindowMs,
    settleAfterMs: reportDeadline + disputeWindowMs,
    rulingNoticeMs: request.rulingNoticeMs ?? MARKET_DEFAULTS.rulingNoticeMs,
    priceFloor: request.priceFloor,
    priceCap: request.priceCap,
    tickSize,
    collateralBps: request.collateralBps ?? MARKET_DEFAULTS.collateralBps,
    toleranceBps: request.toleranceBps ?? MARKET_DEFAULTS.toleranceBps,
    status: 'OPEN',
    openedBy: caller.participantId,
    openedAt: at,
    updatedAt: at,
  };
  await writeRecord(ctx, RecordType.Market, market.id, market);
  await writeIndex(ctx, MARKETS_BY_COMMODITY, [market.commodity, market.gridZone, market.id]);
  emitEvent(ctx, EventName.MarketOpened, {
    marketId: market.id,
    commodity: market.commodity,
    gridZone: market.gridZone,
    gateClosureMs: market.gateClosureMs,
    deliveryStartMs: market.deliveryStartMs,
    deliveryEndMs: market.deliveryEndMs,
  });
  return market;
}

/** Reads a market or fails with ESTP_NOT_FOUND. */
export function getMarketRecord(ctx: Context, marketId: string): Promise<Market> {
  return mustReadRecord<Market>(ctx, RecordType.Market, marketId);
}

export const GetMarketInput = input({ marketId: id() });

/** A market with its published clearing result (once ClearMarket ran). */
export interface MarketView {
  market: Market;
  clearing?: ClearingResult;
}

/**
 * The market and its clearing result.
 * @throws {NotFoundError}
 */
export async function getMarket(
  ctx: Context,
  request: Infer<typeof GetMarketInput.shape>,
): Promise<MarketView> {
  const market = await getMarketRecord(ctx, request.marketId);
  const clearing = await readRecord<ClearingResult>(ctx, RecordType.ClearingResult, request.marketId);
  return { market, clearing };
}

export const ListMarketsInput = input({
  commodity: oneOf(COMMODITIES).orUndefined(),
  gridZone: id().orUndefined(),
  ...pageFields,
});

/**
 * Lists markets by commodity and grid zone (both optional; a grid zone needs a commodity).
 * @throws {InvalidInputError} when gridZone is given without commodity.
 */
export async function listMarkets(
  ctx: Context,
  request: Infer<typeof ListMarketsInput.shape>,
): Promise<Page<Market>> {
  if (request.gridZone !== undefined && request.commodity === undefined) {
    throw new InvalidInputError('gridZone', 'needs commodity');
  }
  const prefix = [request.commodity, request.gridZone].filter((part): part is string => part !== undefined);
  return listByIndex<Market>(
    ctx,
    MARKETS_BY_COMMODITY,
    prefix,
    RecordType.Market,
    request.pageSize,
    request.bookmark,
  );
}
