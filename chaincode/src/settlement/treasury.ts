/**
 * Deposit, Withdraw and GetAccount. Settlement credits mirror off-chain money: a treasurer mints
 * them when money arrives (Deposit) and burns them when it pays out (Withdraw). Each operation is
 * recorded under `<accountId>/<reference>`, so a retried Deposit with the same payment reference is
 * rejected instead of minting twice, and deposits to different accounts never share a key.
 */
import type { Context } from 'fabric-contract-api';
import { callerOf, requireRole } from '../lib/caller';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { assertAbsent, writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { type Infer, id, input } from '../lib/validate';
import { amount, participantId } from '../market/inputs';
import { getParticipant } from '../participant/model';
import { AccountBook, readAccount } from './accounts';
import type { Account, TreasuryOperation } from './model';

export const TreasuryInput = input({
  accountId: participantId(),
  amount: amount(),
  reference: id(),
});
export type TreasuryInput = Infer<typeof TreasuryInput.shape>;

/** The account after the operation, and the operation record. */
export interface TreasuryResult {
  account: Account;
  operation: TreasuryOperation;
}

async function treasury(
  ctx: Context,
  request: TreasuryInput,
  kind: TreasuryOperation['kind'],
): Promise<TreasuryResult> {
  const caller = await requireRole(ctx, 'treasurer');
  await getParticipant(ctx, request.accountId);
  const operationId = `${request.accountId}/${request.reference}`;
  await assertAbsent(ctx, RecordType.TreasuryOperation, operationId);
  const now = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, now);
  const account =
    kind === 'DEPOSIT'
      ? await accounts.mint(request.accountId, request.amount)
      : await accounts.burn(request.accountId, request.amount);
  const operation: TreasuryOperation = {
    id: operationId,
    kind,
    accountId: request.accountId,
    amount: request.amount,
    reference: request.reference,
    treasurer: caller.participantId,
    at: now,
  };
  await writeRecord(ctx, RecordType.TreasuryOperation, operationId, operation);
  await accounts.flush();
  emitEvent(ctx, kind === 'DEPOSIT' ? EventName.FundsDeposited : EventName.FundsWithdrawn, {
    accountId: request.accountId,
    amount: request.amount,
    reference: request.reference,
    available: account.available,
  });
  return { account, operation };
}

/**
 * Mints `amount` credits into a participant's available balance (treasurer role).
 * @throws {ForbiddenError} without the treasurer role.
 * @throws {NotFoundError} unknown participant.
 * @throws {AlreadyExistsError} the reference was used for this account already.
 */
export function deposit(ctx: Context, request: TreasuryInput): Promise<TreasuryResult> {
  return treasury(ctx, request, 'DEPOSIT');
}

/**
 * Burns `amount` credits from a participant's available balance (treasurer role).
 * @throws {ForbiddenError} without the treasurer role.
 * @throws {NotFoundError} unknown participant.
 * @throws {AlreadyExistsError} the reference was used for this account already.
 * @throws {InsufficientFundsError} available < amount.
 */
export function withdraw(ctx: Context, request: TreasuryInput): Promise<TreasuryResult> {
  return treasury(ctx, request, 'WITHDRAWAL');
}

export const GetAccountInput = input({ participantId: participantId().orUndefined() });

/** A participant's account (the caller's by default); zero when it has none yet. */
export function getAccount(ctx: Context, request: Infer<typeof GetAccountInput.shape>): Promise<Account> {
  const caller = callerOf(ctx);
  return readAccount(ctx, request.participantId ?? caller.participantId, txTimeIso(ctx));
}
