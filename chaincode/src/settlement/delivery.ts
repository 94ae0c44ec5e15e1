/**
 * ReportDelivery and Settle: the life of an energy trade after matching.
 *
 * Timeline of a market (ledger time): … gate closure ≤ delivery start < delivery end ≤ report
 * deadline < settleAfter = report deadline + dispute window.
 *
 * - ReportDelivery (meter role) is accepted from delivery end until the report deadline (inclusive),
 *   once per trade, for a meter bound to the trade's seller or buyer: MATCHED → DELIVERED. A meter
 *   operator reports a trade whose buyer or seller belongs to its own org only where the consortium
 *   granted its org the meter capability for the market's grid zone (`selfMeteringZones`).
 * - Settle advances a trade by one step:
 *   - MATCHED after the report deadline → DEFAULTED (no report: zero delivered), or straight to
 *     SETTLED as a default once settleAfter has passed;
 *   - DELIVERED or DEFAULTED from settleAfter → SETTLED (rules.ts);
 *   - RULED from the ruling's final time → SETTLED by the ruling;
 *   - DISPUTED is frozen until the market's ruling deadline; from then the dispute LAPSES and the
 *     trade settles on the default outcome: the meter report stands, or without one the trade
 *     settles as a default (zero delivered);
 *   - SETTLED is final.
 */
import type { Context } from 'fabric-contract-api';
import type { Dispute } from '../dispute/model';
import { requireRole } from '../lib/caller';
import { ForbiddenError, IllegalStateError, TooEarlyError, TooLateError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { mustReadRecord, writeRecord } from '../lib/state';
import { isoOf, txTimeAfter, txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id, sha256Hex } from '../lib/validate';
import { quantityWh, tradeRef, uri } from '../lib/fields';
import { getMarketRecord } from '../market/markets';
import { getParticipant } from '../participant/model';
import { AccountBook } from '../lib/accounts';
import type { Trade, TradeSettlement } from './model';
import { settleEnergy } from './rules';

/** Reads a trade or fails with ESTP_NOT_FOUND. */
export function getTradeRecord(ctx: Context, tradeId: string): Promise<Trade> {
  return mustReadRecord<Trade>(ctx, RecordType.Trade, tradeId);
}

const TRADE_ID = tradeRef().describe('the trade <marketId>/c/<n> or <marketId>/a/<hash>');

export const ReportDelivery = transaction({
  contract: 'Settlement',
  name: 'ReportDelivery',
  kind: 'submit',
  summary:
    "Reports the metered delivery of an energy trade (meter role; for a trade with a party of the meter operator's own org, only with a self-metering grant for the market's grid zone), once, between delivery end and the report deadline.",
  input: {
    tradeId: TRADE_ID,
    deliveredWh: quantityWh(0).describe('energy delivered, as metered'),
    meterId: id().describe("the meter read: registered to the trade's seller or buyer"),
    readingHash: sha256Hex().describe('SHA-256 (hex) of the meter reading (kept off-chain)'),
    readingUri: uri().orUndefined().describe('where the meter reading is kept'),
  },
  output: result<Trade>('the trade, DELIVERED'),
  errors: {
    ESTP_FORBIDDEN: "role, meter not bound to a party, own org's trade without self-metering grant",
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: '',
    ESTP_TOO_EARLY: 'before delivery end',
    ESTP_TOO_LATE: 'after the report deadline',
    ESTP_BAD_TIMESTAMP: "before the market's or trade's latest recorded transaction",
  },
  example: {
    tradeId: 'ELEC-ZONE-A-2026-06-01T10/c/00000001',
    deliveredWh: 4800,
    meterId: 'M-1',
    readingHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
});

/**
 * Records the metered delivery of an energy trade (meter role).
 * @throws {ForbiddenError} without the meter role; the meter is not bound to the seller or buyer; a
 *   party belongs to the meter operator's org and the org holds no self-metering grant for the zone.
 * @throws {NotFoundError} unknown trade.
 * @throws {IllegalStateError} a certificate trade, or the trade is not MATCHED (reported, defaulted, disputed…).
 * @throws {TooEarlyError} before delivery end.
 * @throws {TooLateError} after the report deadline.
 */
export async function reportDelivery(ctx: Context, request: InputOf<typeof ReportDelivery>): Promise<Trade> {
  const caller = await requireRole(ctx, 'meter');
  const trade = await getTradeRecord(ctx, request.tradeId);
  if (trade.commodity === 'SAVINGS_CERT') {
    throw new IllegalStateError(`trade ${trade.id} is a certificate trade: certificates deliver at clearing`);
  }
  if (trade.status !== 'MATCHED') {
    throw new IllegalStateError(
      `trade ${trade.id} is ${trade.status}; a delivery is reported once, on a MATCHED trade`,
    );
  }
  const market = await getMarketRecord(ctx, trade.marketId);
  const now = txTimeAfter(ctx, { [`market ${market.id}`]: market, [`trade ${trade.id}`]: trade });
  if (now < market.deliveryEndMs) {
    throw new TooEarlyError(
      `delivery of ${trade.id} is reported from delivery end ${isoOf(market.deliveryEndMs)}`,
    );
  }
  if (now > market.reportDeadlineMs) {
    throw new TooLateError(`the report deadline of ${trade.id} was ${isoOf(market.reportDeadlineMs)}`);
  }
  const ownParty = [trade.sellerMspId, trade.buyerMspId].includes(caller.mspId);
  if (ownParty && !caller.organisation.selfMeteringZones.includes(market.gridZone)) {
    throw new ForbiddenError(
      `${caller.mspId}'s meters do not report ${trade.id}: a party belongs to ${caller.mspId}, which holds ` +
        `no meter capability for its own members in grid zone ${market.gridZone} (a self-metering grant)`,
    );
  }
  const seller = await getParticipant(ctx, trade.seller);
  const buyer = await getParticipant(ctx, trade.buyer);
  if (!seller.meterIds.includes(request.meterId) && !buyer.meterIds.includes(request.meterId)) {
    throw new ForbiddenError(`meter ${request.meterId} is not bound to the seller or buyer of ${trade.id}`);
  }
  const at = txTimeIso(ctx);
  trade.delivery = {
    deliveredWh: request.deliveredWh,
    meterId: request.meterId,
    readingHash: request.readingHash,
    readingUri: request.readingUri,
    reportedBy: caller.participantId,
    reportedAt: at,
  };
  trade.status = 'DELIVERED';
  trade.updatedAt = at;
  await writeRecord(ctx, RecordType.Trade, trade.id, trade);
  emitEvent(ctx, EventName.DeliveryReported, {
    tradeId: trade.id,
    marketId: trade.marketId,
    deliveredWh: request.deliveredWh,
    quantityWh: trade.quantityWh,
    meterId: request.meterId,
    readingHash: request.readingHash,
  });
  return trade;
}

export const Settle = transaction({
  contract: 'Settlement',
  name: 'Settle',
  kind: 'submit',
  summary:
    "Advances a trade's settlement (member or treasurer role): declares a default, or pays out after the dispute window / the ruling's final time; from the ruling deadline a disputed trade settles on the default outcome (the meter report stands).",
  input: { tradeId: TRADE_ID },
  output: result<Trade>('the trade after this step'),
  errors: {
    ESTP_FORBIDDEN: '',
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: 'disputed (before its ruling deadline) or settled',
    ESTP_TOO_EARLY: '',
    ESTP_BAD_TIMESTAMP: "before the market's or trade's latest recorded transaction",
  },
  example: { tradeId: 'ELEC-ZONE-A-2026-06-01T10/c/00000001' },
});

/**
 * Advances a trade's settlement by one step (member or treasurer role; see the module comment).
 * @throws {ForbiddenError} without the member or treasurer role.
 * @throws {NotFoundError} unknown trade.
 * @throws {IllegalStateError} DISPUTED before the ruling deadline (frozen), or already SETTLED.
 * @throws {TooEarlyError} before the report deadline, the end of the dispute window, or the ruling's final time.
 * @throws {BadTimestampError} timestamp before the latest one recorded on the market or trade.
 */
export async function settle(ctx: Context, request: InputOf<typeof Settle>): Promise<Trade> {
  await requireRole(ctx, 'member', 'treasurer');
  const trade = await getTradeRecord(ctx, request.tradeId);
  if (trade.status === 'SETTLED') throw new IllegalStateError(`trade ${trade.id} is already SETTLED`);
  const market = await getMarketRecord(ctx, trade.marketId);
  const nowMs = txTimeAfter(ctx, { [`market ${market.id}`]: market, [`trade ${trade.id}`]: trade });
  const at = txTimeIso(ctx);
  let basis: TradeSettlement['basis'];
  let measuredWh = 0;
  let ruledPenalty: number | undefined;
  let lapsed: Dispute | undefined;
  switch (trade.status) {
    case 'MATCHED':
      if (nowMs <= market.reportDeadlineMs) {
        throw new TooEarlyError(
          `trade ${trade.id} awaits its meter report until ${isoOf(market.reportDeadlineMs)}`,
        );
      }
      if (nowMs < market.settleAfterMs) {
        trade.status = 'DEFAULTED';
        trade.defaultedAt = at;
        trade.updatedAt = at;
        await writeRecord(ctx, RecordType.Trade, trade.id, trade);
        emitEvent(ctx, EventName.TradeDefaulted, {
          tradeId: trade.id,
          marketId: trade.marketId,
          seller: trade.seller,
        });
        return trade;
      }
      trade.defaultedAt = at;
      basis = 'DEFAULTED';
      break;
    case 'DEFAULTED':
    case 'DELIVERED':
      if (nowMs < market.settleAfterMs) {
        throw new TooEarlyError(
          `trade ${trade.id} settles after its dispute window, from ${isoOf(market.settleAfterMs)}`,
        );
      }
      basis = trade.status;
      measuredWh = trade.delivery?.deliveredWh ?? 0;
      break;
    case 'DISPUTED': {
      const deadline = market.rulingDeadlineMs;
      if (deadline === undefined || nowMs < deadline) {
        throw new IllegalStateError(
          `trade ${trade.id} is DISPUTED: frozen until the dispute is ruled` +
            (deadline === undefined ? '' : ` or lapses at its ruling deadline ${isoOf(deadline)}`),
        );
      }
      // The dispute lapsed without an agreed ruling: the default outcome applies.
      lapsed = await mustReadRecord<Dispute>(ctx, RecordType.Dispute, trade.id);
      txTimeAfter(ctx, { [`dispute ${lapsed.id}`]: lapsed });
      if (trade.delivery) {
        basis = 'DELIVERED';
        measuredWh = trade.delivery.deliveredWh;
      } else {
        basis = 'DEFAULTED';
        trade.defaultedAt ??= at;
      }
      break;
    }
    case 'RULED': {
      const ruling = trade.ruling;
      if (!ruling) throw new IllegalStateError(`trade ${trade.id} is RULED without a ruling`);
      if (nowMs < ruling.finalAtMs) {
        throw new TooEarlyError(`the ruling on ${trade.id} is final from ${isoOf(ruling.finalAtMs)}`);
      }
      basis = 'RULED';
      measuredWh = ruling.deliveredWh;
      ruledPenalty = ruling.penalty;
      break;
    }
  }
  const outcome = settleEnergy({
    quantityWh: trade.quantityWh,
    price: trade.price,
    escrow: trade.value,
    collateral: trade.collateral,
    toleranceBps: market.toleranceBps,
    measuredWh,
    ruledPenalty,
  });
  const accounts = new AccountBook(ctx, at);
  await accounts.payFromEscrow(trade.buyer, trade.seller, outcome.paid);
  await accounts.release(trade.buyer, outcome.buyerRefund);
  await accounts.payFromEscrow(trade.seller, trade.buyer, outcome.penalty);
  await accounts.release(trade.seller, outcome.collateralReleased);
  trade.settlement = {
    deliveredWh: outcome.deliveredWh,
    paid: outcome.paid,
    buyerRefund: outcome.buyerRefund,
    penalty: outcome.penalty,
    collateralReleased: outcome.collateralReleased,
    basis,
    settledAt: at,
  };
  trade.status = 'SETTLED';
  trade.updatedAt = at;
  await writeRecord(ctx, RecordType.Trade, trade.id, trade);
  if (lapsed) {
    lapsed.status = 'LAPSED';
    lapsed.lapsedAt = at;
    lapsed.updatedAt = at;
    await writeRecord(ctx, RecordType.Dispute, lapsed.id, lapsed);
  }
  await accounts.flush();
  emitEvent(ctx, EventName.TradeSettled, {
    tradeId: trade.id,
    marketId: trade.marketId,
    buyer: trade.buyer,
    seller: trade.seller,
    ...trade.settlement,
  });
  return trade;
}
