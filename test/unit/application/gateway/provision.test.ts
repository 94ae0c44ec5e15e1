/**
 * Idempotent provisioning: a wallet entry is reused (with its roles checked) without asking the CA,
 * and the derived enrolment secret is stable per registrar and user, so a lost wallet entry can be
 * enrolled again.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeWalletEntry, type SigningIdentity } from '../../../../application/src/gateway/identity';
import type { OrgInfo } from '../../../../application/src/gateway/profile';
import { ensureIdentity, provisioningSecret } from '../../../../application/src/gateway/provision';
import { testIdentity } from '../../../support/certs';

function keyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

function orgOf(mspId: string): OrgInfo {
  const peer = { endpoint: '127.0.0.1:1', hostAlias: 'peer', tlsRootCert: 'tls' };
  // An unreachable CA: any CA call would fail the test.
  return {
    mspId,
    name: mspId.replace(/MSP$/, '').toLowerCase(),
    peers: [peer],
    peer,
    ca: { url: 'https://127.0.0.1:1', caName: 'ca', tlsRootCert: 'tls' },
  };
}

describe('provisioningSecret', () => {
  const registrar = (mspId: string, privateKey: string): SigningIdentity => ({
    mspId,
    user: 'registrar',
    certificate: 'cert',
    privateKey,
  });

  test('is the same for the same registrar and user, and differs across users, orgs and registrar keys', () => {
    const key = keyPem();
    const community = registrar('CommunityMSP', key);
    expect(provisioningSecret(community, 'load-01')).toBe(provisioningSecret(community, 'load-01'));
    expect(provisioningSecret(community, 'load-01')).toMatch(/^[0-9a-f]{32}$/);
    expect(provisioningSecret(community, 'load-02')).not.toBe(provisioningSecret(community, 'load-01'));
    expect(provisioningSecret(registrar('UtilityMSP', key), 'load-01')).not.toBe(
      provisioningSecret(community, 'load-01'),
    );
    expect(provisioningSecret(registrar('CommunityMSP', keyPem()), 'load-01')).not.toBe(
      provisioningSecret(community, 'load-01'),
    );
  });
});

describe('ensureIdentity', () => {
  let wallet: string;
  const org = orgOf('CommunityMSP');

  beforeEach(async () => {
    // Given a wallet that already holds load-01 with estp.role=member
    wallet = mkdtempSync(path.join(tmpdir(), 'estp-provision-'));
    const certificate = (await testIdentity('CommunityMSP', 'load-01', ['member'])).certificatePem;
    writeWalletEntry(wallet, { mspId: 'CommunityMSP', user: 'load-01', certificate, privateKey: keyPem() });
  });
  afterEach(() => {
    rmSync(wallet, { recursive: true, force: true });
  });

  test('reuses a wallet entry without contacting the CA', async () => {
    const ensured = await ensureIdentity({ org, wallet }, { user: 'load-01', roles: ['member'] });
    expect(ensured).toEqual({ mspId: 'CommunityMSP', user: 'load-01', outcome: 'wallet', roles: ['member'] });
  });

  test('refuses a wallet entry that lacks a wanted role', async () => {
    const attempt = ensureIdentity({ org, wallet }, { user: 'load-01', roles: ['arbiter'] });
    await expect(attempt).rejects.toThrow('has estp.role member, not arbiter');
  });

  test('a missing identity needs the CA registrar in the wallet', async () => {
    const attempt = ensureIdentity({ org, wallet }, { user: 'load-02', roles: ['member'] });
    await expect(attempt).rejects.toThrow(`no identity "registrar" for CommunityMSP in the wallet ${wallet}`);
  });
});
