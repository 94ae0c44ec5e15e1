/**
 * The public transaction API (docs/design.md#public-api): each contract's transactions and whether each is a
 * query ('evaluate', `@Transaction(false)`) or changes state ('submit'). The metadata and
 * reference tests check the chaincode against it.
 */
export type Kind = 'submit' | 'evaluate';

/** The names per contract (docs/design.md#public-api), incl. additions such as Consortium:Bootstrap and the governance proposals. */
export const PUBLIC_API: Record<string, Record<string, Kind>> = {
  Consortium: {
    Bootstrap: 'submit',
    ProposeOrganisation: 'submit',
    ApproveOrganisation: 'submit',
    ProposeChange: 'submit',
    ApproveChange: 'submit',
    GetOrganisation: 'evaluate',
    ListOrganisations: 'evaluate',
    GetProposal: 'evaluate',
    ListProposals: 'evaluate',
  },
  Participant: {
    Register: 'submit',
    Approve: 'submit',
    Suspend: 'submit',
    Reinstate: 'submit',
    Revoke: 'submit',
    Get: 'evaluate',
    Self: 'evaluate',
    List: 'evaluate',
  },
  Audit: {
    History: 'evaluate',
    List: 'evaluate',
    Totals: 'evaluate',
  },
  Market: {
    OpenMarket: 'submit',
    GetMarket: 'evaluate',
    ListMarkets: 'evaluate',
    PostOffer: 'submit',
    CancelOffer: 'submit',
    AcceptOffer: 'submit',
    GetOffer: 'evaluate',
    ListOffers: 'evaluate',
    ClearMarket: 'submit',
  },
  Settlement: {
    Deposit: 'submit',
    Withdraw: 'submit',
    GetAccount: 'evaluate',
    ReportDelivery: 'submit',
    Settle: 'submit',
    GetTrade: 'evaluate',
    ListTrades: 'evaluate',
    RegisterSavingsProject: 'submit',
    IssueCertificates: 'submit',
    RetireCertificates: 'submit',
    // TransferCertificates: none — certificates change hands only through trades (docs/trading.md).
  },
  Dispute: {
    Open: 'submit',
    AddEvidence: 'submit',
    Rule: 'submit',
    Get: 'evaluate',
    List: 'evaluate',
  },
};
