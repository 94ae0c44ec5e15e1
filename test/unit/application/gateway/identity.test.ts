/**
 * Identities: `--user` resolves to the org's wallet entry first, then to the connection
 * description's user; roles are read from the Fabric CA attribute in the certificate.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { X509Identity } from 'fabric-network';
import { caError, certificateRoles, parseRoles } from '../../../../application/src/gateway/ca';
import { type ConnectionInfo, parseConnection } from '../../../../application/src/gateway/connection';
import { ConfigError, UsageError } from '../../../../application/src/gateway/errors';
import { GrpcClientPool } from '../../../../application/src/gateway/grpc';
import {
  gatewaySigner,
  openWallet,
  resolveIdentity,
  walletLabels,
  walletRoot,
} from '../../../../application/src/gateway/identity';
import { testIdentity } from '../../../support/certs';

function keyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

describe('resolveIdentity', () => {
  let dir: string;
  let connection: ConnectionInfo;
  let connectionCert: string;
  let walletCert: string;

  beforeAll(async () => {
    connectionCert = (await testIdentity('CommunityMSP', 'member1', ['member'])).certificatePem;
    walletCert = (await testIdentity('CommunityMSP', 'member1', ['member', 'arbiter'])).certificatePem;
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'estp-identity-'));
    mkdirSync(path.join(dir, 'users'));
    writeFileSync(path.join(dir, 'users/cert.pem'), connectionCert);
    writeFileSync(path.join(dir, 'users/key.pem'), keyPem());
    connection = parseConnection(
      {
        channel: 'estp',
        chaincode: 'estp',
        orgs: {
          CommunityMSP: {
            mspId: 'CommunityMSP',
            name: 'community',
            peer: { endpoint: '127.0.0.1:7300', hostAlias: 'peer0', tlsRootCertPath: 'tls.pem' },
            users: { member1: { certPath: 'users/cert.pem', keyPath: 'users/key.pem', roles: ['member'] } },
          },
        },
        orderers: [],
      },
      path.join(dir, 'connection.json'),
    );
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const community = () => connection.orgs['CommunityMSP']!;

  test('a connection.json user is found when the wallet has no entry', async () => {
    const identity = await resolveIdentity(connection, community(), 'member1');

    expect(identity).toMatchObject({ mspId: 'CommunityMSP', user: 'member1', source: 'connection' });
    expect(identity.certificate).toBe(connectionCert);
    expect(() => gatewaySigner(identity)).not.toThrow();
  });

  test('a wallet entry of the same name wins over connection.json', async () => {
    // Given an enrolled wallet identity in .fabric/wallet/community
    const wallet = await openWallet(path.join(walletRoot(connection, {}), 'community'));
    const entry: X509Identity = {
      type: 'X.509',
      mspId: 'CommunityMSP',
      credentials: { certificate: walletCert, privateKey: keyPem() },
    };
    await wallet.put('member1', entry);

    // When --user member1 is resolved
    const identity = await resolveIdentity(connection, community(), 'member1', walletRoot(connection, {}));

    // Then the wallet's certificate is used
    expect(identity).toMatchObject({ source: 'wallet', certificate: walletCert });
    expect(walletLabels(path.join(dir, 'wallet/community'))).toEqual(['member1']);
  });

  test('a wallet entry of another MSP is refused', async () => {
    const wallet = await openWallet(path.join(dir, 'wallet/community'));
    const entry: X509Identity = {
      type: 'X.509',
      mspId: 'UtilityMSP',
      credentials: { certificate: walletCert, privateKey: keyPem() },
    };
    await wallet.put('member9', entry);

    await expect(
      resolveIdentity(connection, community(), 'member9', path.join(dir, 'wallet')),
    ).rejects.toThrow('belongs to UtilityMSP, not CommunityMSP');
  });

  test('an unknown user lists the known ones and how to enroll', async () => {
    const attempt = resolveIdentity(connection, community(), 'nobody', path.join(dir, 'wallet'));
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(
      /no identity "nobody" for CommunityMSP .*known: member1 \(enroll one with/,
    );
  });

  test('an unreadable key file is a configuration error naming it', async () => {
    rmSync(path.join(dir, 'users/key.pem'));
    await expect(
      resolveIdentity(connection, community(), 'member1', path.join(dir, 'wallet')),
    ).rejects.toThrow(`cannot read private key ${path.join(dir, 'users/key.pem')}`);
  });

  test('the wallet root is ESTP_WALLET or wallet/ next to the connection description', () => {
    expect(walletRoot(connection, {})).toBe(path.join(dir, 'wallet'));
    expect(walletRoot(connection, { ESTP_WALLET: '/w' })).toBe('/w');
  });
});

describe('roles', () => {
  test('certificateRoles reads estp.role from the Fabric CA attribute extension', async () => {
    const { certificatePem } = await testIdentity('UtilityMSP', 'arb', ['member', 'arbiter']);
    expect(certificateRoles(certificatePem)).toEqual(['member', 'arbiter']);
  });

  test('a certificate without attributes has no roles', async () => {
    const { certificatePem } = await testIdentity('UtilityMSP', 'plain', [], { withoutAttributes: true });
    expect(certificateRoles(certificatePem)).toEqual([]);
  });

  test('parseRoles accepts known roles, comma-separated', () => {
    expect(parseRoles('member, arbiter')).toEqual(['member', 'arbiter']);
  });

  test.each([
    ['', '--roles needs at least one role'],
    ['member,owner', 'unknown role "owner"'],
    ['member,member', '--roles repeats a role'],
  ])('parseRoles(%p) is a usage error', (text, message) => {
    expect(() => parseRoles(text)).toThrow(UsageError);
    expect(() => parseRoles(text)).toThrow(message);
  });
});

describe('caError', () => {
  const org = parseConnection(
    {
      channel: 'c',
      chaincode: 'c',
      orgs: {
        UtilityMSP: {
          mspId: 'UtilityMSP',
          name: 'utility',
          peer: { endpoint: 'h:1', hostAlias: 'h', tlsRootCertPath: '/t' },
          ca: { url: 'https://127.0.0.1:7104', caName: 'ca', tlsRootCertPath: '/t' },
        },
      },
    },
    '/c.json',
  ).orgs['UtilityMSP']!;

  test('the CA refusing names the CA and its message (exit 1)', () => {
    const error = caError(
      new Error(
        `fabric-ca request register failed with errors [[\n  {\n    code: 74,\n    message: "Identity 'x' is already registered"\n  }\n]]`,
      ),
      'register x',
      org,
    );
    expect(error).toMatchObject({ code: 'CA_REJECTED', exitCode: 1 });
    expect(error.message).toBe(
      "register x: the CA of UtilityMSP refused: Identity 'x' is already registered",
    );
  });

  test('an unreachable CA is exit 3', () => {
    const error = caError(new Error('connect ECONNREFUSED 127.0.0.1:7104'), 'enroll x', org);
    expect(error).toMatchObject({ code: 'CA_UNAVAILABLE', exitCode: 3 });
    expect(error.message).toContain('the CA of UtilityMSP at https://127.0.0.1:7104 is unreachable');
  });
});

describe('GrpcClientPool', () => {
  /** A stand-in for grpc.Client that records whether it was closed. */
  function fakeClient(log: string[], endpoint: string) {
    return { close: () => log.push(`closed ${endpoint}`) } as unknown as import('@grpc/grpc-js').Client;
  }
  const peer = (endpoint: string) => ({ endpoint, hostAlias: 'peer0', tlsRootCertPath: '/tls.pem' });

  test('gateways to the same peer share one client, closed when the last lease is released', () => {
    const log: string[] = [];
    const pool = new GrpcClientPool((info) => {
      log.push(`opened ${info.endpoint}`);
      return fakeClient(log, info.endpoint);
    });

    const first = pool.acquire(peer('127.0.0.1:7100'));
    const second = pool.acquire(peer('127.0.0.1:7100'));
    const other = pool.acquire(peer('127.0.0.1:7300'));
    first.release();
    first.release(); // a second release of the same lease is ignored

    expect(second.client).toBe(first.client);
    expect(pool.size).toBe(2);
    expect(log).toEqual(['opened 127.0.0.1:7100', 'opened 127.0.0.1:7300']);

    second.release();
    other.release();
    expect(log).toEqual([
      'opened 127.0.0.1:7100',
      'opened 127.0.0.1:7300',
      'closed 127.0.0.1:7100',
      'closed 127.0.0.1:7300',
    ]);
    expect(pool.size).toBe(0);
  });
});
