/**
 * Small fake peers on loopback for the client's failure cases, with an org directory (connection
 * profile and wallet) that points the `estp` CLI at them:
 *
 * - `refuse`: nothing listens on the port (connection refused);
 * - `stall-tls`: accepts TCP and never answers the TLS handshake;
 * - `stall-after-connect`: completes TLS (HTTP/2 offered) and never says a word of HTTP/2;
 * - `reset`: accepts TCP and resets the connection at once;
 * - `gateway`: a Fabric Gateway that answers every Evaluate with `result` (no signature checked);
 * - `chaincode-down`: a Fabric Gateway whose chaincode service is unreachable: every Evaluate fails
 *   as a real peer's does then (ABORTED, the peer's "could not launch chaincode … connection
 *   refused" in the error details).
 */
import 'reflect-metadata';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { gateway, google, peer } from '@hyperledger/fabric-protos';
import * as x509 from '@peculiar/x509';
import { writeWalletEntry } from '../../application/src/gateway/identity';
import { testIdentity } from './certs';

export type FakePeerKind =
  'refuse' | 'stall-tls' | 'stall-after-connect' | 'reset' | 'gateway' | 'chaincode-down';

/** The name every fake peer's TLS certificate carries (the profile's host alias). */
const HOST_ALIAS = 'peer.fake.local';
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

interface TlsMaterial {
  readonly certificatePem: string;
  readonly keyPem: string;
}

let material: Promise<TlsMaterial> | undefined;

/** One self-signed TLS certificate for every fake peer: the profile's TLS root too. */
function tlsMaterial(): Promise<TlsMaterial> {
  material ??= (async () => {
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: `CN=${HOST_ALIAS}`,
      notBefore: new Date('2025-01-01T00:00:00Z'),
      notAfter: new Date('2035-01-01T00:00:00Z'),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: HOST_ALIAS },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    });
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
    return { certificatePem: certificate.toString('pem'), keyPem };
  })();
  return material;
}

/** A running fake peer. */
export interface FakePeer {
  readonly kind: FakePeerKind;
  /** 127.0.0.1:<port> */
  readonly endpoint: string;
  /** Connections it accepted that are still open (a client that exited has closed its own). */
  openConnections(): number;
  /**
   * When (epoch ms) it accepted its first connection: the moment a client started its call,
   * whatever the time it took to start. `undefined` before, and for `refuse` and `gateway`.
   */
  firstConnectionAt(): number | undefined;
  close(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  return new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
}

/** A TCP or TLS server that tracks its connections and handles each with `onConnection`. */
async function socketPeer(
  kind: FakePeerKind,
  server: net.Server,
  onConnection: (socket: net.Socket) => void,
  event: 'connection' | 'secureConnection' = 'connection',
): Promise<FakePeer> {
  const sockets = new Set<net.Socket>();
  let first: number | undefined;
  server.on('connection', (socket: net.Socket) => {
    first ??= Date.now();
    sockets.add(socket);
    // Read (and drop) what the client sends: a socket that is not read never notices it closed.
    socket.resume();
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on(event, onConnection);
  server.on('tlsClientError', () => undefined);
  const port = await listen(server);
  return {
    kind,
    endpoint: `127.0.0.1:${port}`,
    openConnections: () => sockets.size,
    firstConnectionAt: () => undefined,
    close: () => closeServer(server, sockets),
  };
}

/**
 * How a real peer answers when its chaincode service is down (seen on the real network,
 * docs/reliability.md): gRPC ABORTED, the peer's own words in a gateway ErrorDetail.
 */
function chaincodeDownError(): Partial<grpc.StatusObject> {
  const detail = new gateway.ErrorDetail();
  detail.setAddress('peer0.community.estp.local:7300');
  detail.setMspId('CommunityMSP');
  detail.setMessage(
    'error in simulation: failed to execute transaction 1a2b: could not launch chaincode estp_1:ab12: ' +
      'connection to estp_1:ab12 failed: error creating grpc connection to 127.0.0.1:7306: ' +
      'failed to create new connection: connection error: desc = "transport: error while dialing: ' +
      'dial tcp 127.0.0.1:7306: connect: connection refused"',
  );
  const status = new google.rpc.Status();
  status.setCode(grpc.status.ABORTED);
  status.setMessage('failed to evaluate transaction, see attached details for more info');
  const any = status.addDetails();
  any.setTypeUrl('type.googleapis.com/gateway.ErrorDetail');
  any.setValue(detail.serializeBinary());
  const metadata = new grpc.Metadata();
  metadata.add('grpc-status-details-bin', Buffer.from(status.serializeBinary()));
  return { code: grpc.status.ABORTED, details: status.getMessage(), metadata };
}

async function gatewayPeer(
  kind: 'gateway' | 'chaincode-down',
  result: string,
  answerAfterMs: number,
): Promise<FakePeer> {
  const { certificatePem, keyPem } = await tlsMaterial();
  const server = new grpc.Server();
  const bytes = (value: Buffer): Buffer => value;
  const answers = new Set<NodeJS.Timeout>();
  const evaluate: grpc.handleUnaryCall<Buffer, Buffer> = (_call, callback) => {
    if (kind === 'chaincode-down') {
      callback(chaincodeDownError(), null);
      return;
    }
    const response = new peer.Response();
    response.setStatus(200);
    response.setPayload(Buffer.from(result));
    const answer = new gateway.EvaluateResponse();
    answer.setResult(response);
    const timer = setTimeout(() => {
      answers.delete(timer);
      callback(null, Buffer.from(answer.serializeBinary()));
    }, answerAfterMs);
    answers.add(timer);
  };
  server.addService(
    {
      Evaluate: {
        path: '/gateway.Gateway/Evaluate',
        requestStream: false,
        responseStream: false,
        requestSerialize: bytes,
        requestDeserialize: bytes,
        responseSerialize: bytes,
        responseDeserialize: bytes,
      },
    },
    { Evaluate: evaluate },
  );
  const credentials = grpc.ServerCredentials.createSsl(null, [
    { cert_chain: Buffer.from(certificatePem), private_key: Buffer.from(keyPem) },
  ]);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  return {
    kind,
    endpoint: `127.0.0.1:${port}`,
    openConnections: () => 0,
    firstConnectionAt: () => undefined,
    close: () =>
      new Promise((resolve) => {
        for (const timer of answers) clearTimeout(timer);
        server.forceShutdown();
        resolve();
      }),
  };
}

/**
 * Starts a fake peer of `kind` on a free loopback port. A `gateway` peer answers every query with
 * `result`, after `answerAfterMs` (a peer whose chaincode takes that long).
 */
export async function startFakePeer(kind: FakePeerKind, result = '{}', answerAfterMs = 0): Promise<FakePeer> {
  switch (kind) {
    case 'refuse': {
      // A port that was free a moment ago: nothing listens there now.
      const server = net.createServer();
      const port = await listen(server);
      await new Promise((resolve) => server.close(resolve));
      return {
        kind,
        endpoint: `127.0.0.1:${port}`,
        openConnections: () => 0,
        firstConnectionAt: () => undefined,
        close: () => Promise.resolve(),
      };
    }
    case 'stall-tls':
      return socketPeer(kind, net.createServer(), () => undefined);
    case 'reset':
      return socketPeer(kind, net.createServer(), (socket) => socket.resetAndDestroy());
    case 'stall-after-connect': {
      const { certificatePem, keyPem } = await tlsMaterial();
      const server = tls.createServer({ cert: certificatePem, key: keyPem, ALPNProtocols: ['h2'] });
      return socketPeer(kind, server, () => undefined, 'secureConnection');
    }
    case 'gateway':
    case 'chaincode-down':
      return gatewayPeer(kind, result, answerAfterMs);
  }
}

/** An org directory whose profile lists `endpoints` as the org's peers, in order, and a wallet. */
export interface FakeOrg {
  readonly dir: string;
  readonly profile: string;
  readonly wallet: string;
  /** The CLI's arguments that select this org and its user. */
  readonly args: readonly string[];
  remove(): void;
}

/** Writes a connection profile naming `endpoints` as CommunityMSP's peers, and a wallet with member1. */
export async function fakeOrg(endpoints: readonly string[]): Promise<FakeOrg> {
  const { certificatePem } = await tlsMaterial();
  const dir = mkdtempSync(path.join(tmpdir(), 'estp-fake-org-'));
  const aliases = endpoints.map((_, index) => `peer${index}.${HOST_ALIAS}`);
  const profile: Record<string, unknown> = {
    name: 'fake',
    version: '1.0.0',
    client: { organization: 'Community' },
    organizations: { Community: { mspid: 'CommunityMSP', peers: aliases } },
    peers: Object.fromEntries(
      endpoints.map((endpoint, index) => [
        aliases[index],
        {
          url: `grpcs://${endpoint}`,
          tlsCACerts: { pem: certificatePem },
          grpcOptions: { 'ssl-target-name-override': HOST_ALIAS },
        },
      ]),
    ),
    channels: { estp: { chaincodes: ['estp'] } },
  };
  const profileFile = path.join(dir, 'connection-community.json');
  writeFileSync(profileFile, JSON.stringify(profile, null, 2));
  const wallet = path.join(dir, 'wallet');
  mkdirSync(wallet, { recursive: true, mode: 0o700 });
  // The fake peers check no signature: any key signs.
  const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const { certificatePem: certificate } = await testIdentity('CommunityMSP', 'member1', ['member']);
  writeWalletEntry(wallet, { mspId: 'CommunityMSP', user: 'member1', certificate, privateKey });
  return {
    dir,
    profile: profileFile,
    wallet,
    args: ['--profile', profileFile, '--wallet', wallet, '--user', 'member1'],
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
