/**
 * @estp/application: the ESTP gateway client library (used by the `estp` CLI, the demo and the
 * integration tests).
 *
 * ```ts
 * import { connect } from '@estp/application';
 * const client = await connect({ org: 'community', user: 'member1' });
 * try {
 *   const me = await client.evaluate('Participant', 'Self'); // a Participant
 *   for await (const page of client.pages('Market', 'ListOffers', { owner: me.id })) console.log(page.records);
 * } finally {
 *   client.close();
 * }
 * ```
 */
export {
  connect,
  DEFAULT_DEADLINES,
  type ConnectOptions,
  type Deadlines,
  EstpClient,
  type EventOptions,
  majorityEndorsers,
  parseResult,
  type SubmitOptions,
  type SubmitResult,
  syncPeers,
  type TransactionOptions,
  withClient,
} from './gateway/client';
export {
  type CaInfo,
  clientOrg,
  type ConnectionProfile,
  loadProfile,
  type OrdererInfo,
  type OrgInfo,
  parseProfile,
  type PeerInfo,
  resolveOrg,
} from './gateway/profile';
export {
  type ClientSettings,
  DEFAULT_ORGS_DIR,
  orgShortName,
  resolveSettings,
  type SettingsOptions,
} from './gateway/settings';
export {
  type CallContext,
  CHAINCODE_ERROR_CODES,
  ChaincodeError,
  type ChaincodeErrorCode,
  CommitFailedError,
  ConfigError,
  EstpClientError,
  ExitCode,
  exitCodeOf,
  formatError,
  parseChaincodeMessage,
  type PeerDetail,
  toClientError,
  UnavailableError,
  UsageError,
} from './gateway/errors';
export { decodeEvent, type EstpEvent, followEvents, type FollowOptions } from './gateway/events';
export {
  type EvaluateName,
  type InputOf,
  type PagesName,
  pagesOf,
  recordsOf,
  type ResultOf,
  type SubmitName,
} from './gateway/transactions';
export { GrpcClientPool, sharedGrpcClients } from './gateway/grpc';
export { acceptLot, firstLot, lotId } from './gateway/lots';
export {
  clearMarket,
  type ClearMarketInput,
  type ClearMarketStep,
  type ClearingOptions,
  type ClearingProgress,
} from './gateway/clearing';
export {
  fabricAdminIdentity,
  gatewayIdentity,
  gatewaySigner,
  identityFromFiles,
  identityFromWallet,
  resolveIdentity,
  type SigningIdentity,
  walletLabels,
  writeWalletEntry,
} from './gateway/identity';
export {
  DEFAULT_REENDORSE_POLICY,
  DEFAULT_RETRY_POLICY,
  endorseUntilAgreed,
  isEndorsementDisagreement,
  isRetryable,
  isRetryableCommitFailure,
  NO_RETRY,
  type Retried,
  type RetryPolicy,
  retryOnConflict,
} from './gateway/retry';
export {
  CaRejectedError,
  certificateRoles,
  enroll,
  ESTP_ROLES,
  type OrgWallet,
  parseRoles,
  register,
  REGISTRAR_LABEL,
} from './gateway/ca';
export { ensureIdentity, type EnsuredIdentity, provisioningSecret } from './gateway/provision';
export { run as runCli } from './cli/run';
