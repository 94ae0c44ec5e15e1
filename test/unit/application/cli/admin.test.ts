/**
 * `estp admin …` without a network: usage errors exit 2 before anything is dialled or written, an
 * org without a Fabric admin is a configuration error, and a file that is not a config update is
 * refused before any signing.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { run } from '../../../../application/src/cli/run';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

async function estp(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let connection: string;

/** A Fabric admin's certificate and key files (self-signed P-256, as cryptogen issues them). */
async function writeAdminFiles(): Promise<void> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '02',
    name: 'CN=Admin@utility.estp.local',
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  writeFileSync(path.join(dir, 'admin-cert.pem'), certificate.toString('pem'));
  writeFileSync(
    path.join(dir, 'admin-key.pem'),
    `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`,
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'estp-admin-'));
  await writeAdminFiles();
  connection = path.join(dir, 'connection.json');
  const org = (mspId: string, name: string, withAdmin: boolean) => ({
    mspId,
    name,
    peer: { endpoint: '127.0.0.1:1', hostAlias: `peer0.${name}`, tlsRootCertPath: 'tls.pem' },
    users: {},
    ...(withAdmin
      ? { fabricAdmin: { certPath: 'admin-cert.pem', keyPath: 'admin-key.pem', mspPath: 'msp' } }
      : {}),
  });
  writeFileSync(
    connection,
    JSON.stringify({
      channel: 'estp',
      chaincode: 'estp',
      orgs: { UtilityMSP: org('UtilityMSP', 'utility', true), CityMSP: org('CityMSP', 'city', false) },
      orderers: [{ endpoint: '127.0.0.1:1', hostAlias: 'orderer1', tlsRootCertPath: 'tls.pem' }],
    }),
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('estp admin', () => {
  test('--help lists the onboarding steps (exit 0)', async () => {
    const { code, out } = await estp('admin', '--help');
    expect(code).toBe(0);
    for (const command of ['config', 'add-org', 'sign', 'submit', 'join', 'anchor-peer', 'heights']) {
      expect(out).toContain(`  ${command} `);
    }
  });

  test.each([
    [['admin', 'add-org', '--org', 'utility', '--out', 'u.pb'], '--definition is required'],
    [['admin', 'sign', '--file', 'u.pb'], '--org is required'],
    [['admin', 'submit', '--org', 'utility', '--file', 'u.pb', '--timeout', 'soon'], '--timeout must be'],
    [['admin', 'join', '--org', 'utility', '--wait'], 'unknown option --wait'],
    [['admin', 'promote'], 'unknown command "admin promote"'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, err } = await estp(...argv, '--connection', connection);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test('an org without a Fabric admin in connection.json cannot sign (exit 2)', async () => {
    // Given a City entry without fabricAdmin, When City's admin would sign
    const { code, err } = await estp(
      'admin',
      'sign',
      '--org',
      'city',
      '--file',
      'u.pb',
      '--connection',
      connection,
    );

    // Then the configuration error names the missing admin
    expect(code).toBe(2);
    expect(err).toContain('names no fabricAdmin for CityMSP');
  });

  test('a file that is not a config update is refused and left unchanged (exit 2)', async () => {
    // Given a file of other bytes
    const file = path.join(dir, 'not-an-update.pb');
    writeFileSync(file, 'definitely not protobuf');

    // When utility's admin signs it
    const { code, err } = await estp(
      'admin',
      'sign',
      '--org',
      'utility',
      '--file',
      file,
      '--connection',
      connection,
    );

    // Then nothing is signed: the file is refused as what it is, and stays as it was
    expect(code).toBe(2);
    expect(err).toContain('not a channel configuration update');
    expect(readFileSync(file, 'utf8')).toBe('definitely not protobuf');
  });
});
