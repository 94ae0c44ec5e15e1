/**
 * Fabric admin signing: an org's NodeOU admin (cryptogen `Admin@<org>`, in the org's own directory)
 * signs channel configuration updates, deliver requests and peer administration proposals. It is
 * not an ESTP role: the ESTP `admin` users are CA-enrolled clients and cannot change the channel.
 */
import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, msp } from '@hyperledger/fabric-protos';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { ConfigError } from '../gateway/errors';
import { fabricAdminIdentity } from '../gateway/identity';
import type { ConnectionProfile, OrgInfo } from '../gateway/profile';
import type { ClientSettings } from '../gateway/settings';

/** Who signs, and how. */
export interface AdminSigner {
  readonly mspId: string;
  /** The serialised `msp.SerializedIdentity`: the creator in every signature header. */
  readonly creator: Uint8Array;
  /** ECDSA (low-S) signature over SHA-256 of `message`, as Fabric verifies it. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** A signer from a PEM certificate and private key. */
export function newAdminSigner(mspId: string, certificatePem: string, privateKeyPem: string): AdminSigner {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(certificatePem));
  let sign: ReturnType<typeof signers.newPrivateKeySigner>;
  try {
    sign = signers.newPrivateKeySigner(createPrivateKey(privateKeyPem));
  } catch (cause) {
    throw new ConfigError(`the private key of ${mspId}'s Fabric admin is not usable: ${String(cause)}`, {
      cause,
    });
  }
  return {
    mspId,
    creator: identity.serializeBinary(),
    sign: (message) => sign(hash.sha256(message)),
  };
}

/** An org's Fabric admin at work: the org, its profile (orderers, peers) and its signer. */
export interface OrgAdmin {
  readonly profile: ConnectionProfile;
  readonly org: OrgInfo;
  readonly signer: AdminSigner;
}

/**
 * The Fabric admin of the settings' org, from the org's own directory (its MSP in
 * `<org home>/crypto/users/Admin@<domain>/msp`): a signature of an org only ever comes from files
 * in that org's directory.
 * @throws {ConfigError} when the org home has no Fabric admin or its files cannot be read.
 */
export function fabricAdminOf(settings: ClientSettings): OrgAdmin {
  const { certificate, privateKey } = fabricAdminIdentity(settings.orgHome, settings.org);
  return {
    profile: settings.profile,
    org: settings.org,
    signer: newAdminSigner(settings.org.mspId, certificate, privateKey),
  };
}

/** A fresh signature header (creator + 24-byte random nonce). */
export function newSignatureHeader(signer: AdminSigner): common.SignatureHeader {
  const header = new common.SignatureHeader();
  header.setCreator(signer.creator);
  header.setNonce(randomBytes(24));
  return header;
}

/** The MSP ID of a serialised identity, or undefined when it does not decode. */
export function mspIdOfCreator(creator: Uint8Array): string | undefined {
  try {
    return msp.SerializedIdentity.deserializeBinary(creator).getMspid() || undefined;
  } catch {
    return undefined;
  }
}
