import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { ROLES, requireRole } from '../lib/caller';
import { AlreadyExistsError, ForbiddenError, InvalidInputError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { assertAbsent, writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { id, input, int, list, oneOf, text } from '../lib/validate';
import {
  COMMODITIES,
  METER_INDEX,
  gridZoneField,
  PARTICIPANT_ID_PATTERN,
  PARTICIPANT_KINDS,
  type Participant,
  implicitCollection,
  writeStatusIndexes,
} from './model';

/** Transient map key holding the identity-verification data of a registration. */
export const VERIFICATION_KEY = 'verification';
/** Largest verification document accepted, in bytes. */
export const MAX_VERIFICATION_BYTES = 64 * 1024;
/** Largest nameplate capacity accepted: 10 GW. */
export const MAX_CAPACITY_W = 10_000_000_000;

/**
 * Roles that may register as a participant: every ESTP role but `auditor`. Auditors only read and
 * verify the ledger (design §6); an identity holding only the auditor role must not be able to
 * write anything, so it cannot become a participant either. (An identity that is also a member
 * registers as a member.)
 */
export const REGISTERING_ROLES = ROLES.filter((role) => role !== 'auditor');

export const RegisterInput = input({
  displayName: text({ max: 100 }),
  kind: oneOf(PARTICIPANT_KINDS),
  commodities: list(oneOf(COMMODITIES), { min: 1, max: COMMODITIES.length, unique: true }),
  gridZone: gridZoneField(),
  meterIds: list(id(), { max: 100, unique: true }).orUndefined(),
  capacityW: int({ min: 0, max: MAX_CAPACITY_W }).orUndefined(),
});

/**
 * The verification data from the transient map (kept off the public ledger).
 * @throws {InvalidInputError} when missing, empty or larger than {@link MAX_VERIFICATION_BYTES}.
 */
function verificationOf(ctx: Context): Uint8Array {
  const data = ctx.stub.getTransient().get(VERIFICATION_KEY);
  if (data === undefined || data.length === 0) {
    throw new InvalidInputError(`transient.${VERIFICATION_KEY}`, 'is required (identity-verification data)');
  }
  if (data.length > MAX_VERIFICATION_BYTES) {
    throw new InvalidInputError(
      `transient.${VERIFICATION_KEY}`,
      `must be at most ${MAX_VERIFICATION_BYTES} bytes`,
    );
  }
  return data;
}

/**
 * Fails when `meterId` is bound to a participant.
 * @throws {AlreadyExistsError} naming the meter, `path` and its owner.
 */
export async function assertMeterFree(ctx: Context, meterId: string, path: string): Promise<void> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(METER_INDEX, [meterId]);
  try {
    const next = await iterator.next();
    if (!next.done) {
      const owner = ctx.stub.splitCompositeKey(next.value.key).attributes[1] ?? '?';
      throw new AlreadyExistsError('meter', `${meterId} (${path}), bound to ${owner},`);
    }
  } finally {
    await iterator.close();
  }
}

/**
 * The caller registers itself (ID `<mspId>:<enrollmentId>` from its certificate) as PENDING. The
 * verification data (transient `verification`) goes to the caller org's implicit private data
 * collection under the participant ID; the public record keeps its SHA-256. Its meters are only
 * requested: an admin of its org binds them when approving it, so a registrant cannot squat a
 * meter; one bound to someone else already is refused at once.
 * @throws {InvalidInputError} for a bad profile field or missing/oversized verification data.
 * @throws {ForbiddenError} when the caller may exercise no ESTP role other than auditor (requireRole).
 * @throws {AlreadyExistsError} when the caller is registered already, or a meter is bound already.
 */
export async function register(
  ctx: Context,
  request: ReturnType<typeof RegisterInput.parse>,
): Promise<Participant> {
  const verification = verificationOf(ctx);
  const caller = await requireRole(ctx, ...REGISTERING_ROLES);
  if (!PARTICIPANT_ID_PATTERN.test(caller.participantId)) {
    throw new ForbiddenError(`enrolment ID of ${caller.participantId} cannot be a participant ID`);
  }
  await assertAbsent(ctx, RecordType.Participant, caller.participantId);
  const meterIds = request.meterIds ?? [];
  for (const [index, meterId] of meterIds.entries())
    await assertMeterFree(ctx, meterId, `meterIds[${index}]`);

  const now = txTimeIso(ctx);
  const participant: Participant = {
    id: caller.participantId,
    mspId: caller.mspId,
    enrollmentId: caller.enrollmentId,
    displayName: request.displayName,
    kind: request.kind,
    commodities: [...request.commodities].sort(),
    gridZone: request.gridZone,
    meterIds: [],
    requestedMeterIds: [...meterIds].sort(),
    capacityW: request.capacityW ?? 0,
    status: 'PENDING',
    verificationHash: createHash('sha256').update(verification).digest('hex'),
    registeredAt: now,
    updatedAt: now,
  };
  await ctx.stub.putPrivateData(implicitCollection(caller.mspId), participant.id, verification);
  await writeRecord(ctx, RecordType.Participant, participant.id, participant);
  await writeStatusIndexes(ctx, participant);
  emitEvent(ctx, EventName.ParticipantRegistered, {
    id: participant.id,
    mspId: participant.mspId,
    kind: participant.kind,
    status: participant.status,
    verificationHash: participant.verificationHash,
  });
  return participant;
}
