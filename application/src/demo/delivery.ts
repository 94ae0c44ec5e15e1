/**
 * Afternoon: the utility's meter operator reports what each energy trade delivered (one report
 * shows a shortfall, which costs the seller a penalty), a household disputes its trade and arbiters
 * of the two neutral organisations rule on it; after the dispute window every trade settles.
 */
import {
  type CastMember,
  HOUSEHOLD_A,
  HOUSEHOLD_B,
  METER_OPERATOR,
  NEUTRAL_ARBITERS,
  PROSUMER,
  TREASURER,
} from './cast';
import { sha256 } from './onboarding';
import { centsPerKwh, euros, kwh } from './print';
import type { DisputeRecord, ParticipantRecord, TradeRecord } from './records';
import type { Session } from './session';
import { clockTime, type MarketTimes, waitUntil } from './timeline';

/** What the meters say: the households' PV trades deviate, everything else is delivered in full. */
export function meteredWh(trade: TradeRecord, participantIdOf: (member: CastMember) => string): number {
  // A cloud front at noon: the co-op's PV fell 2 kWh short on household A's trade.
  if (trade.seller === participantIdOf(PROSUMER) && trade.buyer === participantIdOf(HOUSEHOLD_A)) {
    return trade.quantityWh - 2_000;
  }
  return trade.quantityWh;
}

/** The ruling the neutral arbiters agree on for household B's dispute. */
export const RULING = { deliveredWh: 22_000, penalty: 20 } as const;

function meterOf(trade: TradeRecord, participants: ReadonlyMap<string, ParticipantRecord>): string {
  const meter = participants.get(trade.seller)?.meterIds[0] ?? participants.get(trade.buyer)?.meterIds[0];
  if (meter === undefined) throw new Error(`no registered meter for the parties of ${trade.id}`);
  return meter;
}

/** The meter operator reports every energy trade after delivery end (in parallel: one key each). */
export async function reportDeliveries(
  session: Session,
  trades: readonly TradeRecord[],
  participants: ReadonlyMap<string, ParticipantRecord>,
  participantIdOf: (member: CastMember) => string,
): Promise<TradeRecord[]> {
  const meter = await session.client(METER_OPERATOR);
  const energy = trades.filter((trade) => trade.commodity !== 'SAVINGS_CERT');
  const reported = await Promise.all(
    energy.map((trade) => {
      const deliveredWh = meteredWh(trade, participantIdOf);
      const meterId = meterOf(trade, participants);
      return meter.submit('Settlement', 'ReportDelivery', {
        tradeId: trade.id,
        deliveredWh,
        meterId,
        readingHash: sha256(`${meterId}:${trade.id}:${deliveredWh}`),
      });
    }),
  );
  session.out.table(
    reported.map((trade) => {
      const delivered = meteredWh(trade, participantIdOf);
      return {
        trade: shortTradeId(session, trade.id),
        traded: kwh(trade.quantityWh),
        metered: kwh(delivered),
        note: delivered < trade.quantityWh ? `shortfall ${kwh(trade.quantityWh - delivered)}` : '',
      };
    }),
  );
  return reported;
}

/** Household B disputes its trade; the co-op adds its inverter log; two neutral arbiters rule. */
export async function disputeAndRule(
  session: Session,
  trades: readonly TradeRecord[],
  participantIdOf: (member: CastMember) => string,
): Promise<TradeRecord> {
  const disputed = trades.find(
    (trade) => trade.buyer === participantIdOf(HOUSEHOLD_B) && trade.seller === participantIdOf(PROSUMER),
  );
  if (!disputed) throw new Error("household B's trade with the co-op was not matched");
  const household = await session.client(HOUSEHOLD_B);
  await household.submit('Dispute', 'Open', {
    tradeId: disputed.id,
    claim: `my own meter shows ${kwh(RULING.deliveredWh)} received, not ${kwh(disputed.quantityWh)}`,
    evidenceHash: sha256(`${disputed.id}: household sub-meter export`),
    evidenceUri: 'https://example.org/estp-demo/okafor/submeter.csv',
  });
  session.out.line(`${household.participantId} opens a dispute on ${disputed.id}: the trade is frozen`);
  await session.sync();
  const coop = await session.client(PROSUMER);
  await coop.submit('Dispute', 'AddEvidence', {
    tradeId: disputed.id,
    evidenceHash: sha256(`${disputed.id}: inverter log`),
    note: 'inverter log: output curtailed 12:10–12:25',
  });
  session.out.line(`${coop.participantId} adds its inverter log as evidence`);
  await session.sync();

  let dispute: DisputeRecord | undefined;
  for (const actor of NEUTRAL_ARBITERS) {
    const arbiter = await session.client(actor);
    dispute = await arbiter.submit('Dispute', 'Rule', {
      tradeId: disputed.id,
      ...RULING,
      reason: 'sub-meter and inverter log agree on a curtailment; delivered energy split accordingly',
    });
    session.out.line(
      `arbiter ${arbiter.participantId} (neutral) rules ${kwh(RULING.deliveredWh)} delivered, penalty ${euros(RULING.penalty)} → dispute ${dispute.status}`,
    );
    // The next arbiter's vote is counted against this one on every endorsing peer.
    await session.sync();
  }
  if (dispute?.status !== 'RULED' || !dispute.ruling) throw new Error(`dispute ${disputed.id} was not ruled`);
  session.out.line(
    `ruling agreed by ${dispute.ruling.organisations.join(' and ')}; final at ${clockTime(dispute.ruling.finalAtMs)}`,
  );
  return disputed;
}

/** `ELEC-A/c/00000001`, `HEAT-A/a/1f2e3d4c…`: a trade ID without the run tag, bilateral ones cut. */
export function shortTradeId(session: Session, tradeId: string): string {
  const local = tradeId.startsWith(`${session.runTag}-`) ? tradeId.slice(session.runTag.length + 1) : tradeId;
  return local.replace(/\/a\/([0-9a-f]{8})[0-9a-f]+$/, '/a/$1…');
}

/** One row of the settlement table. */
function settlementRow(
  session: Session,
  trade: TradeRecord,
  nameOf: (participantId: string) => string,
): Record<string, unknown> {
  const settlement = trade.settlement;
  return {
    trade: shortTradeId(session, trade.id),
    seller: nameOf(trade.seller),
    buyer: nameOf(trade.buyer),
    traded: kwh(trade.quantityWh),
    price: centsPerKwh(trade.price),
    delivered: settlement ? kwh(settlement.deliveredWh) : '',
    paid: settlement ? euros(settlement.paid) : '',
    refund: settlement ? euros(settlement.buyerRefund) : '',
    penalty: settlement ? euros(settlement.penalty) : '',
    'collateral back': settlement ? euros(settlement.collateralReleased) : '',
    basis: settlement?.basis ?? trade.status,
  };
}

/**
 * Waits for the dispute window to end, then settles every energy trade (in sequence: trades of one
 * seller pay into the same account); the ruled trade once its ruling is final.
 */
export async function settleTrades(
  session: Session,
  trades: readonly TradeRecord[],
  times: MarketTimes,
  nameOf: (participantId: string) => string,
): Promise<TradeRecord[]> {
  const waited = await waitUntil(times.settleAfter);
  session.out.line(
    `waited ${(waited / 1000).toFixed(1)} s for the dispute window to close (${clockTime(times.settleAfter)})`,
  );
  const treasurer = await session.client(TREASURER);
  const settled: TradeRecord[] = [];
  for (const trade of trades) {
    if (trade.status === 'SETTLED') {
      settled.push(trade);
      continue;
    }
    const current = await treasurer.evaluate('Settlement', 'GetTrade', { tradeId: trade.id });
    if (current.status === 'RULED' && current.ruling) await waitUntil(current.ruling.finalAtMs);
    settled.push(await treasurer.submit('Settlement', 'Settle', { tradeId: trade.id }));
  }
  session.out.table(settled.map((trade) => settlementRow(session, trade, nameOf)));
  return settled;
}
