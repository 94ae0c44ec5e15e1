import type { Context } from 'fabric-contract-api';
import { callerOf, requireMsp, requireRole } from '../lib/caller';
import { ForbiddenError, IllegalStateError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { input, text } from '../lib/validate';
import {
  type Participant,
  type ParticipantStatus,
  deleteStatusIndexes,
  getParticipant,
  mspOfParticipant,
  participantIdField,
  writeStatusIndexes,
} from './model';

const reason = () => text({ max: 500 });

export const ApproveInput = input({ id: participantIdField(), reason: reason().orUndefined() });
export const SuspendInput = input({ id: participantIdField(), reason: reason() });
export const ReinstateInput = input({ id: participantIdField(), reason: reason().orUndefined() });
export const RevokeInput = input({ id: participantIdField(), reason: reason() });

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

/**
 * Moves a participant along its lifecycle. Only an `admin` of the participant's own org may, and
 * never on its own record (separation of duties: a second admin approves an admin who trades).
 * @throws {ForbiddenError} for a non-admin, an admin of another org, or the participant itself.
 * @throws {NotFoundError} when the participant does not exist.
 * @throws {IllegalStateError} when the status does not allow the action.
 */
export async function changeStatus(
  ctx: Context,
  action: StatusAction,
  request: { id: string; reason?: string },
): Promise<Participant> {
  const caller = callerOf(ctx);
  requireRole(caller, 'admin');
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
  await deleteStatusIndexes(ctx, current);
  await writeStatusIndexes(ctx, updated);
  await writeRecord(ctx, RecordType.Participant, updated.id, updated);
  emitEvent(ctx, transition.event, {
    id: updated.id,
    from: current.status,
    status: updated.status,
    by: caller.participantId,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
  });
  return updated;
}
