/**
 * The ledger report's CSV as its readers rely on it (`estp audit report`): the header and the
 * record kinds, in the order the report writes them. One statement for the unit test (exact) and
 * the integration test (on the real network); a change of the format changes it here, on purpose.
 */
export const LEDGER_CSV_HEADER =
  'record,id,time,market,buyer,seller,participant,quantityWh,price,value,collateral,paid,refund,penalty,released,status,detail';

export const LEDGER_RECORD_KINDS = [
  'trade',
  'settlement',
  'penalty',
  'dispute',
  'certificate-issue',
  'certificate-retirement',
  'deposit',
  'withdrawal',
  'sum',
  'total',
  'check',
];
