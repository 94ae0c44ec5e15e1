/**
 * A web service without a network for unit tests: a connection description with one org whose
 * peer is never dialled, one user (certificate and key files), a stand-in dashboard directory and
 * an API key file in a temporary directory. Only routes that answer before reaching the ledger can
 * be exercised this way; test/integration/web-api.test.ts covers the rest on the real network.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { writeWalletEntry } from '../../../../application/src/gateway/identity';
import { type ClientSettings, resolveSettings } from '../../../../application/src/gateway/settings';
import { addApiKey } from '../../../../application/src/web/api-keys';
import { WebService } from '../../../../application/src/web/server';
import { testIdentity } from '../../../support/certs';

export interface OfflineService {
  readonly dir: string;
  readonly settings: ClientSettings;
  readonly keysFile: string;
  readonly service: WebService;
  /** A read-write and a read-only key of member1. */
  readonly keys: { readonly member: string; readonly readOnly: string };
  /** Absolute URL of a path of the service. */
  url(pathname: string): string;
  close(): Promise<void>;
}

/**
 * Community's settings in `dir`, as `npm run network:up` lays them out for an org: its connection
 * profile (`connection-community.json`, a peer that is never dialled) and its wallet with member1
 * (a certificate with estp.role=member and a key).
 */
export async function offlineSettings(dir: string): Promise<ClientSettings> {
  const wallet = path.join(dir, 'wallet');
  writeWalletEntry(wallet, {
    mspId: 'CommunityMSP',
    user: 'member1',
    certificate: (await testIdentity('CommunityMSP', 'member1', ['member'])).certificatePem,
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  });
  const pem = '-----BEGIN CERTIFICATE-----\ntls\n-----END CERTIFICATE-----\n';
  const profile = {
    name: 'estp-community',
    version: '1.0.0',
    client: { organization: 'Community' },
    organizations: { Community: { mspid: 'CommunityMSP', peers: ['peer0.community.estp.local'] } },
    channels: { estp: { orderers: [], chaincodes: ['estp'] } },
    peers: { 'peer0.community.estp.local': { url: 'grpcs://127.0.0.1:9', tlsCACerts: { pem } } },
    orderers: {},
  };
  writeFileSync(path.join(dir, 'connection-community.json'), JSON.stringify(profile));
  return resolveSettings({
    org: 'community',
    orgHome: dir,
    wallet,
    profile: path.join(dir, 'connection-community.json'),
    env: {},
  });
}

export async function offlineService(): Promise<OfflineService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'estp-web-'));
  const settings = await offlineSettings(dir);
  mkdirSync(path.join(dir, 'dashboard'));
  writeFileSync(path.join(dir, 'dashboard/index.html'), '<!doctype html><title>ESTP</title>');
  writeFileSync(path.join(dir, 'dashboard/docs.html'), '<!doctype html><title>API</title>');
  writeFileSync(path.join(dir, 'dashboard/app.js'), 'console.log("app")');
  const keysFile = path.join(dir, 'api-keys.json');
  const keys = {
    member: addApiKey(keysFile, 'CommunityMSP', 'member1', { label: 'test' }).key,
    readOnly: addApiKey(keysFile, 'CommunityMSP', 'member1', { label: 'kiosk', readOnly: true }).key,
  };
  const service = await WebService.start({
    settings,
    keysFile,
    port: 0,
    dashboardDir: path.join(dir, 'dashboard'),
    log: () => undefined,
  });
  return {
    dir,
    settings,
    keysFile,
    service,
    keys,
    url: (pathname) => new URL(pathname, service.url).toString(),
    close: async () => {
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The error answer of a response. */
export async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return body.error;
}
