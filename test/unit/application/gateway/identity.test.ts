/**
 * Identities: `--user` names an entry of the org's wallet, read and written in the Fabric SDKs'
 * file-system wallet format (`<label>.id`, so wallets of fabric-network stay usable); the org's
 * Fabric admin comes from its own directory; roles are read from the Fabric CA attribute in the
 * certificate.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { caError, certificateRoles, parseRoles } from '../../../../application/src/gateway/ca';
import { ConfigError, UsageError } from '../../../../application/src/gateway/errors';
import { GrpcClientPool } from '../../../../application/src/gateway/grpc';
import {
  fabricAdminIdentity,
  gatewaySigner,
  identityFromWallet,
  resolveIdentity,
  walletLabels,
  writeWalletEntry,
} from '../../../../application/src/gateway/identity';
import type { OrgInfo, PeerInfo } from '../../../../application/src/gateway/profile';
import { testIdentity } from '../../../support/certs';

function keyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

const peer = (endpoint: string): PeerInfo => ({ endpoint, hostAlias: 'peer0', tlsRootCert: 'tls' });

function orgOf(mspId: string): OrgInfo {
  const gateway = peer('127.0.3.1:7300');
  return {
    mspId,
    name: mspId.replace(/MSP$/, '').toLowerCase(),
    peers: [gateway],
    peer: gateway,
    ca: { url: 'https://127.0.1.1:7104', caName: 'ca', tlsRootCert: 'tls' },
  };
}

describe('the wallet', () => {
  let wallet: string;
  let certificate: string;
  const community = orgOf('CommunityMSP');

  beforeAll(async () => {
    certificate = (await testIdentity('CommunityMSP', 'member1', ['member'])).certificatePem;
  });
  beforeEach(() => {
    wallet = path.join(mkdtempSync(path.join(tmpdir(), 'estp-wallet-')), 'wallet');
  });
  afterEach(() => {
    rmSync(path.dirname(wallet), { recursive: true, force: true });
  });

  test('an entry written is read back, owner-only, in the file-system wallet format', () => {
    // Given member1 written into the org's wallet
    const privateKey = keyPem();
    const file = writeWalletEntry(wallet, {
      mspId: 'CommunityMSP',
      user: 'member1',
      certificate,
      privateKey,
    });

    // Then it is <label>.id with the fabric-network document, readable by its owner only
    expect(file).toBe(path.join(wallet, 'member1.id'));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      credentials: { certificate, privateKey },
      mspId: 'CommunityMSP',
      type: 'X.509',
      version: 1,
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(wallet).mode & 0o777).toBe(0o700);
    // And --user member1 resolves to it, with a usable signer
    const identity = resolveIdentity(wallet, community, 'member1');
    expect(identity).toEqual({ mspId: 'CommunityMSP', user: 'member1', certificate, privateKey });
    expect(() => gatewaySigner(identity)).not.toThrow();
  });

  test('an entry fabric-network wrote is read as it is', () => {
    // Given the exact bytes fabric-network's FileSystemWallet writes
    mkdirSync(wallet);
    const privateKey = keyPem();
    writeFileSync(
      path.join(wallet, 'load-01.id'),
      JSON.stringify({
        credentials: { certificate, privateKey },
        mspId: 'CommunityMSP',
        type: 'X.509',
        version: 1,
      }),
    );
    expect(identityFromWallet(wallet, 'load-01')).toEqual({
      mspId: 'CommunityMSP',
      user: 'load-01',
      certificate,
      privateKey,
    });
    expect(walletLabels(wallet)).toEqual(['load-01']);
  });

  test('a label the wallet lacks is undefined, and resolving it lists the known labels', () => {
    writeWalletEntry(wallet, { mspId: 'CommunityMSP', user: 'member1', certificate, privateKey: keyPem() });
    expect(identityFromWallet(wallet, 'nobody')).toBeUndefined();
    expect(() => resolveIdentity(wallet, community, 'nobody')).toThrow(
      new ConfigError(
        `no identity "nobody" for CommunityMSP in the wallet ${wallet}; known: member1 (enroll one with \`estp identity enroll\`)`,
      ),
    );
  });

  test('an entry of another MSP is refused', () => {
    writeWalletEntry(wallet, { mspId: 'UtilityMSP', user: 'member9', certificate, privateKey: keyPem() });
    expect(() => resolveIdentity(wallet, community, 'member9')).toThrow(
      'belongs to UtilityMSP, not CommunityMSP',
    );
  });

  test.each([
    ['not JSON', '{', 'is not valid JSON'],
    [
      'another identity type',
      JSON.stringify({ type: 'HSM-X.509', mspId: 'CommunityMSP' }),
      'has type HSM-X.509',
    ],
    [
      'no private key',
      JSON.stringify({ type: 'X.509', mspId: 'CommunityMSP', credentials: { certificate: 'c' } }),
      'must hold credentials.certificate and credentials.privateKey',
    ],
  ])('an entry that is %s is a configuration error naming the file', (_case, text, message) => {
    mkdirSync(wallet);
    writeFileSync(path.join(wallet, 'bad.id'), text);
    expect(() => identityFromWallet(wallet, 'bad')).toThrow(ConfigError);
    expect(() => identityFromWallet(wallet, 'bad')).toThrow(`wallet entry ${path.join(wallet, 'bad.id')} `);
    expect(() => identityFromWallet(wallet, 'bad')).toThrow(message);
  });

  test('a label that would leave the wallet directory is refused', () => {
    expect(() => identityFromWallet(wallet, '../utility/wallet/admin')).toThrow(
      'is not a usable wallet label',
    );
  });
});

describe("the org's Fabric admin", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(tmpdir(), 'estp-org-home-'));
  });
  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
  });

  test("is read from the org home's crypto/users/Admin@<domain>/msp", () => {
    const msp = path.join(home, 'crypto/users/Admin@utility.estp.local/msp');
    mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
    mkdirSync(path.join(msp, 'keystore'));
    writeFileSync(path.join(msp, 'signcerts/Admin@utility.estp.local-cert.pem'), 'CERT');
    writeFileSync(path.join(msp, 'keystore/priv_sk'), 'KEY');

    expect(fabricAdminIdentity(home, orgOf('UtilityMSP'))).toEqual({
      mspId: 'UtilityMSP',
      user: 'Admin@utility.estp.local',
      certificate: 'CERT',
      privateKey: 'KEY',
    });
  });

  test('an org home without one says where it looked', () => {
    expect(() => fabricAdminIdentity(home, orgOf('UtilityMSP'))).toThrow(
      `no Fabric admin of UtilityMSP in ${path.join(home, 'crypto/users')}`,
    );
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
  const org = orgOf('UtilityMSP');

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
    const error = caError(new Error('connect ECONNREFUSED 127.0.1.1:7104'), 'enroll x', org);
    expect(error).toMatchObject({ code: 'CA_UNAVAILABLE', exitCode: 3 });
    expect(error.message).toContain('the CA of UtilityMSP at https://127.0.1.1:7104 is unreachable');
  });
});

describe('GrpcClientPool', () => {
  /** A stand-in for grpc.Client that records whether it was closed. */
  function fakeClient(log: string[], endpoint: string) {
    return { close: () => log.push(`closed ${endpoint}`) } as unknown as import('@grpc/grpc-js').Client;
  }
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
