/**
 * The demo trading day, step by step (see docs/demo.md): the consortium, identities, participants
 * of all three orgs, deposits, a savings project, three markets, offers from every org, a bilateral
 * heat deal, the clearing, certificate retirement, meter reports with a shortfall, a dispute ruled
 * by two neutral orgs, settlement, and the auditor's conservation check.
 */
import { AUDITOR, CAST, type CastMember } from './cast';
import { auditTotals, printAccounts } from './audit';
import { issueSavingsCertificates, retireCertificates } from './certificates';
import { disputeAndRule, reportDeliveries, settleTrades, shortTradeId } from './delivery';
import {
  acceptHeatBilaterally,
  clearMarkets,
  dayMarkets,
  openMarkets,
  postOffers,
  tradesOf,
} from './markets';
import { DemoError, ensureVerifier, fundParticipants, onboardParticipants } from './onboarding';
import { centsPerKwh, euros, kwh } from './print';
import type { ParticipantRecord, TradeRecord } from './records';
import type { Session } from './session';
import { marketTimes, waitUntil } from './timeline';

/** What the day produced, for the closing notes (and tests). */
export interface DayResult {
  readonly markets: readonly { readonly id: string; readonly price: number | undefined }[];
  readonly trades: readonly TradeRecord[];
  readonly disputedTradeId: string;
  readonly firstBlock: bigint;
  readonly balanced: boolean;
}

/** Runs the whole day. */
export async function runDay(session: Session): Promise<DayResult> {
  const out = session.out;

  out.step(
    'The consortium: each org and the roles its identities may exercise (founding declaration confirmed by every founding org)',
  );
  const auditor = await session.client(AUDITOR);
  const orgs = await auditor.evaluate('Consortium', 'ListOrganisations', {
    pageSize: 50,
  });
  out.table(
    orgs.records.map((org) => ({
      org: org.mspId,
      name: org.displayName,
      status: org.status,
      capabilities: org.capabilities.join(','),
      'meters own members in': org.selfMeteringZones.join(',') || '–',
    })),
    undefined,
    64, // every capability of the grid operator
  );

  out.step("Identities: the Utility CA enrols an M&V verifier into the utility's wallet");
  const verifier = await ensureVerifier(session);

  out.step("Participants register (identity documents in their org's private data); admins approve");
  const participants = await onboardParticipants(session);
  await session.sync();
  const idOf = (member: CastMember): string => {
    const record = participants.get(member);
    if (!record) throw new DemoError(`${member.org}/${member.user} is not onboarded`);
    return record.id;
  };
  const byId = new Map<string, ParticipantRecord>(
    [...participants.values()].map((record) => [record.id, record]),
  );
  const nameOf = (participantId: string): string =>
    CAST.find((member) => participants.get(member)?.id === participantId)?.role ?? participantId;

  out.step('The treasurer deposits opening balances (credits mirror euros paid in off-chain)');
  await fundParticipants(session, participants);
  await session.sync();

  out.step('A savings project is verified and certificates are issued');
  await issueSavingsCertificates(session, verifier);
  await session.sync();

  out.step('Markets open: electricity and heat for the midday delivery interval, and certificates');
  const markets = dayMarkets(session);
  const times = marketTimes(Date.now());
  const firstBlock = await openMarkets(session, markets, times);
  await session.sync();

  out.step('Offers from all three orgs (BUY escrows its value, energy SELL 10 % collateral)');
  const offers = await postOffers(session, markets);
  await session.sync();

  out.step('A bilateral deal: the district-heating company takes waste heat straight from the steelworks');
  await acceptHeatBilaterally(session, offers);
  await session.sync();

  out.step('Gate closure: each market clears in one call auction at a uniform price');
  const waited = await waitUntil(times.gateClosure);
  out.line(`waited ${(waited / 1000).toFixed(1)} s for gate closure`);
  const clearings = await clearMarkets(session, markets);
  await session.sync();
  const trades = await tradesOf(session, markets);
  out.line('trades:');
  out.table(
    trades.map((trade) => ({
      trade: shortTradeId(session, trade.id),
      origin: trade.origin,
      seller: nameOf(trade.seller),
      buyer: nameOf(trade.buyer),
      quantity: kwh(trade.quantityWh),
      price: centsPerKwh(trade.price),
      value: euros(trade.value),
      status: trade.status,
    })),
  );

  out.step('Certificates bought at clearing are retired against an obligation');
  await retireCertificates(session);
  await session.sync();

  out.step('Delivery: the meter operator reports each energy trade');
  const deliveryWait = await waitUntil(times.deliveryEnd);
  if (deliveryWait > 0)
    out.line(`waited ${(deliveryWait / 1000).toFixed(1)} s for the delivery interval to end`);
  await reportDeliveries(session, trades, byId, idOf);
  await session.sync();

  out.step('A dispute: household B contests its delivery; arbiters of the two neutral orgs rule');
  const disputed = await disputeAndRule(session, trades, idOf);
  await session.sync();

  out.step('Settlement after the dispute window: pay, refund, penalise, release collateral');
  const settled = await settleTrades(session, trades, times, nameOf);
  await session.sync();

  out.step('Accounts at the end of the day');
  await printAccounts(session, participants);

  out.step('Audit: conservation over the whole ledger (Audit:Totals, as the utility auditor)');
  const balanced = await auditTotals(session);

  return {
    markets: clearings.map((clearing) => ({ id: clearing.marketId, price: clearing.price })),
    trades: settled,
    disputedTradeId: disputed.id,
    firstBlock,
    balanced,
  };
}
