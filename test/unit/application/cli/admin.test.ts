/**
 * `estp admin …` without a network: usage errors exit 2 before anything is dialled or written, an
 * org whose own directory holds no Fabric admin is a configuration error, and a file that is not a
 * config update is refused before any signing.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
let profile: string;
/** An org home holding Utility's Fabric admin, and one holding none. */
let utilityHome: string;
let emptyHome: string;

/** A Fabric admin's MSP in an org home (self-signed P-256, as cryptogen issues it). */
async function writeAdminMsp(home: string): Promise<void> {
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
  const msp = path.join(home, 'crypto/users/Admin@utility.estp.local/msp');
  mkdirSync(path.join(msp, 'signcerts'), { recursive: true });
  mkdirSync(path.join(msp, 'keystore'));
  writeFileSync(path.join(msp, 'signcerts/Admin@utility.estp.local-cert.pem'), certificate.toString('pem'));
  writeFileSync(
    path.join(msp, 'keystore/priv_sk'),
    `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`,
  );
}

/** Runs the CLI with ESTP_ORG_HOME set to `home` (the org's own directory). */
async function estpIn(home: string, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const before = process.env['ESTP_ORG_HOME'];
  process.env['ESTP_ORG_HOME'] = home;
  try {
    return await estp(...argv, '--profile', profile);
  } finally {
    if (before === undefined) delete process.env['ESTP_ORG_HOME'];
    else process.env['ESTP_ORG_HOME'] = before;
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'estp-admin-'));
  utilityHome = path.join(dir, 'utility');
  emptyHome = path.join(dir, 'city');
  mkdirSync(emptyHome);
  await writeAdminMsp(utilityHome);
  profile = path.join(dir, 'connection-utility.json');
  const pem = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n';
  const node = { url: 'grpcs://127.0.0.1:1', tlsCACerts: { pem } };
  writeFileSync(
    profile,
    JSON.stringify({
      client: { organization: 'Utility' },
      organizations: {
        Utility: { mspid: 'UtilityMSP', peers: ['peer0.utility'] },
        City: { mspid: 'CityMSP', peers: ['peer0.city'] },
      },
      channels: { estp: { orderers: ['orderer1'], chaincodes: ['estp'] } },
      peers: { 'peer0.utility': node, 'peer0.city': node },
      orderers: { orderer1: node },
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
    [['admin', 'sign', '--org', 'utility'], '--file is required'],
    [['admin', 'submit', '--org', 'utility', '--file', 'u.pb', '--timeout', 'soon'], '--timeout must be'],
    [['admin', 'join', '--org', 'utility', '--wait'], 'unknown option --wait'],
    [['admin', 'promote'], 'unknown command "admin promote"'],
  ])('%j is a usage error (exit 2)', async (argv, message) => {
    const { code, err } = await estpIn(utilityHome, ...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  test('without --org or a profile, no admin signs (exit 2)', async () => {
    const { code, err } = await estp('admin', 'sign', '--file', 'u.pb');
    expect(code).toBe(2);
    expect(err).toContain('--org required');
  });

  test('an org whose directory holds no Fabric admin cannot sign (exit 2)', async () => {
    // Given City's org home without its Fabric admin, When City's admin would sign
    const { code, err } = await estpIn(emptyHome, 'admin', 'sign', '--org', 'city', '--file', 'u.pb');

    // Then the configuration error names the missing admin and where it looked
    expect(code).toBe(2);
    expect(err).toContain(`no Fabric admin of CityMSP in ${path.join(emptyHome, 'crypto/users')}`);
  });

  test('a file that is not a config update is refused and left unchanged (exit 2)', async () => {
    // Given a file of other bytes
    const file = path.join(dir, 'not-an-update.pb');
    writeFileSync(file, 'definitely not protobuf');

    // When utility's admin signs it
    const { code, err } = await estpIn(utilityHome, 'admin', 'sign', '--org', 'utility', '--file', file);

    // Then nothing is signed: the file is refused as what it is, and stays as it was
    expect(code).toBe(2);
    expect(err).toContain('not a channel configuration update');
    expect(readFileSync(file, 'utf8')).toBe('definitely not protobuf');
  });
});
