import { createHash } from 'node:crypto';
import type { Context } from 'fabric-contract-api';
import { ROLES, requireRole } from '../lib/caller';
import { AlreadyExistsError, ForbiddenError, InvalidInputError } from '../lib/errors';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { results } from '../lib/iterate';
import { assertAbsent, writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { PARTICIPANT_ID_PATTERN, gridZone } from '../lib/fields';
import { id, int, list, oneOf, text } from '../lib/validate';
import {
  COMMODITIES,
  METER_INDEX,
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
 * verify the ledger (docs/design.md#roles); an identity holding only the auditor role must not be able to
 * write anything, so it cannot become a participant either. (An identity that is also a member
 * registers as a member.)
 */
export const REGISTERING_ROLES = ROLES.filter((role) => role !== 'auditor');

export const Register = transaction({
  contract: 'Participant',
  name: 'Register',
  kind: 'submit',
  summary:
    "The caller registers itself as PENDING. Verification data goes in the transient map under `verification` (≤ 64 KiB) and is stored in the caller org's implicit private data collection; the public record keeps its SHA-256. Its meters are requested, bound only by Approve.",
  input: {
    displayName: text({ max: 100 }).describe('name shown to the other participants'),
    kind: oneOf(PARTICIPANT_KINDS).describe('supplier, consumer or both'),
    commodities: list(oneOf(COMMODITIES), { min: 1, max: COMMODITIES.length, unique: true }).describe(
      'what it trades',
    ),
    gridZone: gridZone().describe('its grid zone (energy markets of this zone only)'),
    meterIds: list(id(), { max: 100, unique: true })
      .orUndefined()
      .describe('meters it owns (requested: an admin of its org binds them when approving it)'),
    capacityW: int({ min: 0, max: MAX_CAPACITY_W, unit: 'W' }).orUndefined().describe('nameplate capacity'),
  },
  transient: {
    [VERIFICATION_KEY]: {
      description: `identity-verification document (≤ ${MAX_VERIFICATION_BYTES / 1024} KiB), kept in the org's private data; only its SHA-256 is public`,
      required: true,
    },
  },
  output: result<Participant>('the participant record (PENDING)'),
  errors: {
    ESTP_INVALID_INPUT: 'naming the field (incl. `transient.verification`)',
    ESTP_FORBIDDEN: 'when the caller may exercise no ESTP role but auditor',
    ESTP_ALREADY_EXISTS: 'when registered already or a meter is bound already',
  },
  example: {
    displayName: 'Solar Co-op',
    kind: 'PROSUMER',
    commodities: ['ELECTRICITY'],
    gridZone: 'ZONE-A',
    meterIds: ['M-1'],
    capacityW: 9000,
  },
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
  for await (const { key } of results(ctx.stub.getStateByPartialCompositeKey(METER_INDEX, [meterId]))) {
    const owner = ctx.stub.splitCompositeKey(key).attributes[1] ?? '?';
    throw new AlreadyExistsError('meter', `${meterId} (${path}), bound to ${owner},`);
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
export async function register(ctx: Context, request: InputOf<typeof Register>): Promise<Participant> {
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
