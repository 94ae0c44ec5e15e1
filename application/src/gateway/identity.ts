/**
 * Client identities: an X.509 certificate (the Fabric `Identity`) and its private key (the
 * `Signer`), read from the org's wallet — or, for the org's Fabric admin, from its MSP directory.
 *
 * A wallet is a directory of `<label>.id` files, one JSON document per identity, the file-system
 * wallet format of the Fabric SDKs (fabric-network, fabric-samples' test-network-k8s):
 * `{ "credentials": { "certificate": PEM, "privateKey": PEM }, "mspId", "type": "X.509", "version": 1 }`.
 * Read and written here directly; wallets written by fabric-network stay readable, and the other
 * way round. Each org has its own wallet (`.fabric/orgs/<org>/wallet`, see ./settings.ts): the
 * users the network enrolled, its CA registrar, and identities enrolled by `estp identity enroll`.
 */
import { type Identity, type Signer, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from './errors';
import type { OrgInfo } from './profile';

/** A loaded identity with what is needed to sign as it. */
export interface SigningIdentity {
  readonly mspId: string;
  /** The user (wallet label). */
  readonly user: string;
  /** PEM certificate. */
  readonly certificate: string;
  /** PEM private key. */
  readonly privateKey: string;
}

/** The wallet file of `label`. */
function walletFile(directory: string, label: string): string {
  if (!/^[\w@.-]+$/.test(label) || label.startsWith('.')) {
    throw new ConfigError(`"${label}" is not a usable wallet label (letters, digits, _ - . @)`);
  }
  return path.join(directory, `${label}.id`);
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read ${what} ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** An identity from a certificate and key file. */
export function identityFromFiles(
  mspId: string,
  user: string,
  certPath: string,
  keyPath: string,
): SigningIdentity {
  return {
    mspId,
    user,
    certificate: readText(certPath, 'certificate'),
    privateKey: readText(keyPath, 'private key'),
  };
}

/**
 * An identity from a wallet entry; `undefined` when the wallet has no such label.
 * @throws {ConfigError} when the entry is not an X.509 identity in the wallet format.
 */
export function identityFromWallet(directory: string, user: string): SigningIdentity | undefined {
  const file = walletFile(directory, user);
  if (!existsSync(file)) return undefined;
  let entry: unknown;
  try {
    entry = JSON.parse(readText(file, 'wallet entry'));
  } catch (cause) {
    if (cause instanceof ConfigError) throw cause;
    throw new ConfigError(`wallet entry ${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  const invalid = (rule: string): never => {
    throw new ConfigError(`wallet entry ${file} ${rule}`);
  };
  if (typeof entry !== 'object' || entry === null) return invalid('must be a JSON object');
  const { type, mspId, credentials } = entry as Record<string, unknown>;
  if (type !== 'X.509') return invalid(`has type ${String(type)}; only X.509 is supported`);
  if (typeof mspId !== 'string' || mspId === '') return invalid('has no mspId');
  const { certificate, privateKey } = (credentials ?? {}) as Record<string, unknown>;
  if (typeof certificate !== 'string' || typeof privateKey !== 'string') {
    return invalid('must hold credentials.certificate and credentials.privateKey (PEM)');
  }
  return { mspId, user, certificate, privateKey };
}

/** Writes (replaces) wallet entry `identity.user`, readable by its owner only. Returns the file. */
export function writeWalletEntry(directory: string, identity: SigningIdentity): string {
  const file = walletFile(directory, identity.user);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  chmodSync(directory, 0o700);
  const entry = {
    credentials: { certificate: identity.certificate, privateKey: identity.privateKey },
    mspId: identity.mspId,
    type: 'X.509',
    version: 1,
  };
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, JSON.stringify(entry), { mode: 0o600 });
  renameSync(temporary, file);
  return file;
}

/**
 * Resolves `--user` in an org's wallet.
 * @throws {ConfigError} listing the wallet's labels when it has no such entry, or when the entry
 *   belongs to another org.
 */
export function resolveIdentity(wallet: string, org: OrgInfo, user: string): SigningIdentity {
  const identity = identityFromWallet(wallet, user);
  if (!identity) {
    const known = walletLabels(wallet);
    throw new ConfigError(
      `no identity "${user}" for ${org.mspId} in the wallet ${wallet}; ` +
        `known: ${known.join(', ') || 'none'} (enroll one with \`estp identity enroll\`)`,
    );
  }
  if (identity.mspId !== org.mspId) {
    throw new ConfigError(
      `wallet identity ${user} in ${wallet} belongs to ${identity.mspId}, not ${org.mspId}`,
    );
  }
  return identity;
}

/** The labels in a wallet directory, sorted. */
export function walletLabels(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.id'))
    .map((file) => file.slice(0, -'.id'.length))
    .sort();
}

/** The fabric-gateway `Identity` of a signing identity. */
export function gatewayIdentity(identity: SigningIdentity): Identity {
  return { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) };
}

/** The fabric-gateway `Signer` of a signing identity (ECDSA or Ed25519 key in PEM). */
export function gatewaySigner(identity: SigningIdentity): Signer {
  try {
    return signers.newPrivateKeySigner(createPrivateKey(identity.privateKey));
  } catch (cause) {
    throw new ConfigError(
      `the private key of ${identity.user} (${identity.mspId}) is not usable: ${(cause as Error).message}`,
      { cause },
    );
  }
}

/**
 * The org's Fabric admin (cryptogen `Admin@<domain>`, NodeOU admin) from its MSP directory in the
 * org home: `crypto/users/Admin@<domain>/msp`, one certificate in `signcerts/`, one key in
 * `keystore/`.
 * @throws {ConfigError} when the org home has no Fabric admin.
 */
export function fabricAdminIdentity(orgHome: string, org: OrgInfo): SigningIdentity {
  const users = path.join(orgHome, 'crypto', 'users');
  const admins = existsSync(users) ? readdirSync(users).filter((name) => name.startsWith('Admin@')) : [];
  if (admins.length !== 1) {
    throw new ConfigError(
      `no Fabric admin of ${org.mspId} in ${users} (expected one Admin@<domain>/msp): ` +
        "channel administration signs with the org's own Fabric admin, from the org's directory (ESTP_ORG_HOME)",
    );
  }
  const msp = path.join(users, admins[0] as string, 'msp');
  const only = (dir: string): string => {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    if (files.length !== 1) throw new ConfigError(`expected one file in ${dir}, found ${files.length}`);
    return path.join(dir, files[0] as string);
  };
  return identityFromFiles(
    org.mspId,
    admins[0] as string,
    only(path.join(msp, 'signcerts')),
    only(path.join(msp, 'keystore')),
  );
}
