import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { EstpContract } from '../lib/contract';
import { toCanonicalJson } from '../lib/json';
import { GetInput, ListInput, SelfInput, get, list, self } from '../participant/queries';
import { RegisterInput, register } from '../participant/register';
import { ApproveInput, ReinstateInput, RevokeInput, SuspendInput, changeStatus } from '../participant/status';

/**
 * Participants: identities (MSP ID, enrolment ID) bound to a trading profile, with the lifecycle
 * PENDING → ACTIVE → SUSPENDED ↔ ACTIVE, any → REVOKED (design §2). Only ACTIVE participants trade;
 * SUSPENDED and REVOKED ones submit nothing at all (docs/trust.md).
 */
@Info({ title: 'Participant', description: 'ESTP participant registration and lifecycle' })
export class ParticipantContract extends EstpContract {
  constructor() {
    super('Participant');
  }

  /**
   * The caller registers itself as PENDING. Verification data goes in the transient map under
   * `verification` (≤ 64 KiB) and is stored in the caller org's implicit private data collection;
   * the public record keeps its SHA-256. Its meters are requested, bound only by Approve.
   * @returns the participant record
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field (incl. `transient.verification`).
   * @throws {ForbiddenError} ESTP_FORBIDDEN when the caller may exercise no ESTP role but auditor.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when registered already or a meter is bound already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { displayName, kind, commodities, gridZone, meterIds?, capacityW? }')
  @Returns('string')
  async Register(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await register(ctx, RegisterInput.parse(input)));
  }

  /**
   * PENDING → ACTIVE, by an admin of the participant's org (not the participant itself), binding
   * the meters it requested (all, or those in `meterIds`).
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field (a meter it did not request).
   * @throws {ForbiddenError} ESTP_FORBIDDEN for a non-admin, another org's admin, or oneself.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE unless PENDING.
   * @throws {AlreadyExistsError} ESTP_ALREADY_EXISTS when a meter to bind is bound to another participant.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { id, reason?, meterIds? }')
  @Returns('string')
  async Approve(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await changeStatus(ctx, 'Approve', ApproveInput.parse(input)));
  }

  /**
   * ACTIVE → SUSPENDED with a reason, by an admin of the participant's org.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN for a non-admin, another org's admin, or oneself.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE unless ACTIVE.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { id, reason }')
  @Returns('string')
  async Suspend(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await changeStatus(ctx, 'Suspend', SuspendInput.parse(input)));
  }

  /**
   * SUSPENDED → ACTIVE, by an admin of the participant's org.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN for a non-admin, another org's admin, or oneself.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE unless SUSPENDED.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { id, reason? }')
  @Returns('string')
  async Reinstate(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await changeStatus(ctx, 'Reinstate', ReinstateInput.parse(input)));
  }

  /**
   * PENDING/ACTIVE/SUSPENDED → REVOKED (final) with a reason, by an admin of the participant's
   * org; its meters are released.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {ForbiddenError} ESTP_FORBIDDEN for a non-admin, another org's admin, or oneself.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   * @throws {IllegalStateError} ESTP_ILLEGAL_STATE when REVOKED already.
   */
  @Transaction()
  @Param('input', 'string', 'JSON { id, reason }')
  @Returns('string')
  async Revoke(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await changeStatus(ctx, 'Revoke', RevokeInput.parse(input)));
  }

  /**
   * One participant, for any caller of the channel.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   * @throws {NotFoundError} ESTP_NOT_FOUND
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { id }')
  @Returns('string')
  async Get(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await get(ctx, GetInput.parse(input)));
  }

  /**
   * The caller's own participant record.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT for any field.
   * @throws {NotFoundError} ESTP_NOT_FOUND when the caller has not registered.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON {}')
  @Returns('string')
  async Self(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await self(ctx, SelfInput.parse(input)));
  }

  /**
   * Participants, optionally filtered by org and/or status: `{ records, bookmark }`, empty
   * bookmark on the last page.
   * @throws {InvalidInputError} ESTP_INVALID_INPUT naming the field.
   */
  @Transaction(false)
  @Param('input', 'string', 'JSON { mspId?, status?, pageSize?, bookmark? }')
  @Returns('string')
  async List(ctx: Context, input: string): Promise<string> {
    return toCanonicalJson(await list(ctx, ListInput.parse(input)));
  }
}
