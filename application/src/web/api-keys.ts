/**
 * API keys of an org's web service: each key acts as one identity of the org's wallet. The org's
 * admin manages them with `estp api-key create|list|revoke` (cli/commands/api-key.ts); the service
 * reads the same file and notices changes without a restart, so a revoked key stops working at once.
 *
 * A key is `estp_<id>_<secret>`: a 12-hex-digit ID (to find its entry) and 256 random bits. The
 * file keeps only the key's SHA-256, never the key: with 256 random bits a fast hash is enough (there
 * is no password to guess), and a stolen file grants nothing. It is written atomically (temporary
 * file and rename) with mode 0600, and names the org it belongs to, so a service never accepts
 * another org's keys.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ClientSettings } from '../gateway/settings';
import { ConfigError } from '../gateway/errors';

/** One key as the file records it. */
export interface ApiKeyEntry {
  /** 12 hex digits, printed in the key itself (`estp_<id>_…`). */
  readonly id: string;
  /** The wallet identity the key acts as (a user of the org). */
  readonly user: string;
  readonly label: string;
  /** A read-only key may only query (GET); every submission is refused with 403. */
  readonly readOnly: boolean;
  /** SHA-256 (hex) of the whole key text. */
  readonly sha256: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** The key file of one org. */
export interface ApiKeyFile {
  /** The MSP ID of the org whose identities the keys act as. */
  readonly org: string;
  readonly keys: readonly ApiKeyEntry[];
}

const KEY_PATTERN = /^estp_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/**
 * The key file of an org: `ESTP_API_KEYS`, else `web/api-keys.json` in the org's own directory
 * (`.fabric/orgs/community/web/api-keys.json`), beside its wallet.
 */
export function apiKeysFile(
  settings: Pick<ClientSettings, 'orgHome'>,
  env: NodeJS.ProcessEnv = process.env,
): string {
  return path.resolve(env['ESTP_API_KEYS'] ?? path.join(settings.orgHome, 'web', 'api-keys.json'));
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function invalid(file: string, rule: string): never {
  throw new ConfigError(`invalid API key file ${file}: ${rule}`);
}

function parseEntry(file: string, value: unknown, index: number): ApiKeyEntry {
  const entry = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const text = (name: string): string => {
    const field = entry[name];
    if (typeof field !== 'string' || field === '')
      invalid(file, `keys[${index}].${name} must be a non-empty string`);
    return field;
  };
  const id = text('id');
  if (!/^[0-9a-f]{12}$/.test(id)) invalid(file, `keys[${index}].id must be 12 hex digits`);
  const sha256 = text('sha256');
  if (!/^[0-9a-f]{64}$/.test(sha256)) invalid(file, `keys[${index}].sha256 must be 64 hex digits`);
  const revokedAt = entry['revokedAt'];
  return {
    id,
    user: text('user'),
    label: typeof entry['label'] === 'string' ? entry['label'] : '',
    readOnly: entry['readOnly'] === true,
    sha256,
    createdAt: text('createdAt'),
    ...(typeof revokedAt === 'string' ? { revokedAt } : {}),
  };
}

/**
 * Reads a key file; a missing file is an empty one of `org`.
 * @throws {ConfigError} when it is not a key file, or belongs to another org.
 */
export function readKeyFile(file: string, org: string): ApiKeyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { org, keys: [] };
    throw new ConfigError(`cannot read the API key file ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch {
    invalid(file, 'not valid JSON');
  }
  const root = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (root['org'] !== org) invalid(file, `it holds keys of ${String(root['org'])}, not ${org}`);
  if (!Array.isArray(root['keys'])) invalid(file, 'keys must be an array');
  return { org, keys: (root['keys'] as unknown[]).map((entry, index) => parseEntry(file, entry, index)) };
}

/** Writes a key file atomically, readable by its owner only. */
export function writeKeyFile(file: string, content: ApiKeyFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** A new key for `user`: the key text (shown once) and the entry the file keeps. */
export function newApiKey(
  user: string,
  options: { label?: string; readOnly?: boolean; now?: Date } = {},
): { key: string; entry: ApiKeyEntry } {
  const id = randomBytes(6).toString('hex');
  const key = `estp_${id}_${randomBytes(32).toString('base64url')}`;
  return {
    key,
    entry: {
      id,
      user,
      label: options.label ?? '',
      readOnly: options.readOnly === true,
      sha256: sha256Hex(key),
      createdAt: (options.now ?? new Date()).toISOString(),
    },
  };
}

/**
 * Adds a new key for `user` to the file and returns the key text. With `replaceLabel`, the user's
 * earlier active keys of that label are revoked (a login key rotated at every `estp serve --login`).
 */
export function addApiKey(
  file: string,
  org: string,
  user: string,
  options: { label?: string; readOnly?: boolean; replaceLabel?: boolean; now?: Date } = {},
): { key: string; entry: ApiKeyEntry } {
  const current = readKeyFile(file, org);
  const created = newApiKey(user, options);
  const now = created.entry.createdAt;
  const keys = current.keys.map((entry) =>
    options.replaceLabel === true &&
    entry.user === user &&
    entry.label === created.entry.label &&
    entry.revokedAt === undefined
      ? { ...entry, revokedAt: now }
      : entry,
  );
  writeKeyFile(file, { org, keys: [...keys, created.entry] });
  return created;
}

/**
 * Revokes a key by its ID (the entry stays, with `revokedAt`, as a record of who had access).
 * @returns false when there is no active key with that ID.
 */
export function revokeApiKey(file: string, org: string, id: string, now: Date = new Date()): boolean {
  const current = readKeyFile(file, org);
  const active = current.keys.findIndex((entry) => entry.id === id && entry.revokedAt === undefined);
  const entry = current.keys[active];
  if (!entry) return false;
  const keys = current.keys.map((candidate, index) =>
    index === active ? { ...entry, revokedAt: now.toISOString() } : candidate,
  );
  writeKeyFile(file, { org, keys });
  return true;
}

/** The key a request presents: `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function presentedKey(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): string | undefined {
  const authorization = headers['authorization'];
  if (typeof authorization === 'string') {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  const header = headers['x-api-key'];
  return typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
}

/**
 * The keys of one org, re-read when the file changes (checked by its size, time and inode on each
 * lookup: a stat, no read).
 */
export class ApiKeyStore {
  readonly file: string;
  readonly org: string;
  #keys: ReadonlyMap<string, ApiKeyEntry> = new Map();
  #version = '';

  /** @throws {ConfigError} when the file exists but is not a key file of `org`. */
  constructor(file: string, org: string) {
    this.file = file;
    this.org = org;
    this.#refresh();
  }

  #refresh(): void {
    let version: string;
    try {
      const stat = statSync(this.file);
      version = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      version = 'missing';
    }
    if (version === this.#version) return;
    const content = readKeyFile(this.file, this.org);
    this.#keys = new Map(content.keys.map((entry) => [entry.id, entry]));
    this.#version = version;
  }

  /** The active keys (not revoked). */
  active(): ApiKeyEntry[] {
    this.#refresh();
    return [...this.#keys.values()].filter((entry) => entry.revokedAt === undefined);
  }

  /**
   * The entry of a presented key, or undefined when it is unknown, wrong or revoked.
   * A file that became unreadable keeps the keys last read (and the error goes to the caller).
   */
  authenticate(key: string): ApiKeyEntry | undefined {
    const match = KEY_PATTERN.exec(key);
    if (!match) return undefined;
    this.#refresh();
    const entry = this.#keys.get(match[1] ?? '');
    if (!entry || entry.revokedAt !== undefined) return undefined;
    const expected = Buffer.from(entry.sha256, 'hex');
    const actual = createHash('sha256').update(key, 'utf8').digest();
    return timingSafeEqual(expected, actual) ? entry : undefined;
  }
}
