/**
 * Deposit, Withdraw and GetAccount. Settlement credits mirror off-chain money: a treasurer mints
 * them when money arrives (Deposit) and burns them when it pays out (Withdraw). Each operation is
 * recorded under `<accountId>/<reference>`, so a retried Deposit with the same payment reference is
 * rejected instead of minting twice. A Deposit reads nothing of the account: it counts the amount
 * in one of the account's mint lanes and pays it as a delta (lib/mint-lanes.ts, lib/accounts.ts),
 * so concurrent deposits to one account do not conflict; it therefore returns the operation only
 * (GetAccount gives the balance). A Withdraw is a debit checked against the account.
 */
import type { Context } from 'fabric-contract-api';
import { callerOf, requireRole } from '../lib/caller';
import { EventName, emitEvent } from '../lib/events';
import { RecordType } from '../lib/keys';
import { assertAbsent, writeRecord } from '../lib/state';
import { txTimeIso } from '../lib/time';
import { type InputOf, result, transaction } from '../lib/declaration';
import { id } from '../lib/validate';
import { participantId, treasuryAmount } from '../lib/fields';
import { getParticipant } from '../participant/model';
import { AccountBook, readAccount } from '../lib/accounts';
import type { Account } from '../lib/accounts';
import type { TreasuryOperation } from './model';

const TREASURY_INPUT = {
  accountId: participantId().describe('the participant whose account it is'),
  amount: treasuryAmount().describe('settlement credits (at most 10¹² per operation)'),
  reference: id().describe(
    'payment reference (client-chosen, unique per account: a retry is rejected, not applied twice)',
  ),
};
const TREASURY_ERRORS = {
  ESTP_FORBIDDEN: '',
  ESTP_NOT_FOUND: 'participant',
  ESTP_ALREADY_EXISTS: 'reference reused',
} as const;

export const Deposit = transaction({
  contract: 'Settlement',
  name: 'Deposit',
  kind: 'submit',
  summary: "Mints credits into a participant's account (treasurer role) when its money arrives.",
  input: TREASURY_INPUT,
  output: result<DepositResult>(
    'the operation (the account is not read, so that deposits to one account never conflict: GetAccount gives it)',
  ),
  errors: { ...TREASURY_ERRORS, ESTP_LIMIT_EXCEEDED: "the account's lifetime minted would pass 10¹⁵" },
  example: { accountId: 'CommunityMSP:member1', amount: 50000, reference: 'SEPA-2026-0001' },
});

export const Withdraw = transaction({
  contract: 'Settlement',
  name: 'Withdraw',
  kind: 'submit',
  summary: "Burns credits from a participant's available balance (treasurer role) when it is paid out.",
  input: TREASURY_INPUT,
  output: result<TreasuryResult>('the account and the operation'),
  errors: {
    ...TREASURY_ERRORS,
    ESTP_INSUFFICIENT_FUNDS: '',
    ESTP_LIMIT_EXCEEDED: "the account's lifetime burned would pass 10¹⁵",
  },
  example: { accountId: 'CommunityMSP:member1', amount: 20000, reference: 'PAYOUT-2026-0001' },
});
export type TreasuryInput = InputOf<typeof Deposit>;

/** What a Deposit returns: the operation record. */
export interface DepositResult {
  operation: TreasuryOperation;
}

/** What a Withdraw returns: the account after the operation, and the operation record. */
export interface TreasuryResult extends DepositResult {
  account: Account;
}

/** Records the operation after `move` changed the account (the account when `move` returns it). */
async function treasury<Moved extends Account | undefined>(
  ctx: Context,
  request: TreasuryInput,
  kind: TreasuryOperation['kind'],
  move: (accounts: AccountBook) => Promise<Moved>,
): Promise<{ account: Moved; operation: TreasuryOperation }> {
  const caller = await requireRole(ctx, 'treasurer');
  await getParticipant(ctx, request.accountId);
  const operationId = `${request.accountId}/${request.reference}`;
  await assertAbsent(ctx, RecordType.TreasuryOperation, operationId);
  const now = txTimeIso(ctx);
  const accounts = new AccountBook(ctx, now);
  const account = await move(accounts);
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
    ...(account && { available: account.available }),
  });
  return { account, operation };
}

/**
 * Mints `amount` credits into a participant's available balance (treasurer role).
 * @throws {ForbiddenError} without the treasurer role.
 * @throws {NotFoundError} unknown participant.
 * @throws {AlreadyExistsError} the reference was used for this account already.
 */
export async function deposit(ctx: Context, request: TreasuryInput): Promise<DepositResult> {
  const { operation } = await treasury(ctx, request, 'DEPOSIT', async (accounts) => {
    await accounts.mint(request.accountId, request.amount);
    return undefined;
  });
  return { operation };
}

/**
 * Burns `amount` credits from a participant's available balance (treasurer role).
 * @throws {ForbiddenError} without the treasurer role.
 * @throws {NotFoundError} unknown participant.
 * @throws {AlreadyExistsError} the reference was used for this account already.
 * @throws {InsufficientFundsError} available < amount.
 */
export function withdraw(ctx: Context, request: TreasuryInput): Promise<TreasuryResult> {
  return treasury(ctx, request, 'WITHDRAWAL', (accounts) => accounts.burn(request.accountId, request.amount));
}

export const GetAccount = transaction({
  contract: 'Settlement',
  name: 'GetAccount',
  kind: 'evaluate',
  summary: "A participant's account (default: the caller's): available, escrowed, certificates.",
  input: { participantId: participantId().orUndefined().describe("whose account (default: the caller's)") },
  output: result<Account>('the account (zero when it has none yet)'),
  errors: {},
  example: { participantId: 'CommunityMSP:member1' },
});

/** A participant's account (the caller's by default); zero when it has none yet. */
export function getAccount(ctx: Context, request: InputOf<typeof GetAccount>): Promise<Account> {
  const caller = callerOf(ctx);
  return readAccount(ctx, request.participantId ?? caller.participantId);
}
