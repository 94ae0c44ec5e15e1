/**
 * `estp api-key create|list|revoke` and `estp serve`'s usage errors, without a network: a key is
 * printed once (stdout only, for scripts), only for an identity the org has, and listed without
 * its hash; mistakes exit 2 before anything is written or started.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { estp } from '../../../integration/support/cli';
import { offlineSettings } from '../web/support';

let dir: string;
let keysFile: string;
let common: string[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'estp-api-key-'));
  await offlineSettings(dir);
  keysFile = path.join(dir, 'keys.json');
  common = [
    '--org',
    'community',
    '--profile',
    path.join(dir, 'connection-community.json'),
    '--wallet',
    path.join(dir, 'wallet'),
    '--keys-file',
    keysFile,
  ];
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('create prints only the key on stdout; list shows it without key or hash; revoke ends it', async () => {
  const created = await estp(
    'api-key',
    'create',
    ...common,
    '--user',
    'member1',
    '--label',
    'billing',
    '--read-only',
  );
  expect(created.code).toBe(0);
  expect(created.out).toMatch(/^estp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  expect(created.err).toContain('(read-only)');
  const id = created.out.split('_')[1] ?? '';

  const listed = await estp('api-key', 'list', ...common, '--json');
  expect(JSON.parse(listed.out)).toEqual([
    expect.objectContaining({ id, user: 'member1', label: 'billing', readOnly: true }),
  ]);
  expect(listed.out).not.toContain('sha256');

  expect((await estp('api-key', 'revoke', ...common, '--id', id)).code).toBe(0);
  const file = JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: { revokedAt?: string }[] };
  expect(file.keys[0]?.revokedAt).toEqual(expect.any(String));
});

test('a key for an identity the org does not have is refused, exit 2, nothing written', async () => {
  const before = existsSync(keysFile) ? readFileSync(keysFile, 'utf8') : '';

  const result = await estp('api-key', 'create', ...common, '--user', 'nobody');

  expect(result.code).toBe(2);
  expect(result.err).toContain('no identity "nobody"');
  expect(existsSync(keysFile) ? readFileSync(keysFile, 'utf8') : '').toBe(before);
});

test.each([
  [['api-key', 'revoke', '--id', 'ffffffffffff'], 'no active key ffffffffffff'],
  [['api-key', 'create'], '--user is required'],
  [['api-key', 'create', '--user', 'member1', '--read-only=yes'], '--read-only takes no value'],
  [['serve', '--port', 'http'], '--port must be a port number'],
  [['serve', '--cny-per-eur', '-1'], 'CNY per EUR rate'],
])('%j exits 2: %s', async (argv, message) => {
  const result = await estp(...argv, ...common);

  expect(result.code).toBe(2);
  expect(result.err).toContain(message);
});

test('serve and api-key need --org', async () => {
  const saved = process.env['ESTP_ORG'];
  delete process.env['ESTP_ORG'];
  const result = await estp('serve', '--wallet', path.join(dir, 'wallet'));
  if (saved !== undefined) process.env['ESTP_ORG'] = saved;

  expect(result.code).toBe(2);
  expect(result.err).toContain('--org required');
});
