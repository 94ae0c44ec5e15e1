/**
 * Settlement records: trades, savings projects, certificate batches and retirements, treasury
 * operations. (Accounts are lib/accounts.ts's, the trade indexes market/model.ts's: the market
 * creates trades.)
 *
 * Units (see lib/money.ts): money in integer minor units, energy and certificates in Wh (Wh saved),
 * prices in minor units per kWh.
 */
import type { Commodity } from '../participant/model';

/** Accounts are lib/accounts.ts's (the market locks and moves value too); named here as before. */
export type { Account } from '../lib/accounts';

/**
 * MATCHED → DELIVERED → SETTLED; MATCHED/DELIVERED/DEFAULTED → DISPUTED → RULED → SETTLED;
 * MATCHED → DEFAULTED → SETTLED. Certificate trades are SETTLED when they are created.
 */
export const TRADE_STATUSES = ['MATCHED', 'DELIVERED', 'DEFAULTED', 'DISPUTED', 'RULED', 'SETTLED'] as const;
export type TradeStatus = (typeof TRADE_STATUSES)[number];

/** How the trade came about: the market's call auction or a bilateral AcceptOffer. */
export type TradeOrigin = 'AUCTION' | 'BILATERAL';

export interface DeliveryReport {
  deliveredWh: number;
  meterId: string;
  /** SHA-256 of the meter reading (the reading itself stays off-chain). */
  readingHash: string;
  readingUri?: string;
  reportedBy: string;
  reportedAt: string;
}

/** The agreed ruling of a dispute, copied onto the trade; it drives settlement. */
export interface TradeRuling {
  deliveredWh: number;
  /** Penalty in minor units, from the seller's collateral to the buyer (≤ the trade's collateral). */
  penalty: number;
  /** The neutral organisations whose arbiters agreed. */
  organisations: string[];
  ruledAt: string;
  /** Settle is allowed from this time on (ruledAt + the market's ruling notice window). */
  finalAtMs: number;
}

/** How a trade was settled: every unit of the escrow and collateral is accounted for. */
export interface TradeSettlement {
  /** Quantity paid for: min(delivered, traded). */
  deliveredWh: number;
  /** value(deliveredWh, price): buyer escrow → seller. */
  paid: number;
  /** value − paid: buyer escrow → buyer. */
  buyerRefund: number;
  /** Seller collateral → buyer. */
  penalty: number;
  /** collateral − penalty: back to the seller. */
  collateralReleased: number;
  /** Why: DELIVERED (meter report), DEFAULTED (no report), RULED (dispute ruling), CERTIFICATE. */
  basis: 'DELIVERED' | 'DEFAULTED' | 'RULED' | 'CERTIFICATE';
  settledAt: string;
}

export interface Trade {
  /** `<marketId>/c/<seq>` (clearing) or `<marketId>/a/<txId>` (AcceptOffer). */
  id: string;
  marketId: string;
  commodity: Commodity;
  origin: TradeOrigin;
  buyer: string;
  buyerMspId: string;
  seller: string;
  sellerMspId: string;
  /** The offers filled (absent on the taker's side of an AcceptOffer). */
  buyOfferId?: string;
  sellOfferId?: string;
  quantityWh: number;
  /** Minor units per kWh. */
  price: number;
  /** value(quantityWh, price): the buyer's payment escrow for this trade. */
  value: number;
  /** The seller's collateral allocated to this trade (0 for certificates). */
  collateral: number;
  status: TradeStatus;
  createdAt: string;
  createdTxId: string;
  delivery?: DeliveryReport;
  defaultedAt?: string;
  /** The status the trade had when its dispute was opened. */
  disputedFrom?: TradeStatus;
  ruling?: TradeRuling;
  settlement?: TradeSettlement;
  updatedAt: string;
}

/** A registered energy-savings project; verifiers issue certificates against it. */
export interface SavingsProject {
  id: string;
  owner: string;
  ownerMspId: string;
  title: string;
  /** Measurement and verification method, e.g. "IPMVP Option C". */
  method: string;
  /** Baseline consumption of the project's scope, Wh: certificates issued never exceed it. */
  baselineWh: number;
  gridZone: string;
  evidenceHash: string;
  evidenceUri?: string;
  /** Σ certificates issued for the project, Wh saved. */
  issuedWh: number;
  /**
   * End of the latest certified period (ms, exclusive): the next batch's period starts at or after
   * it, so periods never overlap. Absent until the first batch.
   */
  certifiedUntilMs?: number;
  registeredAt: string;
  updatedAt: string;
}

/** Certificates issued by a verifier for a project (the batch ID is the verifier's idempotency key). */
export interface CertificateBatch {
  /** `<projectId>/<batchId>` */
  id: string;
  batchId: string;
  projectId: string;
  owner: string;
  quantityWh: number;
  verifier: string;
  verifierMspId: string;
  evidenceHash: string;
  evidenceUri?: string;
  /** The certified period [start, end), ms; absent on batches issued before periods were required. */
  periodStartMs?: number;
  periodEndMs?: number;
  issuedAt: string;
}

/** Certificates retired (burned) by their holder; the claimed amount stays on the ledger. */
export interface CertificateRetirement {
  /** `<participantId>/<retirementId>` */
  id: string;
  retirementId: string;
  holder: string;
  quantityWh: number;
  beneficiary?: string;
  purpose?: string;
  retiredAt: string;
}

/** A Deposit (mint) or Withdraw (burn) by a treasurer. */
export interface TreasuryOperation {
  /** `<accountId>/<reference>` */
  id: string;
  kind: 'DEPOSIT' | 'WITHDRAWAL';
  accountId: string;
  amount: number;
  /** The off-chain payment reference (idempotency key per account). */
  reference: string;
  treasurer: string;
  at: string;
}
