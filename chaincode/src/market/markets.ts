/**
 * OpenMarket, GetMarket, ListMarkets.
 */
import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import { InvalidInputError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { minimumPrice } from '../lib/money';
import { type Page, listByIndex, pageFields } from '../lib/pagination';
import { assertAbsent, mustReadRecord, readRecord, writeIndex, writeRecord } from '../lib/state';
import { isoOf, txTimeIso, txTimeMs } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id, int, oneOf } from '../lib/validate';
import { COMMODITIES } from '../participant/model';
import { MAX_TIME_MS, bps, durationMs, price, quantityWh, timeMs } from '../lib/fields';
import { BOOK_VERSION } from './book';
import { type ClearingResult, MARKET_DEFAULTS, MARKETS_BY_COMMODITY, type Market } from './model';

const MARKET_ID = id().describe('the market (its ID, chosen when it was opened)');

export const OpenMarket = transaction({
  contract: 'Market',
  name: 'OpenMarket',
  kind: 'submit',
  summary:
    'Opens a market (admin role): gateClosure ≤ deliveryStart < deliveryEnd ≤ reportDeadline, gate closure in the future; quantities trade in multiples of quantityStepWh at prices from a floor at which one step is worth ≥ 1 minor unit (and, for energy, locks ≥ 1 of collateral).',
  input: {
    marketId: id().describe('market ID (client-chosen, unique)'),
    commodity: oneOf(COMMODITIES).describe('what is traded'),
    gridZone: id().describe('grid zone of the delivery (energy markets)'),
    deliveryStart: timeMs().describe('start of the delivery interval'),
    deliveryEnd: timeMs().describe('end of the delivery interval'),
    gateClosure: timeMs().describe('offers are accepted until then'),
    reportDeadline: timeMs().orUndefined().describe('meter reports due (default deliveryEnd + 24 h)'),
    disputeWindowMs: durationMs()
      .orUndefined()
      .describe('disputes may be opened this long after the report deadline (default 24 h)'),
    rulingNoticeMs: durationMs()
      .orUndefined()
      .describe('an agreed ruling is final this long after it (default 0)'),
    rulingWindowMs: durationMs()
      .orUndefined()
      .describe(
        'arbiters rule until this long after the dispute window; then disputes lapse (default 7 days)',
      ),
    quantityStepWh: quantityWh()
      .orUndefined()
      .describe('quantities, minimum fills and bilateral fills are multiples of it (default 1000)'),
    priceFloor: price()
      .orUndefined()
      .describe(
        'lowest offer price accepted (default: the lowest at which one step is worth ≥ 1 and locks ≥ 1)',
      ),
    priceCap: price().orUndefined().describe('highest offer price accepted'),
    tickSize: int({ min: 1, max: 1_000_000, unit: 'minor units per kWh' })
      .orUndefined()
      .describe('price step (default 1)'),
    collateralBps: bps()
      .orUndefined()
      .describe(
        "energy sellers' collateral, of value(quantity, limit) (default 1000; at least 1 on energy markets)",
      ),
    toleranceBps: bps()
      .orUndefined()
      .describe('delivery shortfall without penalty, of the traded quantity (default 200)'),
  },
  output: result<Market>('the market'),
  errors: {
    ESTP_INVALID_INPUT:
      'inconsistent times, invalid calendar dates, a step and floor worth less than 1 minor unit, or price limits',
    ESTP_FORBIDDEN: 'no admin role',
    ESTP_ALREADY_EXISTS: 'market ID taken',
  },
  example: {
    marketId: 'ELEC-ZONE-A-2026-06-01T10',
    commodity: 'ELECTRICITY',
    gridZone: 'ZONE-A',
    deliveryStart: '2026-06-01T10:00:00Z',
    deliveryEnd: '2026-06-01T11:00:00Z',
    gateClosure: '2026-06-01T09:00:00Z',
    priceCap: 500,
  },
});
export type OpenMarketInput = InputOf<typeof OpenMarket>;

/**
 * Opens a market (admin role). Times are ledger time; the gate closure must lie in the future and
 * gateClosure ≤ deliveryStart < deliveryEnd ≤ reportDeadline (default deliveryEnd + 24 h).
 * Quantities trade in multiples of `quantityStepWh` (default 1 kWh) at prices from `priceFloor`,
 * which must make the smallest fill worth ≥ 1 minor unit and, for energy, lock ≥ 1 unit of
 * collateral; without one the floor is the smallest such price (lib/money.ts minimumPrice).
 * @throws {InvalidInputError} on inconsistent times, steps or price limits.
 * @throws {ForbiddenError} without the admin role.
 * @throws {AlreadyExistsError} when the market ID is taken.
 */
export async function openMarket(ctx: Context, request: OpenMarketInput): Promise<Market> {
  const now = txTimeMs(ctx);
  const reportDeadline = request.reportDeadline ?? request.deliveryEnd + MARKET_DEFAULTS.reportDelayMs;
  const disputeWindowMs = request.disputeWindowMs ?? MARKET_DEFAULTS.disputeWindowMs;
  const tickSize = request.tickSize ?? MARKET_DEFAULTS.tickSize;
  const quantityStepWh = request.quantityStepWh ?? MARKET_DEFAULTS.quantityStepWh;
  const collateralBps = request.collateralBps ?? MARKET_DEFAULTS.collateralBps;
  const lowest = minimumPrice(
    quantityStepWh,
    tickSize,
    request.commodity === 'SAVINGS_CERT' ? undefined : collateralBps,
  );
  const priceFloor = request.priceFloor ?? lowest;
  if (priceFloor < lowest) {
    throw new InvalidInputError(
      'priceFloor',
      `must be ≥ ${lowest}: at a lower price the smallest fill (quantityStepWh ${quantityStepWh} Wh) would be worth` +
        (request.commodity === 'SAVINGS_CERT'
          ? ''
          : ` or lock as collateral (collateralBps ${collateralBps})`) +
        ' less than 1 minor unit',
    );
  }
  if (request.priceCap !== undefined && request.priceCap < priceFloor) {
    throw new InvalidInputError('priceCap', `must not be below the price floor ${priceFloor}`);
  }
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
  const rulingWindowMs = request.rulingWindowMs ?? MARKET_DEFAULTS.rulingWindowMs;
  if (reportDeadline + disputeWindowMs + rulingWindowMs > MAX_TIME_MS) {
    throw new InvalidInputError('rulingWindowMs', 'ends beyond the latest accepted time');
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
    rulingDeadlineMs: reportDeadline + disputeWindowMs + rulingWindowMs,
    priceFloor,
    priceCap: request.priceCap,
    tickSize,
    quantityStepWh,
    collateralBps,
    toleranceBps: request.toleranceBps ?? MARKET_DEFAULTS.toleranceBps,
    status: 'OPEN',
    bookVersion: BOOK_VERSION,
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

export const GetMarket = transaction({
  contract: 'Market',
  name: 'GetMarket',
  kind: 'evaluate',
  summary: 'A market and its published clearing result.',
  input: { marketId: MARKET_ID },
  output: result<MarketView>('the market and, once cleared, its clearing result'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { marketId: 'ELEC-ZONE-A-2026-06-01T10' },
});

/** A market with its published clearing result (once ClearMarket ran). */
export interface MarketView {
  market: Market;
  clearing?: ClearingResult;
}

/**
 * The market and its clearing result.
 * @throws {NotFoundError}
 */
export async function getMarket(ctx: Context, request: InputOf<typeof GetMarket>): Promise<MarketView> {
  const market = await getMarketRecord(ctx, request.marketId);
  const clearing = await readRecord<ClearingResult>(ctx, RecordType.ClearingResult, request.marketId);
  return { market, clearing };
}

export const ListMarkets = transaction({
  contract: 'Market',
  name: 'ListMarkets',
  kind: 'evaluate',
  summary: 'Markets by commodity and grid zone (a grid zone needs a commodity), or all.',
  input: {
    commodity: oneOf(COMMODITIES).orUndefined().describe('only markets of this commodity'),
    gridZone: id().orUndefined().describe('only markets of this grid zone (with commodity)'),
    ...pageFields,
  },
  output: result<Page<Market>>('one page of markets'),
  errors: { ESTP_INVALID_INPUT: 'gridZone without commodity' },
  example: { commodity: 'ELECTRICITY', gridZone: 'ZONE-A' },
});

/**
 * Lists markets by commodity and grid zone (both optional; a grid zone needs a commodity).
 * @throws {InvalidInputError} when gridZone is given without commodity.
 */
export async function listMarkets(ctx: Context, request: InputOf<typeof ListMarkets>): Promise<Page<Market>> {
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
