/**
 * Morning of the demo day: identities, participants and money.
 *
 * - The utility's verifier is registered with the Utility CA (estp.role=verifier) and enrolled
 *   into the org's wallet, unless the wallet already holds it.
 * - Each participant registers itself (profile public, identity document in its org's private
 *   data) and its org's admin approves it, binding its meters. A participant registered by an
 *   earlier run is reused (a suspended one is reinstated); one whose profile cannot play its part
 *   stops the demo. The neutral arbiters register the same way: only ACTIVE participants rule.
 * - The utility's treasurer deposits each participant's opening balance.
 */
import { createHash } from 'node:crypto';
import { ensureIdentity } from '../gateway/provision';
import {
  adminOf,
  type Arbiter,
  CAST,
  type CastMember,
  GRID_ZONE,
  NEUTRAL_ARBITERS,
  TREASURER,
  VERIFIER,
} from './cast';
import { euros } from './print';
import type { ParticipantRecord } from './records';
import { type Actor, isRejection, type Session } from './session';

/** The demo cannot go on (e.g. a participant's profile from another run does not fit its part). */
export class DemoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoError';
  }
}

/**
 * Makes sure the wallet holds the utility's verifier: registered with the Utility CA and enrolled
 * on the first run, reused from the wallet afterwards.
 */
export async function ensureVerifier(session: Session): Promise<Actor> {
  const settings = session.settings(VERIFIER.org);
  const { org, wallet: where } = settings;
  const identity = await ensureIdentity(settings, { user: VERIFIER.user, roles: ['verifier'] });
  const how =
    identity.outcome === 'wallet'
      ? `already in the wallet ${where}`
      : `${identity.outcome} with ${org.ca?.caName ?? 'the CA'} (estp.role=${identity.roles.join(',')}), enrolled into ${where}`;
  session.out.line(`${VERIFIER.user}@${org.name}: ${how}`);
  return VERIFIER;
}

/** What a participant registers with (Participant:Register's input). */
interface Profile {
  readonly displayName: string;
  readonly kind: CastMember['kind'];
  readonly commodities: CastMember['commodities'];
  readonly meterIds: readonly string[];
  readonly capacityW: number;
}

/** The identity document a participant registers with (kept in its org's private data). */
function verificationDocument(actor: Actor, profile: Profile, mspId: string): string {
  return JSON.stringify({
    subject: `${mspId}:${actor.user}`,
    name: profile.displayName,
    checkedBy: 'ESTP demo',
  });
}

/** Why a participant record from an earlier run cannot play `member`'s part, if it cannot. */
export function profileMismatch(record: ParticipantRecord, member: CastMember): string | undefined {
  const missing = member.commodities.filter((commodity) => !record.commodities.includes(commodity));
  if (missing.length > 0) return `it does not trade ${missing.join(', ')}`;
  if (record.gridZone !== GRID_ZONE) return `it is in grid zone ${record.gridZone}, not ${GRID_ZONE}`;
  // A PENDING record's meters are bound when its admin approves it.
  if (record.meterIds.length === 0 && record.requestedMeterIds.length === 0)
    return 'it has no registered meter';
  return undefined;
}

/** An arbiter's profile: it trades nothing itself, but registers like every participant. */
function arbiterProfile(arbiter: Arbiter): Profile {
  return {
    displayName: arbiter.displayName,
    kind: 'CONSUMER',
    commodities: ['ELECTRICITY'],
    meterIds: [],
    capacityW: 0,
  };
}

/** Registers (or finds) a cast member and brings it to ACTIVE. */
function ensureParticipant(
  session: Session,
  member: CastMember,
): Promise<{ record: ParticipantRecord; how: string }> {
  return ensureActive(session, member, member, (record) => {
    const mismatch = profileMismatch(record, member);
    return mismatch && `${record.id} cannot play the ${member.role}: ${mismatch}`;
  });
}

/**
 * Registers (or finds) `actor` as a participant with `profile` and has its org's admin bring it to
 * ACTIVE; `unfit` says why a record from an earlier run cannot take part, if it cannot.
 */
async function ensureActive(
  session: Session,
  actor: Actor,
  profile: Profile,
  unfit: (record: ParticipantRecord) => string | undefined = () => undefined,
): Promise<{ record: ParticipantRecord; how: string }> {
  const client = await session.client(actor);
  let record: ParticipantRecord;
  let how: string;
  try {
    record = await client.evaluate('Participant', 'Self');
    how = 'registered earlier';
  } catch (error) {
    if (!isRejection(error, 'ESTP_NOT_FOUND')) throw error;
    record = await client.submit(
      'Participant',
      'Register',
      {
        displayName: profile.displayName,
        kind: profile.kind,
        commodities: profile.commodities,
        gridZone: GRID_ZONE,
        meterIds: profile.meterIds,
        capacityW: profile.capacityW,
      },
      {
        transient: { verification: verificationDocument(actor, profile, client.mspId) },
        // Private data: name the endorsers, the gateway does not share transient data by itself.
        endorsingOrganizations: client.majorityEndorsers(),
      },
    );
    how = 'registered';
    // The admin's approval is endorsed by another org's peer too: it must know the registration.
    await session.sync();
  }
  const mismatch = unfit(record);
  if (mismatch) {
    throw new DemoError(
      `${mismatch} (registered before with another profile); ` +
        'run the demo on a fresh network (`npm run network:clean && npm start`)',
    );
  }
  const admin = await session.client(adminOf(actor.org));
  if (record.status === 'PENDING') {
    record = await admin.submit('Participant', 'Approve', {
      id: record.id,
      reason: 'identity documents checked',
    });
    how += ', approved by its admin';
  } else if (record.status === 'SUSPENDED') {
    record = await admin.submit('Participant', 'Reinstate', {
      id: record.id,
      reason: 'reinstated for the demo day',
    });
    how += ', reinstated by its admin';
  } else if (record.status === 'REVOKED') {
    throw new DemoError(`${record.id} is REVOKED; run the demo on a fresh network (npm run network:clean)`);
  }
  return { record, how };
}

/**
 * Registers and activates every participant of the cast and the neutral arbiters (in parallel:
 * each writes its own keys); returns the cast's records.
 */
export async function onboardParticipants(session: Session): Promise<Map<CastMember, ParticipantRecord>> {
  const [results, arbiters] = await Promise.all([
    Promise.all(CAST.map((member) => ensureParticipant(session, member))),
    Promise.all(NEUTRAL_ARBITERS.map((arbiter) => ensureActive(session, arbiter, arbiterProfile(arbiter)))),
  ]);
  const records = new Map<CastMember, ParticipantRecord>();
  const row = (part: string, result: { record: ParticipantRecord; how: string }) => ({
    participant: result.record.id,
    part,
    name: result.record.displayName,
    meters: result.record.meterIds,
    trades: result.record.commodities,
    status: result.record.status,
    how: result.how,
  });
  const rows = CAST.map((member, index) => {
    const result = results[index];
    if (!result) throw new Error(`no onboarding result for ${member.role}`);
    records.set(member, result.record);
    return row(member.role, result);
  });
  session.out.table([...rows, ...arbiters.map((result) => row('arbiter', result))]);
  return records;
}

/** The treasurer mints each participant's opening balance (reference = the run tag: one deposit per run). */
export async function fundParticipants(
  session: Session,
  participants: ReadonlyMap<CastMember, ParticipantRecord>,
): Promise<void> {
  const treasurer = await session.client(TREASURER);
  const rows = await Promise.all(
    [...participants].map(async ([member, record]) => {
      await treasurer.submit('Settlement', 'Deposit', {
        accountId: record.id,
        amount: member.deposit,
        reference: session.id('opening-balance'),
      });
      // A Deposit does not read the account (deposits to one account never conflict): ask for it.
      const account = await treasurer.evaluate('Settlement', 'GetAccount', { participantId: record.id });
      return {
        participant: record.id,
        deposited: euros(member.deposit),
        available: euros(account.available),
        escrowed: euros(account.escrowed),
      };
    }),
  );
  session.out.table(rows);
}

/** A SHA-256 (hex) of a text, standing in for an off-chain document's hash. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
