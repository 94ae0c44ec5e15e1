/**
 * Test-only access to the local ESTP network: the connection profiles `network/scripts/up.sh`
 * writes per org (.fabric/orgs/<org>/connection-<org>.json) and raw fabric-gateway connections as
 * any identity of an org's wallet. The application has its own client in application/src; this one
 * only serves the integration tests, which play every org of this machine's network.
 */
import * as grpc from '@grpc/grpc-js';
import {
  connect as connectGateway,
  type Contract,
  type Gateway,
  type Identity,
  type Signer,
  signers,
} from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { resolveIdentity } from '../../../application/src/gateway/identity';
import type { ConnectionProfile } from '../../../application/src/gateway/profile';
import { type ClientSettings, resolveSettings } from '../../../application/src/gateway/settings';

/** The network as one org's profile describes it: channel, chaincode, the member orgs' peers. */
export type NetworkInfo = ConnectionProfile;

/** The org whose profile the tests read the channel and its members from. */
export const HOST_ORG = 'utility';

/** Loads the host org's profile; fails with a hint when the network was never brought up. */
export function loadNetwork(): NetworkInfo {
  return resolveSettings({ org: HOST_ORG }).profile;
}

/** An org's own settings (its profile, wallet and directory) by short name or MSP ID. */
export function orgSettings(org: string): ClientSettings {
  return resolveSettings({ org });
}

/** Per-call deadlines (ms): a stuck network fails the test instead of hanging it. */
export const DEADLINES = { evaluate: 10_000, endorse: 30_000, submit: 10_000, commitStatus: 60_000 };

const deadline = (ms: number) => () => ({ deadline: Date.now() + ms });

export interface GatewayConnection {
  readonly gateway: Gateway;
  /** The `estp` chaincode's contract `name` (e.g. `Participant`), or the default contract. */
  contract(name?: string): Contract;
  /** Closes the gateway and its gRPC client. */
  close(): void;
}

/** Connects to `org`'s peer gateway as the identity `user` of that org's wallet. */
export function connect(org: string, user: string): GatewayConnection {
  const settings = orgSettings(org);
  return connectAs(org, resolveIdentity(settings.wallet, settings.org, user));
}

/** PEM credentials of an identity of an org (e.g. one a test enrolled itself). */
export interface Credentials {
  readonly certificate: string;
  readonly privateKey: string;
}

/** Connects to `org`'s peer gateway as the identity with these credentials (of that org's MSP). */
export function connectAs(org: string, credentials: Credentials): GatewayConnection {
  const { profile: network, org: info } = orgSettings(org);
  const identity: Identity = { mspId: info.mspId, credentials: Buffer.from(credentials.certificate) };
  const signer: Signer = signers.newPrivateKeySigner(createPrivateKey(credentials.privateKey));
  const client = new grpc.Client(
    info.peer.endpoint,
    grpc.credentials.createSsl(Buffer.from(info.peer.tlsRootCert)),
    { 'grpc.ssl_target_name_override': info.peer.hostAlias },
  );
  try {
    const gateway = connectGateway({
      client,
      identity,
      signer,
      evaluateOptions: deadline(DEADLINES.evaluate),
      endorseOptions: deadline(DEADLINES.endorse),
      submitOptions: deadline(DEADLINES.submit),
      commitStatusOptions: deadline(DEADLINES.commitStatus),
    });
    const channel = gateway.getNetwork(network.channel);
    return {
      gateway,
      contract: (name?: string) => channel.getContract(network.chaincode, name),
      close: () => {
        gateway.close();
        client.close();
      },
    };
  } catch (error) {
    client.close();
    throw error;
  }
}

/** Runs `fn` with a connection that is closed afterwards, also when `fn` fails. */
export async function withGateway<T>(
  org: string,
  user: string,
  fn: (connection: GatewayConnection) => Promise<T>,
): Promise<T> {
  const connection = connect(org, user);
  try {
    return await fn(connection);
  } finally {
    connection.close();
  }
}

/** The messages a gateway error carries from the peers (EndorseError etc. `details[].message`). */
export function errorDetails(error: unknown): string[] {
  if (typeof error !== 'object' || error === null || !('details' in error)) return [];
  const details: unknown = error.details;
  if (!Array.isArray(details)) return [];
  return details.map((detail: unknown) => {
    const message =
      typeof detail === 'object' && detail !== null && 'message' in detail ? detail.message : '';
    return typeof message === 'string' ? message : '';
  });
}
