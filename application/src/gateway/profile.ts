/**
 * Fabric common connection profiles: the JSON format of test-network's `connection-org1.json`,
 * which `npm run network:up` writes per org (`.fabric/orgs/<org>/connection-<org>.json`) and which
 * any Fabric SDK or Hyperledger Explorer reads. A profile names its org (`client.organization`),
 * the channel with its orderers and chaincode, the peers of the member orgs and the org's CA, with
 * their TLS roots (inline `pem`, or a `path` relative to the profile). It holds no private key and
 * no registrar secret: identities come from the org's wallet (./identity.ts).
 *
 * A profile is validated when loaded, so a broken or stale file fails once with a message naming
 * the field, not later with an obscure gRPC error.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './errors';

export interface PeerInfo {
  /** host:port of the peer's gRPC endpoint (its gateway service). */
  readonly endpoint: string;
  /** The name the peer's TLS certificate must carry (`grpc.ssl_target_name_override`). */
  readonly hostAlias: string;
  /** PEM of the TLS root the peer's certificate chains to. */
  readonly tlsRootCert: string;
}

export interface CaInfo {
  readonly url: string;
  readonly caName: string;
  /** PEM of the TLS root of the CA's HTTPS certificate. */
  readonly tlsRootCert: string;
}

export interface OrgInfo {
  readonly mspId: string;
  /** Short name, the profile's organisation key in lower case: `utility`, `enterprise`, `community`. */
  readonly name: string;
  /** The org's peers; the first is the gateway its clients connect to. */
  readonly peers: readonly PeerInfo[];
  /** The gateway peer (the first of `peers`). */
  readonly peer: PeerInfo;
  /** The org's CA, in the org's own profile. */
  readonly ca?: CaInfo;
}

export interface OrdererInfo {
  readonly endpoint: string;
  readonly hostAlias: string;
  readonly tlsRootCert: string;
}

/** A validated connection profile. */
export interface ConnectionProfile {
  /** The file it was loaded from (absolute). */
  readonly file: string;
  readonly channel: string;
  readonly chaincode: string;
  /** The MSP ID of the org whose profile it is (`client.organization`). */
  readonly clientMspId: string;
  /** Orgs by MSP ID: the channel's members whose peers the profile names. */
  readonly orgs: Readonly<Record<string, OrgInfo>>;
  readonly orderers: readonly OrdererInfo[];
}

/** The default chaincode when the profile's channel names none. */
const DEFAULT_CHAINCODE = 'estp';

/**
 * Reads and validates a connection profile.
 * @throws {ConfigError} when the file is missing ("network not running?"), not JSON, or invalid.
 */
export function loadProfile(file: string): ConnectionProfile {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new ConfigError(
      missing
        ? `no connection profile at ${absolute}: network not running? run \`npm run network:up\``
        : `cannot read connection profile ${absolute}: ${(cause as Error).message}`,
      { cause },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`${absolute} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return parseProfile(raw, absolute);
}

/**
 * Validates a parsed connection profile. TLS roots given as `path` are read relative to the
 * directory of `file`.
 * @throws {ConfigError} naming the first invalid field, e.g. `peers.peer0.utility.estp.local.url`.
 */
export function parseProfile(raw: unknown, file: string): ConnectionProfile {
  const reader: Reader = new Reader(file);
  const root = reader.object(raw, '');
  const channels = reader.object(root['channels'], 'channels');
  const channelNames = Object.keys(channels);
  if (channelNames.length !== 1) reader.fail('channels', 'must name exactly one channel');
  const channel = channelNames[0] as string;
  const channelRaw = reader.object(channels[channel], `channels.${channel}`);
  const chaincodes = reader.strings(channelRaw['chaincodes'] ?? [], `channels.${channel}.chaincodes`);
  // The old SDKs' "name:version" form names the chaincode before the colon.
  const chaincode = (chaincodes[0] ?? DEFAULT_CHAINCODE).split(':')[0] as string;

  const peersRaw = reader.object(root['peers'] ?? {}, 'peers');
  const peerOf = (alias: string, where: string): PeerInfo => {
    if (peersRaw[alias] === undefined)
      reader.fail(where, `names peer "${alias}", which peers does not define`);
    return reader.node(peersRaw[alias], `peers.${alias}`, alias);
  };
  const casRaw = reader.object(root['certificateAuthorities'] ?? {}, 'certificateAuthorities');

  const organizations = reader.object(root['organizations'], 'organizations');
  const orgs: Record<string, OrgInfo> = {};
  for (const key of Object.keys(organizations).sort()) {
    const where = `organizations.${key}`;
    const org = reader.object(organizations[key], where);
    const mspId = reader.text(org['mspid'], `${where}.mspid`);
    const peers = reader
      .strings(org['peers'] ?? [], `${where}.peers`)
      .map((alias, index) => peerOf(alias, `${where}.peers[${index}]`));
    const [peer] = peers;
    if (!peer) reader.fail(`${where}.peers`, 'must name at least one peer');
    const [caName] = reader.strings(org['certificateAuthorities'] ?? [], `${where}.certificateAuthorities`);
    orgs[mspId] = {
      mspId,
      name: key.toLowerCase(),
      peers,
      peer,
      ...(caName === undefined ? {} : { ca: reader.ca(casRaw[caName], `certificateAuthorities.${caName}`) }),
    };
  }
  if (Object.keys(orgs).length === 0) reader.fail('organizations', 'must name at least one org');

  const client = reader.object(root['client'], 'client');
  const clientKey = reader.text(client['organization'], 'client.organization');
  const clientOrg = organizations[clientKey];
  if (clientOrg === undefined) {
    reader.fail('client.organization', `names "${clientKey}", which organizations does not define`);
  }
  const clientMspId = reader.text(reader.object(clientOrg, `organizations.${clientKey}`)['mspid'], 'mspid');

  const orderersRaw = reader.object(root['orderers'] ?? {}, 'orderers');
  const ordererNames = reader.strings(
    channelRaw['orderers'] ?? Object.keys(orderersRaw),
    `channels.${channel}.orderers`,
  );
  const orderers = ordererNames.map((alias) => {
    if (orderersRaw[alias] === undefined) {
      reader.fail(`channels.${channel}.orderers`, `names orderer "${alias}", which orderers does not define`);
    }
    return reader.node(orderersRaw[alias], `orderers.${alias}`, alias);
  });

  return { file, channel, chaincode, clientMspId, orgs, orderers };
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
    throw new ConfigError(`invalid connection profile ${this.#file}: ${field} ${rule}`);
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

  strings(value: unknown, where: string): string[] {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      this.fail(where, 'must be an array of names');
    }
    return value as string[];
  }

  /** `grpcs://host:port` (or `grpc://`, or a bare host:port) → host:port. */
  endpoint(value: unknown, where: string): string {
    const text = this.text(value, where);
    const endpoint = text.replace(/^grpcs?:\/\//, '');
    if (!/^[^\s:/]+:\d{1,5}$/.test(endpoint)) this.fail(where, `must be grpcs://host:port, got "${text}"`);
    return endpoint;
  }

  url(value: unknown, where: string): string {
    const text = this.text(value, where);
    if (!/^https?:\/\/[^\s/]+/.test(text)) this.fail(where, `must be an http(s) URL, got "${text}"`);
    return text;
  }

  /** `tlsCACerts`: `{ pem: "…" | ["…"] }` or `{ path: "…" }` (relative to the profile). */
  tlsRoot(value: unknown, where: string): string {
    const certs = this.object(value, where);
    const pem = certs['pem'];
    if (typeof pem === 'string' && pem.includes('-----BEGIN CERTIFICATE-----')) return pem;
    if (Array.isArray(pem) && pem.length > 0 && pem.every((item) => typeof item === 'string')) {
      return pem.join('\n');
    }
    if (certs['path'] !== undefined) {
      const file = path.resolve(this.#dir, this.text(certs['path'], `${where}.path`));
      try {
        return readFileSync(file, 'utf8');
      } catch (cause) {
        throw new ConfigError(
          `invalid connection profile ${this.#file}: ${where}.path: cannot read ${file}: ${(cause as Error).message}`,
          { cause },
        );
      }
    }
    return this.fail(where, 'must have a PEM certificate (pem) or a file (path)');
  }

  /** A peer or an orderer: url, tlsCACerts, grpcOptions['ssl-target-name-override']. */
  node(value: unknown, where: string, alias: string): PeerInfo {
    const node = this.object(value, where);
    const options = this.object(node['grpcOptions'] ?? {}, `${where}.grpcOptions`);
    const override = options['ssl-target-name-override'] ?? options['hostnameOverride'];
    return {
      endpoint: this.endpoint(node['url'], `${where}.url`),
      hostAlias: override === undefined ? alias : this.text(override, `${where}.grpcOptions`),
      tlsRootCert: this.tlsRoot(node['tlsCACerts'], `${where}.tlsCACerts`),
    };
  }

  ca(value: unknown, where: string): CaInfo {
    const ca = this.object(value, where);
    return {
      url: this.url(ca['url'], `${where}.url`),
      caName: this.text(ca['caName'], `${where}.caName`),
      tlsRootCert: this.tlsRoot(ca['tlsCACerts'], `${where}.tlsCACerts`),
    };
  }
}

/**
 * An org of the profile by short name (`community`) or MSP ID (`CommunityMSP`), case-insensitively.
 * @throws {ConfigError} listing the known orgs.
 */
export function resolveOrg(profile: ConnectionProfile, org: string): OrgInfo {
  const wanted = org.toLowerCase();
  const found = Object.values(profile.orgs).find(
    (candidate) => candidate.mspId.toLowerCase() === wanted || candidate.name === wanted,
  );
  if (!found) {
    const known = Object.values(profile.orgs)
      .map((candidate) => `${candidate.name} (${candidate.mspId})`)
      .join(', ');
    throw new ConfigError(`unknown org "${org}" in ${profile.file}; known: ${known}`);
  }
  return found;
}

/** The org whose profile it is. */
export function clientOrg(profile: ConnectionProfile): OrgInfo {
  return resolveOrg(profile, profile.clientMspId);
}
