/**
 * Chaincode events. Fabric keeps only the last `setEvent` of a transaction, so each state-changing
 * transaction emits exactly one event through {@link emitEvent}; names are constants, never typed
 * inline, so clients and contracts cannot drift apart.
 */
import type { Context } from 'fabric-contract-api';
import { toBytes } from './json';

/** Every ESTP event name. Part of the public API: `estp events` and dashboards subscribe to these. */
export const EventName = {
  /** A founding org's admin confirmed the founding declaration; not every listed org did yet. */
  FoundingConfirmed: 'estp.consortium.founding',
  /** The founding declaration was confirmed by every org it lists: the founders are recorded. */
  OrganisationBootstrapped: 'estp.organisation.bootstrapped',
  OrganisationProposed: 'estp.organisation.proposed',
  OrganisationApproved: 'estp.organisation.approved',
  OrganisationActivated: 'estp.organisation.activated',
  /** A capability grant/revocation, suspension or reinstatement of an org was proposed. */
  OrganisationChangeProposed: 'estp.organisation.change.proposed',
  OrganisationChangeApproved: 'estp.organisation.change.approved',
  /** A proposed change was adopted by a majority of the ACTIVE orgs: the org record changed. */
  OrganisationChanged: 'estp.organisation.changed',
  ParticipantRegistered: 'estp.participant.registered',
  ParticipantApproved: 'estp.participant.approved',
  ParticipantSuspended: 'estp.participant.suspended',
  ParticipantReinstated: 'estp.participant.reinstated',
  ParticipantRevoked: 'estp.participant.revoked',
  MarketOpened: 'estp.market.opened',
  OfferPosted: 'estp.offer.posted',
  OfferCancelled: 'estp.offer.cancelled',
  OfferAccepted: 'estp.offer.accepted',
  /** A ClearMarket batch that did not finish the clearing (more batches follow). */
  MarketClearingBatch: 'estp.market.clearing',
  MarketCleared: 'estp.market.cleared',
  FundsDeposited: 'estp.account.deposited',
  FundsWithdrawn: 'estp.account.withdrawn',
  DeliveryReported: 'estp.trade.delivered',
  /** No delivery report by the deadline: the trade settles as zero delivered. */
  TradeDefaulted: 'estp.trade.defaulted',
  TradeSettled: 'estp.trade.settled',
  SavingsProjectRegistered: 'estp.savings.registered',
  CertificatesIssued: 'estp.certificates.issued',
  CertificatesTransferred: 'estp.certificates.transferred',
  CertificatesRetired: 'estp.certificates.retired',
  DisputeOpened: 'estp.dispute.opened',
  DisputeEvidenceAdded: 'estp.dispute.evidence',
  /** An arbiter's ruling recorded; not yet agreed by enough neutral organisations. */
  DisputeVoteRecorded: 'estp.dispute.vote',
  DisputeRuled: 'estp.dispute.ruled',
} as const;
export type EventName = (typeof EventName)[keyof typeof EventName];

/** Emits the transaction's one event; the payload is canonical JSON. */
export function emitEvent(ctx: Context, name: EventName, payload: object): void {
  ctx.stub.setEvent(name, toBytes(payload));
}
