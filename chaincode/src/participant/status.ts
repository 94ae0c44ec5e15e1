import type { Context } from 'fabric-contract-api';
import { requireMsp, requireRole } from '../lib/caller';
import { ForbiddenError, IllegalStateError, InvalidInputError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { deleteIndex, writeIndex, writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { result, transaction } from '../lib/declaration';
import type { ErrorCode } from '../lib/errors';
import { participantId } from '../lib/fields';
import { type Shape, type WireOf, id, list, text } from '../lib/validate';
import {
  METER_INDEX,
  type Participant,
  type ParticipantStatus,
  deleteStatusIndexes,
  getParticipant,
  mspOfParticipant,
  writeStatusIndexes,
} from './model';
import { assertMeterFree } from './register';

export type StatusAction = 'Approve' | 'Suspend' | 'Reinstate' | 'Revoke';

/** The lifecycle: PENDING → ACTIVE → SUSPENDED ↔ ACTIVE; PENDING/ACTIVE/SUSPENDED → REVOKED (final). */
export const TRANSITIONS: Readonly<
  Record<StatusAction, { from: readonly ParticipantStatus[]; to: ParticipantStatus; event: EventName }>
> = {
  Approve: { from: ['PENDING'], to: 'ACTIVE', event: EventName.ParticipantApproved },
  Suspend: { from: ['ACTIVE'], to: 'SUSPENDED', event: EventName.ParticipantSuspended },
  Reinstate: { from: ['SUSPENDED'], to: 'ACTIVE', event: EventName.ParticipantReinstated },
  Revoke: { from: ['PENDING', 'ACTIVE', 'SUSPENDED'], to: 'REVOKED', event: EventName.ParticipantRevoked },
};

const ID = participantId().describe('the participant <mspId>:<enrollmentId>');
const REASON = text({ max: 500 }).describe('why (recorded with the status change)');

/**
 * The declaration of one lifecycle transaction, by an admin of the participant's org: the
 * participant's `id` and the action's own fields (a reason, the meters to bind).
 */
function lifecycle<const N extends StatusAction, S extends Shape>(
  name: N,
  summary: string,
  fields: S,
  example: WireOf<{ id: typeof ID } & S>,
  errors: Readonly<Partial<Record<ErrorCode, string>>> = {},
) {
  return transaction({
    contract: 'Participant',
    name,
    kind: 'submit',
    summary,
    input: { id: ID, ...fields },
    output: result<Participant>('the participant record'),
    errors: {
      ESTP_FORBIDDEN: "a non-admin, another org's admin, or oneself",
      ESTP_NOT_FOUND: '',
      ESTP_ILLEGAL_STATE: `unless ${TRANSITIONS[name].from.join(', ')}`,
      ...errors,
    },
    example,
  });
}

export const Approve = lifecycle(
  'Approve',
  "PENDING → ACTIVE, by an admin of the participant's org (not the participant itself), binding the meters it requested (all, or those in meterIds).",
  {
    reason: REASON.orUndefined(),
    meterIds: list(id(), { max: 100, unique: true })
      .orUndefined()
      .describe('the requested meters to bind (default: all it requested)'),
  },
  { id: 'CommunityMSP:member1', meterIds: ['M-1'] },
  {
    ESTP_INVALID_INPUT: 'naming the field (a meter it did not request)',
    ESTP_ALREADY_EXISTS: 'when a meter to bind is bound to another participant',
  },
);
export const Suspend = lifecycle(
  'Suspend',
  "ACTIVE → SUSPENDED with a reason, by an admin of the participant's org.",
  { reason: REASON },
  { id: 'CommunityMSP:member1', reason: 'meter tampering under investigation' },
);
export const Reinstate = lifecycle(
  'Reinstate',
  "SUSPENDED → ACTIVE, by an admin of the participant's org.",
  { reason: REASON.orUndefined() },
  { id: 'CommunityMSP:member1', reason: 'investigation closed' },
);
export const Revoke = lifecycle(
  'Revoke',
  "PENDING/ACTIVE/SUSPENDED → REVOKED (final) with a reason, by an admin of the participant's org; its meters are released.",
  { reason: REASON },
  { id: 'CommunityMSP:member1', reason: 'left the co-op' },
);

/**
 * The meters Approve binds: `chosen` (each one the participant requested) or every requested one.
 * @throws {InvalidInputError} for a meter the participant did not request.
 */
function metersToBind(participant: Participant, chosen: readonly string[] | undefined): string[] {
  if (chosen === undefined) return participant.requestedMeterIds;
  chosen.forEach((meterId, index) => {
    if (!participant.requestedMeterIds.includes(meterId)) {
      throw new InvalidInputError(`meterIds[${index}]`, `was not requested by ${participant.id}`);
    }
  });
  return [...chosen].sort();
}

/**
 * Moves a participant along its lifecycle. Only an `admin` of the participant's own org may, and
 * never on its own record (separation of duties: a second admin approves an admin who trades).
 * Approve binds the participant's requested meters (all, or `meterIds`); Revoke releases its
 * meters, so that another participant's admin can bind them.
 * @throws {ForbiddenError} for a non-admin, an admin of another org, or the participant itself.
 * @throws {NotFoundError} when the participant does not exist.
 * @throws {IllegalStateError} when the status does not allow the action.
 * @throws {InvalidInputError} Approve's meterIds names a meter the participant did not request.
 * @throws {AlreadyExistsError} Approve: a meter to bind is bound to another participant.
 */
export async function changeStatus(
  ctx: Context,
  action: StatusAction,
  request: { id: string; reason?: string; meterIds?: string[] },
): Promise<Participant> {
  const caller = await requireRole(ctx, 'admin');
  requireMsp(caller, mspOfParticipant(request.id), `Participant:${action} of ${request.id}`);
  if (caller.participantId === request.id) {
    throw new ForbiddenError(`Participant:${action} of one's own record is not allowed; ask another admin`);
  }
  const current = await getParticipant(ctx, request.id);
  const transition = TRANSITIONS[action];
  if (!transition.from.includes(current.status)) {
    throw new IllegalStateError(
      `participant ${current.id} is ${current.status}; ${action} needs ${transition.from.join(' or ')}`,
    );
  }
  const updated: Participant = {
    ...current,
    status: transition.to,
    updatedAt: txTimeIso(ctx),
    statusChangedBy: caller.participantId,
  };
  if (request.reason === undefined) delete updated.statusReason;
  else updated.statusReason = request.reason;
  if (action === 'Approve') {
    const bound = metersToBind(current, request.meterIds);
    for (const [index, meterId] of bound.entries()) await assertMeterFree(ctx, meterId, `meterIds[${index}]`);
    for (const meterId of bound) await writeIndex(ctx, METER_INDEX, [meterId, current.id]);
    updated.meterIds = bound;
    updated.requestedMeterIds = [];
  } else if (action === 'Revoke') {
    for (const meterId of current.meterIds) await deleteIndex(ctx, METER_INDEX, [meterId, current.id]);
    updated.meterIds = [];
    updated.requestedMeterIds = [];
  }
  await deleteStatusIndexes(ctx, current);
  await writeStatusIndexes(ctx, updated);
  await writeRecord(ctx, RecordType.Participant, updated.id, updated);
  emitEvent(ctx, transition.event, {
    id: updated.id,
    from: current.status,
    status: updated.status,
    by: caller.participantId,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    ...(action === 'Approve' ? { meterIds: updated.meterIds } : {}),
    ...(action === 'Revoke' ? { releasedMeterIds: current.meterIds } : {}),
  });
  return updated;
}

/** The operation of one lifecycle transaction (Approve, Suspend, Reinstate, Revoke). */
export function statusChange(action: StatusAction) {
  return (
    ctx: Context,
    request: { id: string; reason?: string; meterIds?: string[] },
  ): Promise<Participant> => changeStatus(ctx, action, request);
}
