/**
 * The accounts a transaction touches, loaded once and written once.
 *
 * Fabric has no read-your-writes, so a transaction that moves credits of the same account twice
 * (a participant on both sides of a clearing, several offers of one owner closing in one batch)
 * must keep the new balance in memory: every movement goes through an {@link AccountBook}, which
 * reads each account at most once and writes each changed account exactly once in
 * {@link AccountBook.flush}. Every method moves an amount from one place to another (or mints,
 * burns, issues or retires explicitly), so the book itself cannot create or destroy a unit.
 */
import type { Context } from 'fabric-contract-api';
import { IllegalStateError, InsufficientFundsError, LimitExceededError } from './errors';
import { RecordType } from './keys';
import { MAX_ACCOUNT_TOTAL, add } from './money';
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
  /** Σ Deposits to this account. */
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

/** Reads an account; a participant without one has a zero account. */
export async function readAccount(ctx: Context, id: string, now: string): Promise<Account> {
  return (await readRecord<Account>(ctx, RecordType.Account, id)) ?? emptyAccount(id, now);
}

type LifetimeTotal = 'minted' | 'burned' | 'certificatesIssuedWh' | 'certificatesRetiredWh';

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

export class AccountBook {
  private readonly accounts = new Map<string, Account>();
  private readonly changed = new Set<string>();

  constructor(
    private readonly ctx: Context,
    private readonly now: string,
  ) {}

  /** The account as this transaction currently sees it (loaded on first use). */
  async get(id: string): Promise<Account> {
    let account = this.accounts.get(id);
    if (!account) {
      account = await readAccount(this.ctx, id, this.now);
      this.accounts.set(id, account);
    }
    return account;
  }

  private async change(id: string, apply: (account: Account) => void): Promise<Account> {
    const account = await this.get(id);
    apply(account);
    account.updatedAt = this.now;
    this.changed.add(id);
    return account;
  }

  /**
   * available → escrowed.
   * @throws {InsufficientFundsError} when `available` < amount.
   */
  async lock(id: string, amount: number, purpose: string): Promise<void> {
    if (amount === 0) return;
    await this.change(id, (account) => {
      if (account.available < amount) {
        throw new InsufficientFundsError(
          `${purpose} needs ${amount} available credits; ${id} has ${account.available}`,
        );
      }
      account.available -= amount;
      account.escrowed = add(account.escrowed, amount, 'escrowed');
    });
  }

  /** escrowed → available (a refund or release to the owner). */
  async release(id: string, amount: number): Promise<void> {
    if (amount === 0) return;
    await this.change(id, (account) => {
      account.escrowed = checked(account.escrowed - amount, 'escrowed', id);
      account.available = add(account.available, amount, 'available');
    });
  }

  /** from.escrowed → to.available (a payment or penalty out of an escrow). */
  async payFromEscrow(from: string, to: string, amount: number): Promise<void> {
    if (amount === 0) return;
    await this.change(from, (account) => {
      account.escrowed = checked(account.escrowed - amount, 'escrowed', from);
    });
    await this.change(to, (account) => {
      account.available = add(account.available, amount, 'available');
    });
  }

  /**
   * from.available → to.available (an immediate payment, e.g. for certificates bought bilaterally).
   * @throws {InsufficientFundsError}
   */
  async transfer(from: string, to: string, amount: number, purpose: string): Promise<void> {
    if (amount === 0) return;
    await this.change(from, (account) => {
      if (account.available < amount) {
        throw new InsufficientFundsError(
          `${purpose} needs ${amount} available credits; ${from} has ${account.available}`,
        );
      }
      account.available -= amount;
    });
    await this.change(to, (account) => {
      account.available = add(account.available, amount, 'available');
    });
  }

  /**
   * Deposit: new credits (the treasurer received off-chain money).
   * @throws {LimitExceededError} the account's lifetime minted would pass the cap.
   */
  async mint(id: string, amount: number): Promise<Account> {
    return this.change(id, (account) => {
      account.minted = capped(account, 'minted', amount);
      account.available = add(account.available, amount, 'available');
    });
  }

  /**
   * Withdraw: credits leave the ledger (the treasurer pays out off-chain).
   * @throws {InsufficientFundsError}
   * @throws {LimitExceededError} the account's lifetime burned would pass the cap.
   */
  async burn(id: string, amount: number): Promise<Account> {
    return this.change(id, (account) => {
      if (account.available < amount) {
        throw new InsufficientFundsError(
          `withdrawal of ${amount} exceeds ${id}'s available ${account.available}`,
        );
      }
      account.burned = capped(account, 'burned', amount);
      account.available -= amount;
    });
  }

  /**
   * held → escrowed certificates.
   * @throws {InsufficientFundsError}
   */
  async lockCertificates(id: string, quantityWh: number, purpose: string): Promise<void> {
    if (quantityWh === 0) return;
    await this.change(id, (account) => {
      if (account.certificatesHeldWh < quantityWh) {
        throw new InsufficientFundsError(
          `${purpose} needs ${quantityWh} Wh of certificates; ${id} holds ${account.certificatesHeldWh}`,
        );
      }
      account.certificatesHeldWh -= quantityWh;
      account.certificatesEscrowedWh = add(
        account.certificatesEscrowedWh,
        quantityWh,
        'certificatesEscrowedWh',
      );
    });
  }

  /** escrowed → held certificates of the same holder. */
  async releaseCertificates(id: string, quantityWh: number): Promise<void> {
    if (quantityWh === 0) return;
    await this.change(id, (account) => {
      account.certificatesEscrowedWh = checked(
        account.certificatesEscrowedWh - quantityWh,
        'certificatesEscrowedWh',
        id,
      );
      account.certificatesHeldWh = add(account.certificatesHeldWh, quantityWh, 'certificatesHeldWh');
    });
  }

  /** from's escrowed → to's held certificates (delivery of a certificate trade). */
  async deliverCertificatesFromEscrow(from: string, to: string, quantityWh: number): Promise<void> {
    if (quantityWh === 0) return;
    await this.change(from, (account) => {
      account.certificatesEscrowedWh = checked(
        account.certificatesEscrowedWh - quantityWh,
        'certificatesEscrowedWh',
        from,
      );
    });
    await this.change(to, (account) => {
      account.certificatesHeldWh = add(account.certificatesHeldWh, quantityWh, 'certificatesHeldWh');
    });
  }

  /**
   * from's held → to's held certificates (a seller filling a BUY offer bilaterally).
   * @throws {InsufficientFundsError}
   */
  async deliverCertificates(from: string, to: string, quantityWh: number, purpose: string): Promise<void> {
    if (quantityWh === 0) return;
    await this.change(from, (account) => {
      if (account.certificatesHeldWh < quantityWh) {
        throw new InsufficientFundsError(
          `${purpose} needs ${quantityWh} Wh of certificates; ${from} holds ${account.certificatesHeldWh}`,
        );
      }
      account.certificatesHeldWh -= quantityWh;
    });
    await this.change(to, (account) => {
      account.certificatesHeldWh = add(account.certificatesHeldWh, quantityWh, 'certificatesHeldWh');
    });
  }

  /**
   * New certificates for a verified project (IssueCertificates).
   * @throws {LimitExceededError} the account's lifetime issued certificates would pass the cap.
   */
  async issueCertificates(id: string, quantityWh: number): Promise<Account> {
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
    return this.change(id, (account) => {
      if (account.certificatesHeldWh < quantityWh) {
        throw new InsufficientFundsError(
          `retiring ${quantityWh} Wh needs as many held certificates; ${id} holds ${account.certificatesHeldWh}`,
        );
      }
      account.certificatesRetiredWh = capped(account, 'certificatesRetiredWh', quantityWh);
      account.certificatesHeldWh -= quantityWh;
    });
  }

  /** The IDs of the accounts changed so far, sorted. */
  changedIds(): string[] {
    return [...this.changed].sort();
  }

  /** Writes every changed account once. */
  async flush(): Promise<void> {
    for (const id of this.changedIds()) {
      const account = this.accounts.get(id);
      if (account) await writeRecord(this.ctx, RecordType.Account, id, account);
    }
  }
}
