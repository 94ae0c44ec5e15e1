/**
 * Disputes: Open, AddEvidence, Rule, Get, List.
 *
 * - A party (buyer or seller) opens a dispute on an energy trade once there is something to dispute:
 *   its delivery was reported (DELIVERED) or its report deadline passed (MATCHED without a report,
 *   or DEFAULTED), and before the market's settleAfter (report deadline + dispute window), with a
 *   claim and an evidence hash (+ URI). The trade becomes DISPUTED: Settle rejects it until it is
 *   ruled or the dispute lapses.
 * - Parties, and arbiters of neutral organisations, add evidence while the dispute is OPEN and the
 *   ruling deadline has not passed, at most {@link MAX_EVIDENCE_PER_PARTY} entries per side (the
 *   buyer, the seller, each neutral organisation's arbiters).
 * - Arbiters (role `arbiter`) rule: a delivered quantity (≤ traded) and a penalty (≤ the trade's
 *   collateral). Neutral organisations are the ACTIVE Organisation records other than the parties'
 *   organisations. The ruling is agreed when arbiters of min(2, #neutral) neutral organisations
 *   submitted the same (deliveredWh, penalty) — i.e. two, or every neutral organisation when fewer
 *   than two exist. With no neutral organisation at all, arbiters of every ACTIVE organisation must
 *   agree. Each organisation has one vote: a later ruling of one of its arbiters replaces it.
 * - Once agreed, the dispute and the trade are RULED; the ruling is final (Settle may run) after the
 *   market's rulingNoticeMs, and then drives settlement.
 * - Disputes end: rulings are accepted until the market's ruling deadline (settleAfter +
 *   rulingWindowMs). A dispute still OPEN then lapses: Settle applies the default outcome — the
 *   meter report stands, or with no report the trade settles as a default (settlement/delivery.ts).
 */
import type { Context } from 'fabric-contract-api';
import { requireRole } from '../lib/caller';
import {
  ForbiddenError,
  IllegalStateError,
  InvalidInputError,
  LimitExceededError,
  TooEarlyError,
  TooLateError,
} from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { type Page, listByIndex, listRecords, pageFields } from '../lib/pagination';
import { assertAbsent, mustReadRecord, writeIndex, writeRecord } from '../lib/state';
import { isoOf, txTimeAfter, txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { sha256Hex, text } from '../lib/validate';
import { amount, participantId, quantityWh, tradeRef, uri } from '../lib/fields';
import { activeMspIds, allOrganisations } from '../consortium/model';
import { getMarketRecord } from '../market/markets';
import { requireActiveParticipant } from '../participant/model';
import { getTradeRecord } from '../settlement/delivery';
import type { Market } from '../market/model';
import { DISPUTES_BY_PARTY, type Dispute, MAX_EVIDENCE_PER_PARTY, type Vote } from './model';

/** MSP IDs of the ACTIVE organisations, sorted. */
export async function activeOrganisations(ctx: Context): Promise<string[]> {
  return activeMspIds(await allOrganisations(ctx));
}

/** Who rules a dispute between parties of `partyMspIds`, and how many must agree. */
export function arbitration(
  active: readonly string[],
  partyMspIds: readonly string[],
): { eligible: string[]; required: number } {
  const neutral = active.filter((mspId) => !partyMspIds.includes(mspId));
  if (neutral.length > 0) return { eligible: neutral, required: Math.min(2, neutral.length) };
  return { eligible: [...active], required: active.length };
}

const TRADE_ID = tradeRef().describe('the disputed trade (a dispute has the ID of its trade)');
const EVIDENCE_HASH = sha256Hex().describe('SHA-256 (hex) of the evidence document (kept off-chain)');
const EVIDENCE_URI = uri().orUndefined().describe('where the evidence document is kept');
const EXAMPLE_TRADE = 'ELEC-ZONE-A-2026-06-01T10/c/00000001';

export const Open = transaction({
  contract: 'Dispute',
  name: 'Open',
  kind: 'submit',
  summary:
    'Opens a dispute on a trade (a party) once its delivery is reported or its report deadline has passed, freezing it until it is ruled or lapses at the ruling deadline.',
  input: {
    tradeId: TRADE_ID,
    claim: text({ max: 2000 }).describe('what is disputed'),
    evidenceHash: EVIDENCE_HASH,
    evidenceUri: EVIDENCE_URI,
  },
  output: result<Dispute>('the dispute'),
  errors: {
    ESTP_FORBIDDEN: 'not a party',
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: '',
    ESTP_TOO_EARLY: 'a MATCHED trade before its report deadline: nothing to dispute yet',
    ESTP_TOO_LATE: 'after the window',
    ESTP_BAD_TIMESTAMP: "before the market's or trade's latest recorded transaction",
  },
  example: {
    tradeId: EXAMPLE_TRADE,
    claim: 'the meter under-read the delivery',
    evidenceHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
});

/**
 * Opens a dispute on a trade (a party, member role) and freezes the trade.
 * @throws {ForbiddenError} without the member role, or not a party to the trade.
 * @throws {NotFoundError} unknown trade.
 * @throws {IllegalStateError} a certificate trade, or not MATCHED, DELIVERED or DEFAULTED.
 * @throws {TooEarlyError} a MATCHED trade before its report deadline (nothing to dispute yet).
 * @throws {TooLateError} at or after the end of the dispute window.
 * @throws {BadTimestampError} timestamp before the latest one recorded on the market or trade.
 */
export async function openDispute(ctx: Context, request: InputOf<typeof Open>): Promise<Dispute> {
  const caller = await requireRole(ctx, 'member');
  const trade = await getTradeRecord(ctx, request.tradeId);
  if (caller.participantId !== trade.buyer && caller.participantId !== trade.seller) {
    throw new ForbiddenError(`${caller.participantId} is not a party to trade ${trade.id}`);
  }
  if (trade.commodity === 'SAVINGS_CERT') {
    throw new IllegalStateError(
      `trade ${trade.id} is a certificate trade, delivered and settled at clearing`,
    );
  }
  if (trade.status !== 'MATCHED' && trade.status !== 'DELIVERED' && trade.status !== 'DEFAULTED') {
    throw new IllegalStateError(
      `trade ${trade.id} is ${trade.status}; only MATCHED, DELIVERED or DEFAULTED trades are disputed`,
    );
  }
  const market = await getMarketRecord(ctx, trade.marketId);
  const nowMs = txTimeAfter(ctx, { [`market ${market.id}`]: market, [`trade ${trade.id}`]: trade });
  if (trade.status === 'MATCHED' && nowMs <= market.reportDeadlineMs) {
    throw new TooEarlyError(
      `trade ${trade.id} can be disputed once its delivery is reported or its report deadline ${isoOf(market.reportDeadlineMs)} has passed`,
    );
  }
  if (nowMs >= market.settleAfterMs) {
    throw new TooLateError(`the dispute window of ${trade.id} closed at ${isoOf(market.settleAfterMs)}`);
  }
  await assertAbsent(ctx, RecordType.Dispute, trade.id);
  const at = txTimeIso(ctx);
  const dispute: Dispute = {
    id: trade.id,
    tradeId: trade.id,
    marketId: trade.marketId,
    openedBy: caller.participantId,
    buyer: trade.buyer,
    seller: trade.seller,
    partyMspIds: [...new Set([trade.buyerMspId, trade.sellerMspId])].sort(),
    claim: request.claim,
    evidence: [{ hash: request.evidenceHash, uri: request.evidenceUri, by: caller.participantId, at }],
    votes: {},
    status: 'OPEN',
    rulingDeadlineMs: market.rulingDeadlineMs,
    openedAt: at,
    updatedAt: at,
  };
  trade.disputedFrom = trade.status;
  trade.status = 'DISPUTED';
  trade.updatedAt = at;
  await writeRecord(ctx, RecordType.Dispute, dispute.id, dispute);
  await writeIndex(ctx, DISPUTES_BY_PARTY, [trade.buyer, dispute.id]);
  if (trade.seller !== trade.buyer) await writeIndex(ctx, DISPUTES_BY_PARTY, [trade.seller, dispute.id]);
  await writeRecord(ctx, RecordType.Trade, trade.id, trade);
  emitEvent(ctx, EventName.DisputeOpened, {
    tradeId: trade.id,
    marketId: trade.marketId,
    openedBy: caller.participantId,
    evidenceHash: request.evidenceHash,
  });
  return dispute;
}

export const AddEvidence = transaction({
  contract: 'Dispute',
  name: 'AddEvidence',
  kind: 'submit',
  summary:
    'Adds evidence to an open dispute (a party or a neutral arbiter, an ACTIVE participant) before the ruling deadline, at most 20 entries per side.',
  input: {
    tradeId: TRADE_ID,
    evidenceHash: EVIDENCE_HASH,
    evidenceUri: EVIDENCE_URI,
    note: text({ max: 1000 }).orUndefined().describe('what the evidence shows'),
  },
  output: result<Dispute>('the dispute'),
  errors: {
    ESTP_FORBIDDEN: 'neither, or not ACTIVE',
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: 'ruled or lapsed',
    ESTP_TOO_LATE: 'at or after the ruling deadline',
    ESTP_LIMIT_EXCEEDED: "the caller's side (buyer, seller, a neutral org's arbiters) added its 20 entries",
    ESTP_BAD_TIMESTAMP: "before the dispute's latest recorded transaction",
  },
  example: {
    tradeId: EXAMPLE_TRADE,
    evidenceHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    note: 'photo of the meter',
  },
});

/**
 * Which side of a dispute an entry or caller speaks for: the buyer, the seller, or the arbiters of
 * one neutral organisation (by MSP ID). Each side has its own evidence allowance.
 */
function sideOf(dispute: Dispute, participantId: string): string {
  if (participantId === dispute.buyer) return 'buyer';
  if (participantId === dispute.seller) return 'seller';
  return `arbiters of ${participantId.slice(0, participantId.indexOf(':'))}`;
}

/**
 * Refuses a dispute transaction once the market's ruling deadline has passed.
 * @throws {TooLateError}
 */
function requireBeforeRulingDeadline(dispute: Dispute, nowMs: number, what: string): void {
  const deadline = dispute.rulingDeadlineMs;
  if (deadline !== undefined && nowMs >= deadline) {
    throw new TooLateError(
      `${what} on ${dispute.id} closed at its ruling deadline ${isoOf(deadline)}; the dispute lapses and Settle applies the default outcome`,
    );
  }
}

/**
 * Adds evidence to an OPEN dispute (a party with the member role, or an arbiter of a neutral
 * organisation), an ACTIVE participant, before the ruling deadline; each side adds at most
 * MAX_EVIDENCE_PER_PARTY entries.
 * @throws {ForbiddenError} neither a party nor a neutral arbiter; not an ACTIVE participant.
 * @throws {NotFoundError} unknown dispute.
 * @throws {IllegalStateError} the dispute is RULED or LAPSED.
 * @throws {TooLateError} at or after the ruling deadline.
 * @throws {LimitExceededError} the caller's side has added its maximum of entries.
 * @throws {BadTimestampError} timestamp before the latest one recorded on the dispute.
 */
export async function addEvidence(ctx: Context, request: InputOf<typeof AddEvidence>): Promise<Dispute> {
  const caller = await requireRole(ctx, 'member', 'arbiter');
  const dispute = await mustReadRecord<Dispute>(ctx, RecordType.Dispute, request.tradeId);
  const isParty =
    caller.roles.has('member') &&
    (caller.participantId === dispute.buyer || caller.participantId === dispute.seller);
  const isNeutralArbiter = caller.roles.has('arbiter') && !dispute.partyMspIds.includes(caller.mspId);
  if (!isParty && !isNeutralArbiter) {
    throw new ForbiddenError(
      `${caller.participantId} is neither a party to ${dispute.id} nor a neutral arbiter`,
    );
  }
  await requireActiveParticipant(ctx, caller);
  if (dispute.status !== 'OPEN') throw new IllegalStateError(`dispute ${dispute.id} is ${dispute.status}`);
  const nowMs = txTimeAfter(ctx, { [`dispute ${dispute.id}`]: dispute });
  requireBeforeRulingDeadline(dispute, nowMs, 'evidence');
  const side = sideOf(dispute, caller.participantId);
  const added = dispute.evidence.filter((entry) => sideOf(dispute, entry.by) === side).length;
  if (added >= MAX_EVIDENCE_PER_PARTY) {
    throw new LimitExceededError(
      `the ${side} added the maximum of ${MAX_EVIDENCE_PER_PARTY} evidence entries to dispute ${dispute.id}`,
    );
  }
  const at = txTimeIso(ctx);
  dispute.evidence.push({
    hash: request.evidenceHash,
    uri: request.evidenceUri,
    note: request.note,
    by: caller.participantId,
    at,
  });
  dispute.updatedAt = at;
  await writeRecord(ctx, RecordType.Dispute, dispute.id, dispute);
  emitEvent(ctx, EventName.DisputeEvidenceAdded, {
    tradeId: dispute.id,
    by: caller.participantId,
    evidenceHash: request.evidenceHash,
    entries: dispute.evidence.length,
  });
  return dispute;
}

export const Rule = transaction({
  contract: 'Dispute',
  name: 'Rule',
  kind: 'submit',
  summary:
    "Submits an arbiter organisation's ruling (an ACTIVE participant of a neutral ACTIVE org) before the market's ruling deadline; agreed rulings make the trade RULED.",
  input: {
    tradeId: TRADE_ID,
    deliveredWh: quantityWh(0).describe('the delivered quantity the ruling fixes (≤ the traded quantity)'),
    penalty: amount(0).describe(
      "paid by the seller from its collateral to the buyer (≤ the trade's collateral)",
    ),
    reason: text({ max: 2000 }).orUndefined().describe('reasoning'),
  },
  output: result<Dispute>('the dispute with the vote'),
  errors: {
    ESTP_INVALID_INPUT: 'quantity/penalty out of range',
    ESTP_FORBIDDEN: 'party org, not arbiter, or not an ACTIVE participant',
    ESTP_NOT_FOUND: '',
    ESTP_ILLEGAL_STATE: 'already ruled or lapsed',
    ESTP_TOO_LATE: "at or after the market's ruling deadline (the dispute lapses)",
    ESTP_BAD_TIMESTAMP: "before the market's, trade's or dispute's latest recorded transaction",
  },
  example: { tradeId: EXAMPLE_TRADE, deliveredWh: 4500, penalty: 120, reason: 'meter log shows 4.5 kWh' },
});

/**
 * Records an arbiter's ruling for its organisation; when enough neutral organisations agree, the
 * dispute and the trade become RULED.
 * @throws {InvalidInputError} deliveredWh above the traded quantity, penalty above the trade's collateral.
 * @throws {ForbiddenError} without the arbiter role; of a party's organisation (while neutral ones
 *   exist); not an ACTIVE participant (an arbiter is one, of an ACTIVE organisation).
 * @throws {NotFoundError} unknown dispute.
 * @throws {IllegalStateError} the dispute is already RULED or LAPSED; no ACTIVE organisation is recorded.
 * @throws {TooLateError} at or after the market's ruling deadline.
 * @throws {BadTimestampError} timestamp before the latest one recorded on the market, trade or dispute.
 */
export async function rule(ctx: Context, request: InputOf<typeof Rule>): Promise<Dispute> {
  const caller = await requireRole(ctx, 'arbiter');
  const dispute = await mustReadRecord<Dispute>(ctx, RecordType.Dispute, request.tradeId);
  if (dispute.status !== 'OPEN')
    throw new IllegalStateError(`dispute ${dispute.id} is already ${dispute.status}`);
  const trade = await getTradeRecord(ctx, dispute.tradeId);
  const market: Market = await getMarketRecord(ctx, trade.marketId);
  const nowMs = txTimeAfter(ctx, {
    [`market ${market.id}`]: market,
    [`trade ${trade.id}`]: trade,
    [`dispute ${dispute.id}`]: dispute,
  });
  requireBeforeRulingDeadline(dispute, nowMs, 'rulings');
  if (request.deliveredWh > trade.quantityWh) {
    throw new InvalidInputError('deliveredWh', `must be ≤ the traded ${trade.quantityWh} Wh`);
  }
  if (request.penalty > trade.collateral) {
    throw new InvalidInputError('penalty', `must be ≤ the trade's collateral ${trade.collateral}`);
  }
  const active = await activeOrganisations(ctx);
  if (active.length === 0) throw new IllegalStateError('no ACTIVE organisation is recorded on the ledger');
  const { eligible, required } = arbitration(active, dispute.partyMspIds);
  if (!eligible.includes(caller.mspId)) {
    throw new ForbiddenError(
      active.includes(caller.mspId)
        ? `arbiters of ${caller.mspId}, a party's organisation, do not rule on ${dispute.id}`
        : `${caller.mspId} is not an ACTIVE organisation`,
    );
  }
  await requireActiveParticipant(ctx, caller);
  const at = txTimeIso(ctx);
  const vote: Vote = {
    arbiter: caller.participantId,
    deliveredWh: request.deliveredWh,
    penalty: request.penalty,
    reason: request.reason,
    at,
  };
  dispute.votes = { ...dispute.votes, [caller.mspId]: vote };
  dispute.updatedAt = at;
  const agreeing = eligible.filter((mspId) => {
    const cast = dispute.votes[mspId];
    return cast !== undefined && cast.deliveredWh === vote.deliveredWh && cast.penalty === vote.penalty;
  });
  const agreed = agreeing.length >= required;
  if (agreed) {
    const finalAtMs = nowMs + market.rulingNoticeMs;
    dispute.status = 'RULED';
    dispute.ruling = {
      deliveredWh: vote.deliveredWh,
      penalty: vote.penalty,
      organisations: agreeing,
      required,
      ruledAt: at,
      finalAtMs,
    };
    trade.status = 'RULED';
    trade.ruling = {
      deliveredWh: vote.deliveredWh,
      penalty: vote.penalty,
      organisations: agreeing,
      ruledAt: at,
      finalAtMs,
    };
    trade.updatedAt = at;
    await writeRecord(ctx, RecordType.Trade, trade.id, trade);
  }
  await writeRecord(ctx, RecordType.Dispute, dispute.id, dispute);
  emitEvent(ctx, agreed ? EventName.DisputeRuled : EventName.DisputeVoteRecorded, {
    tradeId: dispute.id,
    organisation: caller.mspId,
    deliveredWh: vote.deliveredWh,
    penalty: vote.penalty,
    agreeing,
    required,
    ruled: agreed,
  });
  return dispute;
}

export const Get = transaction({
  contract: 'Dispute',
  name: 'Get',
  kind: 'evaluate',
  summary: 'A dispute by its trade ID.',
  input: { tradeId: TRADE_ID },
  output: result<Dispute>('the dispute'),
  errors: { ESTP_NOT_FOUND: '' },
  example: { tradeId: EXAMPLE_TRADE },
});

/**
 * A dispute by its trade ID.
 * @throws {NotFoundError}
 */
export function getDispute(ctx: Context, request: InputOf<typeof Get>): Promise<Dispute> {
  return mustReadRecord<Dispute>(ctx, RecordType.Dispute, request.tradeId);
}

export const List = transaction({
  contract: 'Dispute',
  name: 'List',
  kind: 'evaluate',
  summary: 'Disputes, all or of one party.',
  input: {
    participantId: participantId().orUndefined().describe('only disputes of this party'),
    ...pageFields,
  },
  output: result<Page<Dispute>>('one page of disputes'),
  errors: {},
  example: { participantId: 'CommunityMSP:member1' },
});

/** Lists disputes, all or those of one party. */
export function listDisputes(ctx: Context, request: InputOf<typeof List>): Promise<Page<Dispute>> {
  if (request.participantId !== undefined) {
    return listByIndex<Dispute>(
      ctx,
      DISPUTES_BY_PARTY,
      [request.participantId],
      RecordType.Dispute,
      request.pageSize,
      request.bookmark,
    );
  }
  return listRecords<Dispute>(ctx, RecordType.Dispute, request.pageSize, request.bookmark);
}
