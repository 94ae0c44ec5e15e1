/**
 * Client identities: an X.509 certificate (the Fabric `Identity`) and its private key (the
 * `Signer`), read from PEM files named by the connection description or from a wallet.
 *
 * Wallets use fabric-network's file-system format (`<dir>/<label>.id`, one JSON document per
 * identity), one wallet per org under `.fabric/wallet/<org>/`, so identities enrolled by
 * `estp identity enroll` are found by `--user` before the users the network enrolled.
 */
import { type Identity, type Signer, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Wallet, X509Identity } from 'fabric-network';
import type { ConnectionInfo, OrgInfo } from './connection';
import { ConfigError } from './errors';

/** A loaded identity with what is needed to sign as it. */
export interface SigningIdentity {
  readonly mspId: string;
  /** The user (wallet label or connection.json user name). */
  readonly user: string;
  /** PEM certificate. */
  readonly certificate: string;
  /** PEM private key. */
  readonly privateKey: string;
  /** Where it came from. */
  readonly source: 'wallet' | 'connection';
}

/** The wallet root: `ESTP_WALLET`, else `wallet/` next to the connection description. */
export function walletRoot(connection: ConnectionInfo, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env['ESTP_WALLET'] ?? path.join(path.dirname(connection.file), 'wallet'));
}

/** The wallet directory of one org: `<root>/<org name>`. */
export function walletDir(root: string, org: OrgInfo): string {
  return path.join(root, org.name);
}

/** Opens (creating when needed) the file-system wallet of an org. fabric-network loads lazily. */
export async function openWallet(directory: string): Promise<Wallet> {
  const { Wallets } = await import('fabric-network');
  return Wallets.newFileSystemWallet(directory);
}

function readPem(file: string, what: string): string {
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
    certificate: readPem(certPath, 'certificate'),
    privateKey: readPem(keyPath, 'private key'),
    source: 'connection',
  };
}

/** An identity from a wallet entry; `undefined` when the wallet has no such label. */
export async function identityFromWallet(
  directory: string,
  user: string,
): Promise<SigningIdentity | undefined> {
  // Avoid loading fabric-network (slow) when the wallet plainly has no entry for the label.
  if (!existsSync(path.join(directory, `${user}.id`))) return undefined;
  const wallet = await openWallet(directory);
  const entry = await wallet.get(user);
  if (entry === undefined) return undefined;
  if (entry.type !== 'X.509') {
    throw new ConfigError(
      `wallet identity ${user} in ${directory} has type ${entry.type}; only X.509 is supported`,
    );
  }
  const x509 = entry as X509Identity;
  return {
    mspId: x509.mspId,
    user,
    certificate: x509.credentials.certificate,
    privateKey: x509.credentials.privateKey,
    source: 'wallet',
  };
}

/**
 * Resolves `--user` for an org: the org's wallet first, then the users in the connection
 * description.
 * @throws {ConfigError} listing the users known in both places.
 */
export async function resolveIdentity(
  connection: ConnectionInfo,
  org: OrgInfo,
  user: string,
  root: string = walletRoot(connection),
): Promise<SigningIdentity> {
  const directory = walletDir(root, org);
  const fromWallet = await identityFromWallet(directory, user);
  if (fromWallet) {
    if (fromWallet.mspId !== org.mspId) {
      throw new ConfigError(
        `wallet identity ${user} in ${directory} belongs to ${fromWallet.mspId}, not ${org.mspId}`,
      );
    }
    return fromWallet;
  }
  const info = org.users[user];
  if (info) return identityFromFiles(org.mspId, user, info.certPath, info.keyPath);

  const known = [...new Set([...Object.keys(org.users), ...walletLabels(directory)])].sort();
  throw new ConfigError(
    `no identity "${user}" for ${org.mspId} in the wallet ${directory} or ${connection.file}; ` +
      `known: ${known.join(', ') || 'none'} (enroll one with \`estp identity enroll\`)`,
  );
}

/** The labels in a file-system wallet directory, without loading fabric-network. */
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
      {
        cause,
      },
    );
  }
}
