/**
 * Test-only access to the local ESTP network: the connection description written by
 * `network/scripts/up.sh` (.fabric/connection.json) and gateway connections as any enrolled user.
 * The application has its own client in application/src; this one only serves the integration tests.
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
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface PeerInfo {
  /** host:port of the peer's gRPC (gateway) endpoint. */
  readonly endpoint: string;
  /** A name in the peer's TLS certificate (the certificate also names 127.0.0.1 and localhost). */
  readonly hostAlias: string;
  readonly tlsRootCertPath: string;
  /** Operations service (https): /healthz, /metrics. */
  readonly operations: string;
}

export interface CaInfo {
  readonly url: string;
  readonly caName: string;
  readonly tlsRootCertPath: string;
  readonly registrar: { readonly enrollmentId: string; readonly enrollmentSecret: string };
}

export interface UserInfo {
  readonly certPath: string;
  readonly keyPath: string;
  /** The ESTP roles in the certificate attribute estp.role. */
  readonly roles: readonly string[];
}

export interface OrgInfo {
  readonly mspId: string;
  /** Short name: utility, enterprise, community. */
  readonly name: string;
  readonly peer: PeerInfo;
  readonly ca: CaInfo;
  readonly users: Readonly<Record<string, UserInfo>>;
  /** The org's Fabric admin (NodeOU admin) used for channel and lifecycle commands. */
  readonly fabricAdmin: { readonly certPath: string; readonly keyPath: string; readonly mspPath: string };
}

export interface OrdererInfo {
  readonly endpoint: string;
  readonly hostAlias: string;
  readonly tlsRootCertPath: string;
  readonly adminEndpoint: string;
}

export interface NetworkInfo {
  readonly channel: string;
  readonly chaincode: string;
  /** By MSP ID. */
  readonly orgs: Readonly<Record<string, OrgInfo>>;
  readonly orderers: readonly OrdererInfo[];
  readonly binDir: string;
  readonly fabricCfgPath: string;
}

/** Where up.sh writes the connection description (override with ESTP_CONNECTION). */
export const CONNECTION_FILE = path.resolve(__dirname, '../../../.fabric/connection.json');

/** Loads the connection description; fails with a hint when the network was never brought up. */
export function loadNetwork(file = process.env['ESTP_CONNECTION'] ?? CONNECTION_FILE): NetworkInfo {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new Error(`${file} not found: bring the network up with 'npm run network:up'`, { cause });
  }
  return JSON.parse(text) as NetworkInfo;
}

/** An org by short name (`community`) or MSP ID (`CommunityMSP`). */
export function orgOf(network: NetworkInfo, org: string): OrgInfo {
  const found = network.orgs[org] ?? Object.values(network.orgs).find((candidate) => candidate.name === org);
  if (!found) throw new Error(`unknown org ${org}; known: ${Object.keys(network.orgs).join(', ')}`);
  return found;
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

/** Connects to `org`'s peer gateway as the CA-enrolled `user` of that org. */
export function connect(org: string, user: string, network = loadNetwork()): GatewayConnection {
  const info = orgOf(network, org);
  const userInfo = info.users[user];
  if (!userInfo) {
    throw new Error(`no user ${user} in ${info.mspId}; known: ${Object.keys(info.users).join(', ')}`);
  }
  return connectAs(
    org,
    {
      certificate: readFileSync(userInfo.certPath, 'utf8'),
      privateKey: readFileSync(userInfo.keyPath, 'utf8'),
    },
    network,
  );
}

/** PEM credentials of an identity of an org (e.g. one a test enrolled itself). */
export interface Credentials {
  readonly certificate: string;
  readonly privateKey: string;
}

/** Connects to `org`'s peer gateway as the identity with these credentials (of that org's MSP). */
export function connectAs(org: string, credentials: Credentials, network = loadNetwork()): GatewayConnection {
  const info = orgOf(network, org);
  const identity: Identity = { mspId: info.mspId, credentials: Buffer.from(credentials.certificate) };
  const signer: Signer = signers.newPrivateKeySigner(createPrivateKey(credentials.privateKey));
  const client = new grpc.Client(
    info.peer.endpoint,
    grpc.credentials.createSsl(readFileSync(info.peer.tlsRootCertPath)),
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
