/**
 * API keys: shown once, kept only as a hash in a file of the org (mode 0600), accepted while
 * active, refused when revoked or of another org, and re-read when the file changes.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../../application/src/gateway/errors';
import {
  addApiKey,
  ApiKeyStore,
  presentedKey,
  readKeyFile,
  revokeApiKey,
} from '../../../../application/src/web/api-keys';

/** The secret part of a key (it may itself contain `_`). */
const secretOf = (key: string) => key.slice('estp_0123456789ab_'.length);

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'estp-keys-'));
  file = path.join(dir, 'web', 'community', 'api-keys.json');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a new key is estp_<id>_<secret>; the file keeps its hash, never the key, readable by its owner only', () => {
  const { key, entry } = addApiKey(file, 'CommunityMSP', 'member1', { label: 'billing' });

  expect(key).toMatch(/^estp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  expect(key.startsWith(`estp_${entry.id}_`)).toBe(true);
  const text = readFileSync(file, 'utf8');
  expect(text).not.toContain(secretOf(key));
  expect(JSON.parse(text)).toMatchObject({
    org: 'CommunityMSP',
    keys: [{ id: entry.id, user: 'member1', label: 'billing' }],
  });
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test('the store accepts an active key and refuses a wrong secret, an unknown ID and a revoked key', () => {
  const { key, entry } = addApiKey(file, 'CommunityMSP', 'member1');
  const store = new ApiKeyStore(file, 'CommunityMSP');

  expect(store.authenticate(key)?.user).toBe('member1');
  expect(store.authenticate(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
  expect(store.authenticate(`estp_ffffffffffff_${secretOf(key)}`)).toBeUndefined();

  expect(revokeApiKey(file, 'CommunityMSP', entry.id)).toBe(true);
  expect(store.authenticate(key)).toBeUndefined();
  expect(revokeApiKey(file, 'CommunityMSP', entry.id)).toBe(false);
  expect(readKeyFile(file, 'CommunityMSP').keys[0]?.revokedAt).toBeDefined();
});

test('a key added after the store started is accepted without restarting it', () => {
  const store = new ApiKeyStore(file, 'CommunityMSP');
  const { key } = addApiKey(file, 'CommunityMSP', 'member2');

  expect(store.authenticate(key)?.user).toBe('member2');
});

test('a new login key revokes the user’s previous login key, not its other keys', () => {
  const other = addApiKey(file, 'CommunityMSP', 'member1', { label: 'billing' });
  const first = addApiKey(file, 'CommunityMSP', 'member1', { label: 'dashboard login', replaceLabel: true });
  const second = addApiKey(file, 'CommunityMSP', 'member1', { label: 'dashboard login', replaceLabel: true });
  const store = new ApiKeyStore(file, 'CommunityMSP');

  expect(store.authenticate(first.key)).toBeUndefined();
  expect(store.authenticate(second.key)?.id).toBe(second.entry.id);
  expect(store.authenticate(other.key)?.id).toBe(other.entry.id);
});

test('a key file of another org is refused: a service never accepts another org’s keys', () => {
  addApiKey(file, 'EnterpriseMSP', 'member1');

  expect(() => new ApiKeyStore(file, 'CommunityMSP')).toThrow(ConfigError);
  expect(() => addApiKey(file, 'CommunityMSP', 'member1')).toThrow(/holds keys of EnterpriseMSP/);
});

test('a damaged key file is a configuration error naming the field', () => {
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ org: 'CommunityMSP', keys: [{ id: 'x' }] }));

  expect(() => readKeyFile(path.join(dir, 'bad.json'), 'CommunityMSP')).toThrow(
    /keys\[0\]\.id must be 12 hex digits/,
  );
});

test('a missing file is an empty one', () => {
  expect(new ApiKeyStore(file, 'CommunityMSP').active()).toEqual([]);
});

test.each([
  [{ authorization: 'Bearer abc' }, 'abc'],
  [{ authorization: 'bearer   abc ' }, 'abc'],
  [{ 'x-api-key': ' abc ' }, 'abc'],
  [{ authorization: 'Basic abc' }, undefined],
  [{}, undefined],
])('the key of headers %j is %s', (headers, expected) => {
  expect(presentedKey(headers)).toBe(expected);
});
