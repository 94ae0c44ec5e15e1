/**
 * Midday: the markets open, participants of all three orgs post offers, the district-heating
 * company takes part of the steelworks' heat bilaterally, and after gate closure each market's call
 * auction clears it at one uniform price.
 */
import {
  type CastMember,
  DISTRICT_HEATING,
  ENTERPRISE_SAVER,
  FACTORY,
  GRID_ZONE,
  HOUSEHOLD_A,
  HOUSEHOLD_B,
  MARKET_OPERATOR,
  PROSUMER,
} from './cast';
import { clearMarket } from '../gateway/clearing';
import { centsPerKwh, euros, kwh } from './print';
import type { ClearingRecord, OfferRecord, TradeRecord } from './records';
import type { Session } from './session';
import { clockTime, type MarketTimes } from './timeline';

export type Commodity = 'ELECTRICITY' | 'HEAT' | 'SAVINGS_CERT';

/** One market of the day. */
export interface DayMarket {
  readonly key: string;
  readonly id: string;
  readonly commodity: Commodity;
  readonly label: string;
  /**
   * Quantities trade in multiples of this (default 1 kWh). Heat trades in 5 kWh steps: at its low
   * prices (5–7 c/kWh) one step must still be worth ≥ 1 cent of collateral (docs/trading.md).
   */
  readonly quantityStepWh?: number;
}

/** The markets of the day: one delivery interval of electricity and of heat, and certificates. */
export function dayMarkets(session: Session): DayMarket[] {
  return [
    {
      key: 'ELEC',
      id: session.id('ELEC-A'),
      commodity: 'ELECTRICITY',
      label: 'electricity, ZONE-A, midday interval',
    },
    {
      key: 'HEAT',
      id: session.id('HEAT-A'),
      commodity: 'HEAT',
      label: 'heat, ZONE-A, midday interval, 5 kWh steps',
      quantityStepWh: 5_000,
    },
    {
      key: 'CERT',
      id: session.id('CERT'),
      commodity: 'SAVINGS_CERT',
      label: 'energy-savings certificates (Wh saved)',
    },
  ];
}

/** An offer of the day. */
interface PlannedOffer {
  readonly market: string;
  readonly member: CastMember;
  readonly name: string;
  readonly side: 'BUY' | 'SELL';
  readonly quantityWh: number;
  readonly price: number;
}

/** The order book of the day (prices in cents per kWh; certificates per kWh saved). */
const OFFERS: readonly PlannedOffer[] = [
  { market: 'ELEC', member: PROSUMER, name: 'pv-surplus', side: 'SELL', quantityWh: 60_000, price: 18 },
  {
    market: 'ELEC',
    member: DISTRICT_HEATING,
    name: 'chp-power',
    side: 'SELL',
    quantityWh: 40_000,
    price: 24,
  },
  { market: 'ELEC', member: HOUSEHOLD_A, name: 'evening-load', side: 'BUY', quantityWh: 30_000, price: 30 },
  { market: 'ELEC', member: HOUSEHOLD_B, name: 'heat-pump', side: 'BUY', quantityWh: 25_000, price: 26 },
  { market: 'ELEC', member: ENTERPRISE_SAVER, name: 'brewhouse', side: 'BUY', quantityWh: 40_000, price: 22 },
  { market: 'HEAT', member: FACTORY, name: 'furnace-heat', side: 'SELL', quantityWh: 40_000, price: 5 },
  {
    market: 'HEAT',
    member: DISTRICT_HEATING,
    name: 'network-heat',
    side: 'BUY',
    quantityWh: 25_000,
    price: 7,
  },
  { market: 'CERT', member: ENTERPRISE_SAVER, name: 'certs', side: 'SELL', quantityWh: 150_000, price: 3 },
  {
    market: 'CERT',
    member: DISTRICT_HEATING,
    name: 'obligation',
    side: 'BUY',
    quantityWh: 100_000,
    price: 5,
  },
];

/** The heat the district-heating company takes straight from the steelworks' offer, at its price. */
const BILATERAL_HEAT_WH = 10_000;

/** Opens the day's markets (the utility's admin acts as market operator); returns the first block. */
export async function openMarkets(
  session: Session,
  markets: readonly DayMarket[],
  times: MarketTimes,
): Promise<bigint> {
  const operator = await session.client(MARKET_OPERATOR);
  const opened = await Promise.all(
    markets.map((market) =>
      operator.submitText('Market', 'OpenMarket', {
        marketId: market.id,
        commodity: market.commodity,
        gridZone: GRID_ZONE,
        deliveryStart: times.deliveryStart,
        deliveryEnd: times.deliveryEnd,
        gateClosure: times.gateClosure,
        reportDeadline: times.reportDeadline,
        disputeWindowMs: times.disputeWindowMs,
        rulingNoticeMs: times.rulingNoticeMs,
        quantityStepWh: market.quantityStepWh,
      }),
    ),
  );
  for (const market of markets) session.out.line(`${market.id.padEnd(30)} ${market.label}`);
  const firstBlock = opened.reduce(
    (lowest, result) => (result.blockNumber < lowest ? result.blockNumber : lowest),
    opened[0]?.blockNumber ?? 0n,
  );
  session.out.line(
    `gate closure ${clockTime(times.gateClosure)}, delivery ${clockTime(times.deliveryStart)}–${clockTime(times.deliveryEnd)}, ` +
      `meter reports until ${clockTime(times.reportDeadline)}, disputes until ${clockTime(times.settleAfter)} (UTC)`,
  );
  return firstBlock;
}

function marketIdOf(markets: readonly DayMarket[], key: string): string {
  const market = markets.find((candidate) => candidate.key === key);
  if (!market) throw new Error(`no market ${key}`);
  return market.id;
}

/** Posts the day's offers, all at once (different owners never write the same key). */
export async function postOffers(session: Session, markets: readonly DayMarket[]): Promise<OfferRecord[]> {
  // One owner's offers touch its one account key, so each owner posts its offers in sequence.
  const byOwner = new Map<CastMember, PlannedOffer[]>();
  for (const offer of OFFERS) byOwner.set(offer.member, [...(byOwner.get(offer.member) ?? []), offer]);
  const posted = await Promise.all(
    [...byOwner].map(async ([member, offers]) => {
      const client = await session.client(member);
      const records: OfferRecord[] = [];
      for (const offer of offers) {
        records.push(
          await client.submit('Market', 'PostOffer', {
            offerId: session.id(offer.name),
            marketId: marketIdOf(markets, offer.market),
            side: offer.side,
            quantityWh: offer.quantityWh,
            price: offer.price,
          }),
        );
      }
      return records;
    }),
  );
  const records = posted.flat();
  session.out.line(`offer IDs are <owner participant ID>/${session.runTag}-<offer>`);
  session.out.table(
    OFFERS.map((offer) => {
      const record = postedOffer(records, session.id(offer.name));
      return {
        market: offer.market,
        participant: `${offer.member.role} (${offer.member.org})`,
        side: offer.side,
        quantity: kwh(offer.quantityWh),
        limit: centsPerKwh(offer.price),
        locked: lockedText(record),
        offer: record ? `…/${offer.name}` : '(not posted)',
      };
    }),
  );
  return records;
}

function postedOffer(records: readonly OfferRecord[], offerId: string): OfferRecord | undefined {
  return records.find((candidate) => candidate.id.endsWith(`/${offerId}`));
}

function lockedText(offer: OfferRecord | undefined): string {
  if (!offer) return '';
  return offer.certificatesLockedWh > 0
    ? `${kwh(offer.certificatesLockedWh)} saved`
    : euros(offer.moneyLocked);
}

/** The district-heating company accepts part of the steelworks' heat offer at its price. */
export async function acceptHeatBilaterally(
  session: Session,
  offers: readonly OfferRecord[],
): Promise<TradeRecord> {
  const furnace = postedOffer(offers, session.id('furnace-heat'));
  if (!furnace) throw new Error('the steelworks heat offer was not posted');
  const buyer = await session.client(DISTRICT_HEATING);
  const { trade, offer } = await buyer.submit('Market', 'AcceptOffer', {
    id: furnace.id,
    quantityWh: BILATERAL_HEAT_WH,
    // Our ID for this fill: resubmitting it can never fill the offer twice.
    acceptId: 'bilateral-heat',
  });
  session.out.line(
    `${DISTRICT_HEATING.role} accepts ${kwh(trade.quantityWh)} of the steelworks' offer …/furnace-heat at ${centsPerKwh(trade.price)} ` +
      `(${euros(trade.value)} escrowed); ${kwh(offer.remainingWh)} stay in the auction`,
  );
  session.out.line(`→ trade ${trade.id}`);
  return trade;
}

/** Clears a market: ClearMarket until its last batch is done, the slices of a step side by side. */
async function clearOne(session: Session, market: DayMarket): Promise<ClearingRecord> {
  const clearer = await session.client(DISTRICT_HEATING);
  const last = await clearMarket((input) => clearer.submit('Market', 'ClearMarket', input), market.id);
  return last.clearing;
}

/** Clears every market (in sequence: clearings of different markets pay the same accounts). */
export async function clearMarkets(
  session: Session,
  markets: readonly DayMarket[],
): Promise<ClearingRecord[]> {
  const results: ClearingRecord[] = [];
  for (const market of markets) results.push(await clearOne(session, market));
  session.out.table(
    results.map((clearing) => ({
      market: clearing.marketId,
      'clearing price': centsPerKwh(clearing.price),
      volume: kwh(clearing.volumeWh),
      value: euros(clearing.tradedValue),
      bids: clearing.bids,
      asks: clearing.asks,
      trades: clearing.trades,
    })),
  );
  return results;
}

/** Every trade of the day's markets, auction and bilateral. */
export async function tradesOf(session: Session, markets: readonly DayMarket[]): Promise<TradeRecord[]> {
  const reader = await session.client(DISTRICT_HEATING);
  const trades: TradeRecord[] = [];
  for (const market of markets) {
    for await (const page of reader.pages('Settlement', 'ListTrades', {
      marketId: market.id,
      pageSize: 100,
    })) {
      trades.push(...page.records);
    }
  }
  return trades;
}
