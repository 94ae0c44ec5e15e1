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
import { type ConnectionInfo, parseConnection } from '../../../../application/src/gateway/connection';
import { addApiKey } from '../../../../application/src/web/api-keys';
import { WebService } from '../../../../application/src/web/server';
import { testIdentity } from '../../../support/certs';

export interface OfflineService {
  readonly dir: string;
  readonly connection: ConnectionInfo;
  readonly keysFile: string;
  readonly service: WebService;
  /** A read-write and a read-only key of member1. */
  readonly keys: { readonly member: string; readonly readOnly: string };
  /** Absolute URL of a path of the service. */
  url(pathname: string): string;
  close(): Promise<void>;
}

/**
 * A connection description in `dir` (written as `connection.json`) with one org, Community, whose
 * peer is never dialled, and its user member1 (a certificate with estp.role=member and a key).
 */
export async function offlineConnection(dir: string): Promise<ConnectionInfo> {
  mkdirSync(path.join(dir, 'users'), { recursive: true });
  writeFileSync(
    path.join(dir, 'users/cert.pem'),
    (await testIdentity('CommunityMSP', 'member1', ['member'])).certificatePem,
  );
  writeFileSync(
    path.join(dir, 'users/key.pem'),
    generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  );
  const description = {
    channel: 'estp',
    chaincode: 'estp',
    orgs: {
      CommunityMSP: {
        mspId: 'CommunityMSP',
        name: 'community',
        peer: { endpoint: '127.0.0.1:9', hostAlias: 'peer0', tlsRootCertPath: 'tls.pem' },
        users: { member1: { certPath: 'users/cert.pem', keyPath: 'users/key.pem', roles: ['member'] } },
      },
    },
    orderers: [],
  };
  writeFileSync(path.join(dir, 'connection.json'), JSON.stringify(description));
  return parseConnection(description, path.join(dir, 'connection.json'));
}

export async function offlineService(): Promise<OfflineService> {
  const dir = mkdtempSync(path.join(tmpdir(), 'estp-web-'));
  const connection = await offlineConnection(dir);
  mkdirSync(path.join(dir, 'dashboard'));
  writeFileSync(path.join(dir, 'dashboard/index.html'), '<!doctype html><title>ESTP</title>');
  writeFileSync(path.join(dir, 'dashboard/docs.html'), '<!doctype html><title>API</title>');
  writeFileSync(path.join(dir, 'dashboard/app.js'), 'console.log("app")');
  const keysFile = path.join(dir, 'api-keys.json');
  const keys = {
    member: addApiKey(keysFile, 'CommunityMSP', 'member1', { label: 'test' }).key,
    readOnly: addApiKey(keysFile, 'CommunityMSP', 'member1', { label: 'kiosk', readOnly: true }).key,
  };
  const org = connection.orgs['CommunityMSP'];
  if (!org) throw new Error('no org');
  const service = await WebService.start({
    connection,
    org,
    keysFile,
    port: 0,
    dashboardDir: path.join(dir, 'dashboard'),
    walletRoot: path.join(dir, 'wallet'),
    log: () => undefined,
  });
  return {
    dir,
    connection,
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
