/**
 * The ledger records the demo keeps and passes around, as the chaincode defines them
 * (chaincode/src/records.ts): what it reads back is typed by the transactions' declarations.
 */
export type {
  ClearingResult as ClearingRecord,
  Dispute as DisputeRecord,
  Offer as OfferRecord,
  Participant as ParticipantRecord,
  Trade as TradeRecord,
} from '@estp/chaincode';
