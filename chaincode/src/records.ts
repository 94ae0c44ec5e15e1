/**
 * The records the chaincode writes and its transactions return (as canonical JSON), exported as
 * types for clients. The application imports them type-only, so what it reads follows the
 * chaincode's shapes by construction instead of by a copy that can drift.
 */
export type { Organisation, OrganisationDeclaration, OrganisationStatus } from './consortium/model';
export type {
  OrganisationApproval,
  OrganisationProposal,
  ProposalKind,
  ProposalStatus,
} from './consortium/proposals';
export type { OrganisationDecision } from './consortium/propose';
export type { BootstrapResult } from './consortium/bootstrap';
export type { OrganisationView, ProposalView } from './consortium/queries';
export type { Commodity, Participant, ParticipantKind, ParticipantStatus } from './participant/model';
export type {
  ClearingPhase,
  ClearingResult,
  Market,
  MarketStatus,
  Offer,
  OfferStatus,
  Side,
} from './market/model';
export type { ClearMarketResult } from './market/clear';
export type { AcceptResult } from './market/offers';
export type { Account } from './lib/accounts';
export type {
  CertificateBatch,
  CertificateRetirement,
  DeliveryReport,
  SavingsProject,
  Trade,
  TradeOrigin,
  TradeRuling,
  TradeSettlement,
  TradeStatus,
  TreasuryOperation,
} from './settlement/model';
export type { Dispute, DisputeStatus, Evidence, Vote } from './dispute/model';
export type { CertificateTotals, ConservationTotals, MoneyTotals } from './settlement/totals';
export type { Page } from './lib/pagination';
export type { RecordType } from './lib/keys';

export type { Totals as TotalsResult } from './audit/totals';
