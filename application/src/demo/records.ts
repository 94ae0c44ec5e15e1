/**
 * The ledger records the demo reads back, as the chaincode defines them (chaincode/src/records.ts,
 * imported type-only: nothing of the chaincode runs in the client).
 */
export type {
  AcceptResult as AcceptOfferResult,
  Account as AccountRecord,
  ClearingResult as ClearingRecord,
  ClearMarketResult,
  Dispute as DisputeRecord,
  Market as MarketRecord,
  Offer as OfferRecord,
  Organisation as OrganisationRecord,
  Page,
  Participant as ParticipantRecord,
  ParticipantStatus,
  TotalsResult as TotalsRecord,
  Trade as TradeRecord,
} from '@estp/chaincode';
