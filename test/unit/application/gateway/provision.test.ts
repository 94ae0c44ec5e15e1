/**
 * Idempotent provisioning: a wallet entry is reused (with its roles checked) without asking the CA,
 * and the derived enrolment secret is stable per org and user, so a lost wallet can be re-enrolled.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { X509Identity } from 'fabric-network';
import type { ConnectionInfo, OrgInfo } from '../../../../application/src/gateway/connection';
import { ConfigError } from '../../../../application/src/gateway/errors';
import { openWallet } from '../../../../application/src/gateway/identity';
import { ensureIdentity, provisioningSecret } from '../../../../application/src/gateway/provision';
import { testIdentity } from '../../../support/certs';

function orgOf(mspId: string, registrarSecret?: string): OrgInfo {
  return {
    mspId,
    name: mspId.replace(/MSP$/, '').toLowerCase(),
    peer: { endpoint: '127.0.0.1:1', hostAlias: 'peer', tlsRootCertPath: '/tls.pem' },
    // An unreachable CA: any CA call would fail the test.
    ca: {
      url: 'https://127.0.0.1:1',
      caName: 'ca',
      tlsRootCertPath: '/missing-ca-tls.pem',
      ...(registrarSecret === undefined
        ? {}
        : { registrar: { enrollmentId: 'registrar', enrollmentSecret: registrarSecret } }),
    },
    users: {},
  };
}

describe('provisioningSecret', () => {
  test('is the same for the same org and user, and differs across users, orgs and registrars', () => {
    const community = orgOf('CommunityMSP', 'r-secret');
    expect(provisioningSecret(community, 'load-01')).toBe(provisioningSecret(community, 'load-01'));
    expect(provisioningSecret(community, 'load-01')).toMatch(/^[0-9a-f]{32}$/);
    expect(provisioningSecret(community, 'load-02')).not.toBe(provisioningSecret(community, 'load-01'));
    expect(provisioningSecret(orgOf('UtilityMSP', 'r-secret'), 'load-01')).not.toBe(
      provisioningSecret(community, 'load-01'),
    );
    expect(provisioningSecret(orgOf('CommunityMSP', 'other'), 'load-01')).not.toBe(
      provisioningSecret(community, 'load-01'),
    );
  });

  test('needs the CA registrar in the connection description', () => {
    expect(() => provisioningSecret(orgOf('CityMSP'), 'load-01')).toThrow(ConfigError);
  });
});

describe('ensureIdentity', () => {
  let root: string;
  const org = orgOf('CommunityMSP', 'r-secret');
  const connection: ConnectionInfo = {
    file: '/c.json',
    channel: 'estp',
    chaincode: 'estp',
    orgs: { CommunityMSP: org },
    orderers: [],
  };

  beforeEach(async () => {
    // Given a wallet that already holds load-01 with estp.role=member
    root = mkdtempSync(path.join(tmpdir(), 'estp-provision-'));
    const certificate = (await testIdentity('CommunityMSP', 'load-01', ['member'])).certificatePem;
    const privateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const wallet = await openWallet(path.join(root, 'community'));
    const entry: X509Identity = {
      type: 'X.509',
      mspId: 'CommunityMSP',
      credentials: { certificate, privateKey },
    };
    await wallet.put('load-01', entry);
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
  });

  test('reuses a wallet entry without contacting the CA', async () => {
    const ensured = await ensureIdentity(connection, org, { user: 'load-01', roles: ['member'] }, root);
    expect(ensured).toEqual({ mspId: 'CommunityMSP', user: 'load-01', outcome: 'wallet', roles: ['member'] });
  });

  test('refuses a wallet entry that lacks a wanted role', async () => {
    const attempt = ensureIdentity(connection, org, { user: 'load-01', roles: ['arbiter'] }, root);
    await expect(attempt).rejects.toThrow('has estp.role member, not arbiter');
  });
});
