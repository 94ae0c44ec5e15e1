/**
 * The conservation figures of Audit:Totals, summed over every account:
 *
 * - money: minted − burned = Σ available + Σ escrowed;
 * - certificates: issued − retired = Σ held + Σ escrowed.
 *
 * Minted/burned and issued/retired are kept per account (so Deposit and IssueCertificates write no
 * global key); their sums are the ledger's totals. Reads every account with an unpaginated
 * iterator (always closed); meant for read-only evaluation.
 */
import type { Context } from 'fabric-contract-api';
import { fromBytes } from '../lib/json';
import { results } from '../lib/iterate';
import { RecordType } from '../lib/keys';
import { add } from '../lib/money';
import type { Account } from '../lib/accounts';

export type MoneyTotals = {
  minted: number;
  burned: number;
  available: number;
  escrowed: number;
  /** minted − burned = available + escrowed */
  balanced: boolean;
};

export type CertificateTotals = {
  issuedWh: number;
  retiredWh: number;
  heldWh: number;
  escrowedWh: number;
  /** issued − retired = held + escrowed */
  balanced: boolean;
};

export type ConservationTotals = {
  accounts: number;
  money: MoneyTotals;
  certificates: CertificateTotals;
};

/** Sums every account's balances and mint/burn, issue/retire totals. */
export async function conservationTotals(ctx: Context): Promise<ConservationTotals> {
  const money = { minted: 0, burned: 0, available: 0, escrowed: 0 };
  const certificates = { issuedWh: 0, retiredWh: 0, heldWh: 0, escrowedWh: 0 };
  let accounts = 0;
  for await (const { value } of results(ctx.stub.getStateByPartialCompositeKey(RecordType.Account, []))) {
    const account = fromBytes<Account>(value);
    accounts += 1;
    money.minted = add(money.minted, account.minted);
    money.burned = add(money.burned, account.burned);
    money.available = add(money.available, account.available);
    money.escrowed = add(money.escrowed, account.escrowed);
    certificates.issuedWh = add(certificates.issuedWh, account.certificatesIssuedWh);
    certificates.retiredWh = add(certificates.retiredWh, account.certificatesRetiredWh);
    certificates.heldWh = add(certificates.heldWh, account.certificatesHeldWh);
    certificates.escrowedWh = add(certificates.escrowedWh, account.certificatesEscrowedWh);
  }
  return {
    accounts,
    money: { ...money, balanced: money.minted - money.burned === money.available + money.escrowed },
    certificates: {
      ...certificates,
      balanced:
        certificates.issuedWh - certificates.retiredWh === certificates.heldWh + certificates.escrowedWh,
    },
  };
}
