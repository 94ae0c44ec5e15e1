/**
 * The connection description of an ESTP network: `.fabric/connection.json`, written by
 * `npm run network:up`. It names the channel and chaincode and, per org, the peer (gateway), the CA,
 * the enrolled users and the Fabric admin. It is validated when loaded, so a broken or stale file
 * fails once with a message naming the field, not later with an obscure gRPC error.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './errors';

export interface PeerInfo {
  /** host:port of the peer's gRPC endpoint (its gateway service). */
  readonly endpoint: string;
  /** A name in the peer's TLS server certificate (`grpc.ssl_target_name_override`). */
  readonly hostAlias: string;
  readonly tlsRootCertPath: string;
  /** Operations service URL (`/healthz`, `/metrics`), when known. */
  readonly operations?: string;
}

export interface CaInfo {
  readonly url: string;
  readonly caName: string;
  readonly tlsRootCertPath: string;
  /** The CA's bootstrap registrar, allowed to register new identities. */
  readonly registrar?: { readonly enrollmentId: string; readonly enrollmentSecret: string };
}

export interface UserInfo {
  readonly certPath: string;
  readonly keyPath: string;
  /** The ESTP roles in the certificate attribute `estp.role`. */
  readonly roles: readonly string[];
}

export interface OrgInfo {
  readonly mspId: string;
  /** Short name: `utility`, `enterprise`, `community`. */
  readonly name: string;
  readonly peer: PeerInfo;
  readonly ca?: CaInfo;
  readonly users: Readonly<Record<string, UserInfo>>;
  /** The org's Fabric (NodeOU) admin, for channel and lifecycle work; not an ESTP role. */
  readonly fabricAdmin?: { readonly certPath: string; readonly keyPath: string; readonly mspPath: string };
}

export interface OrdererInfo {
  readonly endpoint: string;
  readonly hostAlias: string;
  readonly tlsRootCertPath: string;
  readonly adminEndpoint?: string;
}

/** A validated connection description. Paths are absolute. */
export interface ConnectionInfo {
  /** The file it was loaded from (absolute). */
  readonly file: string;
  readonly channel: string;
  readonly chaincode: string;
  /** Orgs by MSP ID. */
  readonly orgs: Readonly<Record<string, OrgInfo>>;
  readonly orderers: readonly OrdererInfo[];
  readonly binDir?: string;
  readonly fabricCfgPath?: string;
}

/** `<repo>/.fabric/connection.json`, relative to this package (application/dist/gateway → repo). */
export const DEFAULT_CONNECTION_FILE = path.resolve(__dirname, '../../../.fabric/connection.json');

/**
 * The connection file to use: an explicit path (`--connection`), else `ESTP_CONNECTION`, else
 * `<repo>/.fabric/connection.json`.
 */
export function connectionFilePath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env['ESTP_CONNECTION'] ?? DEFAULT_CONNECTION_FILE;
  return path.resolve(chosen);
}

/**
 * Reads and validates a connection description.
 * @param file defaults to {@link connectionFilePath}().
 * @throws {ConfigError} when the file is missing ("network not running?"), not JSON, or invalid.
 */
export function loadConnection(file: string = connectionFilePath()): ConnectionInfo {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing
        ? `no connection description at ${absolute}: network not running? run \`npm run network:up\``
        : `cannot read connection description ${absolute}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${absolute} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseConnection(raw, absolute);
}

/**
 * Validates a parsed connection description. Relative paths are resolved against the directory of
 * `file`.
 * @throws {ConfigError} naming the first invalid field, e.g. `orgs.UtilityMSP.peer.endpoint`.
 */
export function parseConnection(raw: unknown, file: string): ConnectionInfo {
  const reader = new Reader(file);
  const root = reader.object(raw, '');
  const orgsRaw = reader.object(root['orgs'], 'orgs');
  const orgs: Record<string, OrgInfo> = {};
  for (const key of Object.keys(orgsRaw).sort()) {
    orgs[key] = reader.org(orgsRaw[key], `orgs.${key}`, key);
  }
  if (Object.keys(orgs).length === 0) reader.fail('orgs', 'must name at least one org');

  const orderersRaw = root['orderers'] ?? [];
  if (!Array.isArray(orderersRaw)) reader.fail('orderers', 'must be an array');
  const orderers = (orderersRaw as unknown[]).map((orderer, index) => {
    const where = `orderers[${index}]`;
    const value = reader.object(orderer, where);
    return {
      endpoint: reader.endpoint(value['endpoint'], `${where}.endpoint`),
      hostAlias: reader.text(value['hostAlias'], `${where}.hostAlias`),
      tlsRootCertPath: reader.path(value['tlsRootCertPath'], `${where}.tlsRootCertPath`),
      ...reader.optionalText(value, 'adminEndpoint', where),
    };
  });

  return {
    file,
    channel: reader.text(root['channel'], 'channel'),
    chaincode: reader.text(root['chaincode'], 'chaincode'),
    orgs,
    orderers,
    ...(root['binDir'] === undefined ? {} : { binDir: reader.path(root['binDir'], 'binDir') }),
    ...(root['fabricCfgPath'] === undefined
      ? {}
      : { fabricCfgPath: reader.path(root['fabricCfgPath'], 'fabricCfgPath') }),
  };
}

/** Field readers that throw a {@link ConfigError} naming the file and the field path. */
class Reader {
  readonly #file: string;
  readonly #dir: string;

  constructor(file: string) {
    this.#file = file;
    this.#dir = path.dirname(file);
  }

  fail(where: string, rule: string): never {
    const field = where === '' ? 'the top level' : where;
    throw new ConfigError(`invalid connection description ${this.#file}: ${field} ${rule}`);
  }

  object(value: unknown, where: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.fail(where, 'must be an object');
    return value as Record<string, unknown>;
  }

  text(value: unknown, where: string): string {
    if (typeof value !== 'string' || value.trim() === '') this.fail(where, 'must be a non-empty string');
    return value;
  }

  optionalText<K extends string>(
    value: Record<string, unknown>,
    key: K,
    where: string,
  ): { [P in K]?: string } {
    if (value[key] === undefined) return {};
    return { [key]: this.text(value[key], `${where}.${key}`) } as { [P in K]?: string };
  }

  endpoint(value: unknown, where: string): string {
    const text = this.text(value, where);
    if (!/^[^\s:/]+:\d{1,5}$/.test(text)) this.fail(where, `must be host:port, got "${text}"`);
    return text;
  }

  url(value: unknown, where: string): string {
    const text = this.text(value, where);
    if (!/^https?:\/\/[^\s/]+/.test(text)) this.fail(where, `must be an http(s) URL, got "${text}"`);
    return text;
  }

  path(value: unknown, where: string): string {
    return path.resolve(this.#dir, this.text(value, where));
  }

  org(value: unknown, where: string, key: string): OrgInfo {
    const org = this.object(value, where);
    const mspId = this.text(org['mspId'], `${where}.mspId`);
    if (mspId !== key) this.fail(`${where}.mspId`, `must equal its key "${key}", got "${mspId}"`);

    const peerRaw = this.object(org['peer'], `${where}.peer`);
    const peer: PeerInfo = {
      endpoint: this.endpoint(peerRaw['endpoint'], `${where}.peer.endpoint`),
      hostAlias: this.text(peerRaw['hostAlias'], `${where}.peer.hostAlias`),
      tlsRootCertPath: this.path(peerRaw['tlsRootCertPath'], `${where}.peer.tlsRootCertPath`),
      ...this.optionalText(peerRaw, 'operations', `${where}.peer`),
    };

    const usersRaw = this.object(org['users'] ?? {}, `${where}.users`);
    const users: Record<string, UserInfo> = {};
    for (const name of Object.keys(usersRaw).sort()) {
      const at = `${where}.users.${name}`;
      const user = this.object(usersRaw[name], at);
      const roles = user['roles'] ?? [];
      if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
        this.fail(`${at}.roles`, 'must be an array of strings');
      }
      users[name] = {
        certPath: this.path(user['certPath'], `${at}.certPath`),
        keyPath: this.path(user['keyPath'], `${at}.keyPath`),
        roles,
      };
    }

    return {
      mspId,
      name: this.text(org['name'], `${where}.name`),
      peer,
      users,
      ...(org['ca'] === undefined ? {} : { ca: this.ca(org['ca'], `${where}.ca`) }),
      ...(org['fabricAdmin'] === undefined
        ? {}
        : { fabricAdmin: this.fabricAdmin(org['fabricAdmin'], `${where}.fabricAdmin`) }),
    };
  }

  ca(value: unknown, where: string): CaInfo {
    const ca = this.object(value, where);
    const registrarRaw = ca['registrar'];
    let registrar: CaInfo['registrar'];
    if (registrarRaw !== undefined) {
      const r = this.object(registrarRaw, `${where}.registrar`);
      registrar = {
        enrollmentId: this.text(r['enrollmentId'], `${where}.registrar.enrollmentId`),
        enrollmentSecret: this.text(r['enrollmentSecret'], `${where}.registrar.enrollmentSecret`),
      };
    }
    return {
      url: this.url(ca['url'], `${where}.url`),
      caName: this.text(ca['caName'], `${where}.caName`),
      tlsRootCertPath: this.path(ca['tlsRootCertPath'], `${where}.tlsRootCertPath`),
      ...(registrar ? { registrar } : {}),
    };
  }

  fabricAdmin(value: unknown, where: string): NonNullable<OrgInfo['fabricAdmin']> {
    const admin = this.object(value, where);
    return {
      certPath: this.path(admin['certPath'], `${where}.certPath`),
      keyPath: this.path(admin['keyPath'], `${where}.keyPath`),
      mspPath: this.path(admin['mspPath'], `${where}.mspPath`),
    };
  }
}

/**
 * An org by short name (`community`), MSP ID (`CommunityMSP`), case-insensitively.
 * @throws {ConfigError} listing the known orgs.
 */
export function resolveOrg(connection: ConnectionInfo, org: string): OrgInfo {
  const wanted = org.toLowerCase();
  const found = Object.values(connection.orgs).find(
    (candidate) => candidate.mspId.toLowerCase() === wanted || candidate.name.toLowerCase() === wanted,
  );
  if (!found) {
    const known = Object.values(connection.orgs)
      .map((candidate) => `${candidate.name} (${candidate.mspId})`)
      .join(', ');
    throw new ConfigError(`unknown org "${org}"; known: ${known}`);
  }
  return found;
}
