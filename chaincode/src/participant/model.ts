/**
 * The participant record: binds an identity (MSP ID, enrolment ID) to a trading profile.
 * Identity-verification documents stay in the org's implicit private data collection; the public
 * record holds only their SHA-256.
 */
import type { Context } from 'fabric-contract-api';
import type { Organisation } from '../consortium/model';
import type { Caller } from '../lib/caller';
import { ForbiddenError } from '../lib/errors';
import { RecordType } from '../lib/keys';
import { deleteIndex, mustReadRecord, readRecord, writeIndex } from '../lib/state';

export const PARTICIPANT_KINDS = ['SUPPLIER', 'CONSUMER', 'PROSUMER'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

export const COMMODITIES = ['ELECTRICITY', 'HEAT', 'SAVINGS_CERT'] as const;
export type Commodity = (typeof COMMODITIES)[number];

/** PENDING → ACTIVE (approved by an admin of the same org) → SUSPENDED ↔ ACTIVE; any → REVOKED. */
export const PARTICIPANT_STATUSES = ['PENDING', 'ACTIVE', 'SUSPENDED', 'REVOKED'] as const;
export type ParticipantStatus = (typeof PARTICIPANT_STATUSES)[number];

export interface Participant {
  /** `<mspId>:<enrollmentId>` */
  id: string;
  mspId: string;
  enrollmentId: string;
  displayName: string;
  kind: ParticipantKind;
  commodities: Commodity[];
  gridZone: string;
  /**
   * Meters bound to this participant: delivery reports name one of these. Bound when an admin of
   * its org approves it (Participant:Approve), released when it is revoked.
   */
  meterIds: string[];
  /** Meters it registered with that no admin has bound yet (a request reserves nothing). */
  requestedMeterIds: string[];
  /** Nameplate capacity in W (0 when not applicable). */
  capacityW: number;
  status: ParticipantStatus;
  /** SHA-256 (hex) of the verification data held in the org's implicit private data collection. */
  verificationHash: string;
  registeredAt: string;
  updatedAt: string;
  /** Participant ID of the admin who last changed the status, and why. */
  statusChangedBy?: string;
  statusReason?: string;
}

/** Reads a participant or fails with ESTP_NOT_FOUND. */
export function getParticipant(ctx: Context, id: string): Promise<Participant> {
  return mustReadRecord<Participant>(ctx, RecordType.Participant, id);
}

/**
 * The caller's own participant record, which must be ACTIVE: only ACTIVE participants trade.
 * @throws {ForbiddenError} when the caller is not registered or not ACTIVE.
 */
export async function requireActiveParticipant(ctx: Context, caller: Caller): Promise<Participant> {
  const participant = await readRecord<Participant>(ctx, RecordType.Participant, caller.participantId);
  if (participant === undefined) {
    throw new ForbiddenError(`${caller.participantId} is not a registered participant`);
  }
  if (participant.status !== 'ACTIVE') {
    throw new ForbiddenError(
      `${caller.participantId} is ${participant.status}; only ACTIVE participants trade`,
    );
  }
  return participant;
}

/**
 * Why `participant` cannot take part in a trade now — it is not ACTIVE, or its organisation is not —
 * or undefined when it can. For the other side of a transaction: the caller's own standing is
 * checked by requireRole and {@link requireActiveParticipant}.
 */
export async function inactiveReason(ctx: Context, participant: Participant): Promise<string | undefined> {
  if (participant.status !== 'ACTIVE') return `${participant.id} is ${participant.status}`;
  const organisation = await readRecord<Organisation>(ctx, RecordType.Organisation, participant.mspId);
  if (organisation?.status !== 'ACTIVE') {
    return `${participant.mspId} is ${organisation ? organisation.status : 'not a recorded organisation'}`;
  }
  return undefined;
}

/** Index of participants by status: `(participant~status, status, id)`. */
export const STATUS_INDEX = 'participant~status';
/** Index of participants by org and status: `(participant~msp~status, mspId, status, id)`. */
export const MSP_STATUS_INDEX = 'participant~msp~status';
/** Meter ownership: `(meter~participant, meterId, participantId)`; a meter has one owner. */
export const METER_INDEX = 'meter~participant';

/** The org's implicit private data collection, where verification documents stay. */
export function implicitCollection(mspId: string): string {
  return `_implicit_org_${mspId}`;
}

/** The MSP part of a participant ID. */
export function mspOfParticipant(participantId: string): string {
  return participantId.slice(0, participantId.indexOf(':'));
}

/** Writes the index entries of a participant in `status`. */
export async function writeStatusIndexes(ctx: Context, participant: Participant): Promise<void> {
  await writeIndex(ctx, STATUS_INDEX, [participant.status, participant.id]);
  await writeIndex(ctx, MSP_STATUS_INDEX, [participant.mspId, participant.status, participant.id]);
}

/** Deletes the index entries of a participant in `status`. */
export async function deleteStatusIndexes(ctx: Context, participant: Participant): Promise<void> {
  await deleteIndex(ctx, STATUS_INDEX, [participant.status, participant.id]);
  await deleteIndex(ctx, MSP_STATUS_INDEX, [participant.mspId, participant.status, participant.id]);
}
