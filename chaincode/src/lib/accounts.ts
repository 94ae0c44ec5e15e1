/**
 * The accounts a transaction touches: debits read and write the account, credits write a delta.
 *
 * An account is its record (`Account`, key `(Account, id)`) plus its unmerged **deltas** (key
 * `(Account, id, txId, n)`, lib/keys.ts `accountDeltaKey`: in the range of the record's own key,
 * so that one range read — the partial key `(Account, id)` — returns the record and its deltas
 * together, and GetAccount is one round trip to the peer): signed changes that only make the
 * account richer — payments into `available` or held certificates, and releases of escrow (`escrowed` down, each bound to the
 * offer or trade record whose status change the same transaction writes, so it happens once). A
 * transaction that pays an account it does not debit writes one delta and reads nothing of the
 * account, so concurrent settlements, clearing payouts and fills paying one seller never conflict (the delta-record pattern of fabric-samples'
 * high-throughput). A debit (lock, transfer out, burn, …) reads the record and merges deltas only
 * when the record alone does not cover it: at most {@link MERGE_LIMIT} of them, deleted as they
 * are folded into the record. Deltas never lower `available` or held certificates, so the record
 * alone is a lower bound of what can be spent and a debit checked against it can never overdraw;
 * the merge's range read makes that debit conflict (PHANTOM_READ_CONFLICT) with a credit landing
 * at the same time, which its client retries. A Deposit is a credit too: its lifetime cap is
 * counted in the account's mint lanes (lib/mint-lanes.ts); its delta carries the amount in
 * `minted` too, so the record plus its deltas show the minted total without the lanes.
 * IssueCertificates stays on the record (merged first), so its lifetime cap counts every unit
 * exactly. Queries (GetAccount, Audit:Totals) add every delta; a range over all accounts meets
 * each record followed by its deltas, and deltas of accounts that have no record yet.
 *
 * Fabric has no read-your-writes, so a transaction that moves credits of the same account twice
 * (a participant on both sides of a clearing, several offers of one owner closing in one batch)
 * keeps the account in memory: every movement goes through an {@link AccountBook}, which reads
 * each account at most once and writes each changed account (or its one delta) once in
 * {@link AccountBook.flush}. Every method moves an amount from one place to another (or mints,
 * burns, issues or retires explicitly), so the book itself cannot create or destroy a unit.
 */
import type { Context } from 'fabric-contract-api';
import { IllegalStateError, InsufficientFundsError, LimitExceededError } from './errors';
import { results } from './iterate';
import { fromBytes, toBytes } from './json';
import { RecordType, accountDeltaKey, recordKey } from './keys';
import { MAX_ACCOUNT_TOTAL, add } from './money';
import { recordMint } from './mint-lanes';
import { scanPages } from './pagination';
import { readRecord, writeRecord } from './state';

/**
 * One participant's account, keyed by participant ID. Money: `available` can be spent or locked;
 * `escrowed` is locked by the participant's open offers and unsettled trades (buyer payment escrow
 * or seller collateral). Certificates likewise: `certificatesHeldWh` and `certificatesEscrowedWh`.
 * The per-account mint/burn and issue/retire totals make Deposit, Withdraw, IssueCertificates and
 * RetireCertificates write only this account (no global hot key); Audit:Totals sums them.
 */
export interface Account {
  /** The participant ID `<mspId>:<enrollmentId>`. */
  id: string;
  available: number;
  escrowed: number;
  /**
   * Σ Deposits to this account: the record's field plus its deltas' (as {@link readAccount} shows
   * it). The lifetime cap is checked against the mint lanes (lib/mint-lanes.ts), which hold the
   * same total.
   */
  minted: number;
  /** Σ Withdrawals from this account. */
  burned: number;
  certificatesHeldWh: number;
  certificatesEscrowedWh: number;
  /** Σ certificates issued to this account. */
  certificatesIssuedWh: number;
  /** Σ certificates retired by this account. */
  certificatesRetiredWh: number;
  updatedAt: string;
}

/** A zero account for a participant that has none yet. */
export function emptyAccount(id: string, now: string): Account {
  return {
    id,
    available: 0,
    escrowed: 0,
    minted: 0,
    burned: 0,
    certificatesHeldWh: 0,
    certificatesEscrowedWh: 0,
    certificatesIssuedWh: 0,
    certificatesRetiredWh: 0,
    updatedAt: now,
  };
}

/**
 * The most deltas one debit merges: bounds the work and the range read of a transaction. A debit
 * that the record plus this many deltas cannot cover fails with ESTP_INSUFFICIENT_FUNDS saying
 * that more remain; each attempt merges more, so repeating it converges.
 */
export const MERGE_LIMIT = 200;

/**
 * The fields a delta may change: increases of what can be spent, decreases of escrow, and the
 * deposits' `minted` total. The other lifetime totals (burned, issued, retired) change on the
 * record only, so their caps stay exact; `minted`'s cap is counted in the mint lanes
 * (lib/mint-lanes.ts), and the record plus its deltas carry the same total for GetAccount to show
 * without reading the lanes (each Deposit adds the same amount to a lane and to its delta, and a
 * merge moves a delta's `minted` onto the record in one transaction: Σ lanes = record + Σ deltas).
 */
const DELTA_FIELDS = [
  'available',
  'escrowed',
  'certificatesHeldWh',
  'certificatesEscrowedWh',
  'minted',
] as const;
type DeltaField = (typeof DELTA_FIELDS)[number];

/** A delta record: the account and its nonzero changes (escrow fields negative, others positive). */
export type AccountDelta = { accountId: string } & Partial<Record<DeltaField, number>>;

/** Adds a delta's changes to `account` (in place), refusing a negative escrow (a bug). */
function applyDelta(account: Account, delta: Partial<Record<DeltaField, number>>): void {
  for (const field of DELTA_FIELDS) {
    const change = delta[field];
    if (change === undefined || change === 0) continue;
    account[field] = checked(add(account[field], change, field), field, account.id);
  }
}

/** Reads an account record without its deltas; a participant without one has a zero record. */
async function readAccountRecord(ctx: Context, id: string, now: string): Promise<Account> {
  return (await readRecord<Account>(ctx, RecordType.Account, id)) ?? emptyAccount(id, now);
}

/**
 * `updatedAt` of an account whose record was never written: its credits so far are deltas and mint
 * lanes, which carry no time. A query must not put its own timestamp there (two reads of the same
 * state would differ).
 */
export const ACCOUNT_NEVER_WRITTEN = '1970-01-01T00:00:00.000Z';

/**
 * A participant's account as it stands: its record plus every unmerged delta (a zero account for
 * a participant with none), `minted` included — the mint lanes are not read. `updatedAt` is when
 * the record was last written ({@link ACCOUNT_NEVER_WRITTEN} if never). One range read, the
 * record and its deltas together (one round trip to the peer while they fit one page and one batch
 * of the peer's), read in pages, so it is for queries (evaluate) only.
 */
export async function readAccount(ctx: Context, id: string): Promise<Account> {
  const key = recordKey(ctx, RecordType.Account, id);
  let account = emptyAccount(id, ACCOUNT_NEVER_WRITTEN);
  for await (const entry of scanPages(ctx, RecordType.Account, [id])) {
    if (entry.key === key) {
      // The record's key starts the range (it is the range's prefix), so no delta came before it.
      account = fromBytes<Account>(entry.value);
      continue;
    }
    applyDelta(account, fromBytes<AccountDelta>(entry.value));
  }
  return account;
}

type LifetimeTotal = 'burned' | 'certificatesIssuedWh' | 'certificatesRetiredWh';

/**
 * The account's lifetime `field` plus `amount`, refused above {@link MAX_ACCOUNT_TOTAL}: the per-account
 * cap that keeps every account total a safe integer.
 * @throws {LimitExceededError}
 */
function capped(account: Account, field: LifetimeTotal, amount: number): number {
  const total = account[field] + amount;
  if (total > MAX_ACCOUNT_TOTAL) {
    throw new LimitExceededError(
      `account ${account.id} ${field} would reach ${total}, above the per-account cap of ${MAX_ACCOUNT_TOTAL}`,
    );
  }
  return total;
}

function checked(value: number, field: string, id: string): number {
  if (value < 0) {
    // A negative escrow would mean an offer or trade released more than it locked: a bug.
    throw new IllegalStateError(
      `account ${id} ${field} would become negative (${value}): ledger inconsistency`,
    );
  }
  return value;
}

/** Per transaction, how many delta keys its books wrote (two books of one transaction never collide). */
const deltasWritten = new WeakMap<object, number>();

export class AccountBook {
  /** Records loaded for a debit (with the deltas merged into them). */
  private readonly accounts = new Map<string, Account>();
  private readonly changed = new Set<string>();
  /** Delta keys merged into a loaded record, deleted at flush (in insertion order). */
  private readonly merged = new Set<string>();
  /** Credits to accounts this transaction does not debit: written as one delta each. */
  private readonly credits = new Map<string, Partial<Record<DeltaField, number>>>();

  constructor(
    private readonly ctx: Context,
    private readonly now: string,
  ) {}

  /**
   * The account record as this transaction uses it for a debit (loaded on first use, with this
   * transaction's earlier credits to it).
   */
  private async load(id: string): Promise<Account> {
    let account = this.accounts.get(id);
    if (!account) {
      account = await readAccountRecord(this.ctx, id, this.now);
      const pending = this.credits.get(id);
      if (pending) {
        applyDelta(account, pending);
        this.credits.delete(id);
        this.changed.add(id);
      }
      this.accounts.set(id, account);
    }
    return account;
  }

  /**
   * Folds up to {@link MERGE_LIMIT} unmerged deltas into the loaded record (all of them, not just
   * enough: a merge conflicts with a concurrent payment anyway, so it takes what it can). Returns
   * whether deltas remain unmerged.
   *
   * The range is the partial key `(Account, id)`: the record's key, then its deltas. Its first
   * entry, the record, is skipped (it was loaded with GetState). Having the record in the range
   * adds no conflict (Fabric 2.5 validation, core/ledger/kvledger/txmgmt/validation): the phantom
   * check re-reads the range up to the last key this merge read and fails when a key or a version
   * in it changed — the record's key changes only when a transaction writes or deletes the record,
   * and such a transaction already conflicts with this one through the record's version in the read
   * set (MVCC_READ_CONFLICT), as every debit loads the record before it merges. So the merge still
   * conflicts exactly with a delta written or deleted meanwhile, as when the deltas had a range of
   * their own. It reads at most MERGE_LIMIT + 1 deltas (the one after the limit says more remain).
   */
  private async merge(account: Account): Promise<boolean> {
    const record = recordKey(this.ctx, RecordType.Account, account.id);
    const deltas = this.ctx.stub.getStateByPartialCompositeKey(RecordType.Account, [account.id]);
    let count = 0;
    for await (const { key, value } of results(deltas)) {
      if (key === record) continue;
      // No read-your-writes: a second merge in this transaction sees the deltas it merged already.
      if (this.merged.has(key)) continue;
      if (count === MERGE_LIMIT) return true;
      applyDelta(account, fromBytes<AccountDelta>(value));
      this.merged.add(key);
      this.changed.add(account.id);
      count += 1;
    }
    return false;
  }

  /** The account loaded with its deltas merged (up to {@link MERGE_LIMIT}), for an exact result. */
  private async loadMerged(id: string): Promise<Account> {
    const account = await this.load(id);
    await this.merge(account);
    return account;
  }

  /**
   * Debits `amount` of `field` from `id`, merging deltas when the record alone does not cover it.
   * @throws {InsufficientFundsError} with `message(have)` when even the merged account does not.
   */
  private async debit(
    id: string,
    field: 'available' | 'certificatesHeldWh',
    amount: number,
    message: (have: number, more: boolean) => string,
    apply: (account: Account) => void,
  ): Promise<Account> {
    const account = await this.load(id);
    let more = false;
    if (account[field] < amount) more = await this.merge(account);
    if (account[field] < amount) throw new InsufficientFundsError(message(account[field], more));
    return this.change(id, apply);
  }

  private async change(id: string, apply: (account: Account) => void): Promise<Account> {
    const account = await this.load(id);
    apply(account);
    account.updatedAt = this.now;
    this.changed.add(id);
    return account;
  }

  /**
   * Credits `id`: applied to its record when this transaction debits it too, else added to the
   * delta this transaction writes for it (nothing of the account is read).
   */
  private credit(id: string, changes: Partial<Record<DeltaField, number>>): void {
    const account = this.accounts.get(id);
    if (account) {
      applyDelta(account, changes);
      account.updatedAt = this.now;
      this.changed.add(id);
      return;
    }
    const pending = this.credits.get(id) ?? {};
    for (const field of DELTA_FIELDS) {
      const change = changes[field];
      if (change !== undefined) pending[field] = add(pending[field] ?? 0, change, field);
    }
    this.credits.set(id, pending);
  }

  /**
   * available → escrowed.
   * @throws {InsufficientFundsError} when `available` < amount.
   */
  async lock(id: string, amount: number, purpose: string): Promise<void> {
    if (amount === 0) return;
    await this.debit(
      id,
      'available',
      amount,
      (have, more) => `${purpose} needs ${amount} available credits; ${id} has ${have}${pendingNote(more)}`,
      (account) => {
        account.available -= amount;
        account.escrowed = add(account.escrowed, amount, 'escrowed');
      },
    );
  }

  /** escrowed → available (a refund or release to the owner). */
  release(id: string, amount: number): Promise<void> {
    if (amount === 0) return Promise.resolve();
    this.credit(id, { escrowed: -amount, available: amount });
    return Promise.resolve();
  }

  /** from.escrowed → to.available (a payment or penalty out of an escrow). */
  payFromEscrow(from: string, to: string, amount: number): Promise<void> {
    if (amount === 0) return Promise.resolve();
    this.credit(from, { escrowed: -amount });
    this.credit(to, { available: amount });
    return Promise.resolve();
  }

  /**
   * from.available → to.available (an immediate payment, e.g. for certificates bought bilaterally).
   * @throws {InsufficientFundsError}
   */
  async transfer(from: string, to: string, amount: number, purpose: string): Promise<void> {
    if (amount === 0) return;
    await this.debit(
      from,
      'available',
      amount,
      (have, more) => `${purpose} needs ${amount} available credits; ${from} has ${have}${pendingNote(more)}`,
      (account) => {
        account.available -= amount;
      },
    );
    this.credit(to, { available: amount });
  }

  /**
   * Deposit: new credits (the treasurer received off-chain money), counted against the account's
   * lifetime cap in its mint lanes (lib/mint-lanes.ts) and paid like any credit: a delta when this
   * transaction does not debit the account, so concurrent deposits to one account do not conflict.
   * @throws {LimitExceededError} the account's lifetime minted would pass the cap.
   */
  async mint(id: string, amount: number): Promise<void> {
    await recordMint(this.ctx, id, amount);
    this.credit(id, { available: amount, minted: amount });
  }

  /**
   * Withdraw: credits leave the ledger (the treasurer pays out off-chain).
   * @throws {InsufficientFundsError}
   * @throws {LimitExceededError} the account's lifetime burned would pass the cap.
   */
  async burn(id: string, amount: number): Promise<Account> {
    return this.debit(
      id,
      'available',
      amount,
      (have, more) => `withdrawal of ${amount} exceeds ${id}'s available ${have}${pendingNote(more)}`,
      (account) => {
        account.burned = capped(account, 'burned', amount);
        account.available -= amount;
      },
    );
  }

  /**
   * held → escrowed certificates.
   * @throws {InsufficientFundsError}
   */
  async lockCertificates(id: string, quantityWh: number, purpose: string): Promise<void> {
    if (quantityWh === 0) return;
    await this.debit(
      id,
      'certificatesHeldWh',
      quantityWh,
      (have, more) =>
        `${purpose} needs ${quantityWh} Wh of certificates; ${id} holds ${have}${pendingNote(more)}`,
      (account) => {
        account.certificatesHeldWh -= quantityWh;
        account.certificatesEscrowedWh = add(
          account.certificatesEscrowedWh,
          quantityWh,
          'certificatesEscrowedWh',
        );
      },
    );
  }

  /** escrowed → held certificates of the same holder. */
  releaseCertificates(id: string, quantityWh: number): Promise<void> {
    if (quantityWh === 0) return Promise.resolve();
    this.credit(id, { certificatesEscrowedWh: -quantityWh, certificatesHeldWh: quantityWh });
    return Promise.resolve();
  }

  /** from's escrowed → to's held certificates (delivery of a certificate trade). */
  deliverCertificatesFromEscrow(from: string, to: string, quantityWh: number): Promise<void> {
    if (quantityWh === 0) return Promise.resolve();
    this.credit(from, { certificatesEscrowedWh: -quantityWh });
    this.credit(to, { certificatesHeldWh: quantityWh });
    return Promise.resolve();
  }

  /**
   * from's held → to's held certificates (a seller filling a BUY offer bilaterally).
   * @throws {InsufficientFundsError}
   */
  async deliverCertificates(from: string, to: string, quantityWh: number, purpose: string): Promise<void> {
    if (quantityWh === 0) return;
    await this.debit(
      from,
      'certificatesHeldWh',
      quantityWh,
      (have, more) =>
        `${purpose} needs ${quantityWh} Wh of certificates; ${from} holds ${have}${pendingNote(more)}`,
      (account) => {
        account.certificatesHeldWh -= quantityWh;
      },
    );
    this.credit(to, { certificatesHeldWh: quantityWh });
  }

  /**
   * New certificates for a verified project (IssueCertificates), on the record with the deltas
   * merged (see {@link mint}).
   * @throws {LimitExceededError} the account's lifetime issued certificates would pass the cap.
   */
  async issueCertificates(id: string, quantityWh: number): Promise<Account> {
    await this.loadMerged(id);
    return this.change(id, (account) => {
      account.certificatesIssuedWh = capped(account, 'certificatesIssuedWh', quantityWh);
      account.certificatesHeldWh = add(account.certificatesHeldWh, quantityWh, 'certificatesHeldWh');
    });
  }

  /**
   * Burns held certificates (RetireCertificates): they never trade again.
   * @throws {InsufficientFundsError}
   * @throws {LimitExceededError} the account's lifetime retired certificates would pass the cap.
   */
  async retireCertificates(id: string, quantityWh: number): Promise<Account> {
    return this.debit(
      id,
      'certificatesHeldWh',
      quantityWh,
      (have, more) =>
        `retiring ${quantityWh} Wh needs as many held certificates; ${id} holds ${have}${pendingNote(more)}`,
      (account) => {
        account.certificatesRetiredWh = capped(account, 'certificatesRetiredWh', quantityWh);
        account.certificatesHeldWh -= quantityWh;
      },
    );
  }

  /** The IDs of the accounts changed so far (records and deltas), sorted. */
  changedIds(): string[] {
    return [...new Set([...this.changed, ...this.credits.keys()])].sort();
  }

  /** Writes every changed record once, one delta per credited account, and deletes merged deltas. */
  async flush(): Promise<void> {
    for (const key of this.merged) await this.ctx.stub.deleteState(key);
    this.merged.clear();
    for (const id of [...this.changed].sort()) {
      const account = this.accounts.get(id);
      if (account) await writeRecord(this.ctx, RecordType.Account, id, account);
    }
    this.changed.clear();
    let written = deltasWritten.get(this.ctx.stub) ?? 0;
    for (const [id, changes] of [...this.credits].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const delta: AccountDelta = { accountId: id };
      for (const field of DELTA_FIELDS) if (changes[field]) delta[field] = changes[field];
      await this.ctx.stub.putState(
        accountDeltaKey(this.ctx, id, this.ctx.stub.getTxID(), written++),
        toBytes(delta),
      );
    }
    deltasWritten.set(this.ctx.stub, written);
    this.credits.clear();
  }
}

function pendingNote(more: boolean): string {
  return more ? ` (after merging ${MERGE_LIMIT} credits; more remain: repeat to merge them)` : '';
}
