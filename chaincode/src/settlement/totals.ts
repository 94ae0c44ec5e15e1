/**
 * The conservation figures of Audit:Totals, summed over every account:
 *
 * - money: minted − burned = Σ available + Σ escrowed;
 * - certificates: issued − retired = Σ held + Σ escrowed.
 *
 * Minted/burned and issued/retired are kept per account (so Deposit and IssueCertificates write no
 * global key); their sums are the ledger's totals. An account is its record plus its unmerged
 * deltas (lib/accounts.ts), both summed: they share one key range, `(Account, …)`, where each
 * record comes before its own deltas and an account paid but never debited has deltas and no
 * record. Every entry is summed on its own, so where a page ends (between a record and its deltas,
 * or among them) changes nothing; its minted total is counted twice over, on the record
 * plus its deltas and in its mint lanes (lib/mint-lanes.ts, where the cap is checked), and the
 * money balances only when the two agree. The accounts are read page by page (exact for any
 * number of accounts, beyond the peer's totalQueryLimit too) and summed with BigInt, so no size of
 * ledger can make the totals fail or round: a figure is a JSON number while it is a safe integer
 * and its exact decimal string beyond (docs/trust.md, "Money rules and caps"). Read-only queries
 * only (paginated reads).
 */
import type { Context } from 'fabric-contract-api';
import { fromBytes } from '../lib/json';
import { RecordType, isRecordKey } from '../lib/keys';
import { type ExactAmount, exactAmount } from '../lib/money';
import { scanPages } from '../lib/pagination';
import type { Account, AccountDelta } from '../lib/accounts';
import { MINT_LANE, type MintLane } from '../lib/mint-lanes';

export type MoneyTotals = {
  minted: ExactAmount;
  burned: ExactAmount;
  available: ExactAmount;
  escrowed: ExactAmount;
  /** minted − burned = available + escrowed, and minted = Σ mint lanes */
  balanced: boolean;
};

export type CertificateTotals = {
  issuedWh: ExactAmount;
  retiredWh: ExactAmount;
  heldWh: ExactAmount;
  escrowedWh: ExactAmount;
  /** issued − retired = held + escrowed */
  balanced: boolean;
};

export type ConservationTotals = {
  accounts: number;
  money: MoneyTotals;
  certificates: CertificateTotals;
};

/** Sums every account's balances and mint/burn, issue/retire totals, exactly. */
export async function conservationTotals(ctx: Context): Promise<ConservationTotals> {
  let minted = 0n;
  let mintedInLanes = 0n;
  let burned = 0n;
  let available = 0n;
  let escrowed = 0n;
  let issued = 0n;
  let retired = 0n;
  let held = 0n;
  let certificatesEscrowed = 0n;
  const accounts = new Set<string>();
  for await (const entry of scanPages(ctx, MINT_LANE, [])) {
    const lane = fromBytes<MintLane>(entry.value);
    accounts.add(lane.accountId);
    mintedInLanes += BigInt(lane.minted);
  }
  for await (const entry of scanPages(ctx, RecordType.Account, [])) {
    if (!isRecordKey(ctx, RecordType.Account, entry.key)) {
      const delta = fromBytes<AccountDelta>(entry.value);
      accounts.add(delta.accountId);
      available += BigInt(delta.available ?? 0);
      escrowed += BigInt(delta.escrowed ?? 0);
      held += BigInt(delta.certificatesHeldWh ?? 0);
      certificatesEscrowed += BigInt(delta.certificatesEscrowedWh ?? 0);
      minted += BigInt(delta.minted ?? 0);
      continue;
    }
    const account = fromBytes<Account>(entry.value);
    accounts.add(account.id);
    minted += BigInt(account.minted);
    burned += BigInt(account.burned);
    available += BigInt(account.available);
    escrowed += BigInt(account.escrowed);
    issued += BigInt(account.certificatesIssuedWh);
    retired += BigInt(account.certificatesRetiredWh);
    held += BigInt(account.certificatesHeldWh);
    certificatesEscrowed += BigInt(account.certificatesEscrowedWh);
  }
  return {
    accounts: accounts.size,
    money: {
      minted: exactAmount(minted),
      burned: exactAmount(burned),
      available: exactAmount(available),
      escrowed: exactAmount(escrowed),
      balanced: minted - burned === available + escrowed && minted === mintedInLanes,
    },
    certificates: {
      issuedWh: exactAmount(issued),
      retiredWh: exactAmount(retired),
      heldWh: exactAmount(held),
      escrowedWh: exactAmount(certificatesEscrowed),
      balanced: issued - retired === held + certificatesEscrowed,
    },
  };
}
