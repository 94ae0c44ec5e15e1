/**
 * Fabric admin signing: an org's NodeOU admin (cryptogen `Admin@<org>`, `fabricAdmin` in
 * connection.json) signs channel configuration updates, deliver requests and peer administration
 * proposals. It is not an ESTP role: the ESTP `admin` users are CA-enrolled clients and cannot
 * change the channel.
 */
import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, msp } from '@hyperledger/fabric-protos';
import { createPrivateKey, randomBytes } from 'node:crypto';
import type { OrgInfo } from '../gateway/connection';
import { ConfigError } from '../gateway/errors';
import { identityFromFiles } from '../gateway/identity';

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

/**
 * The Fabric admin of an org, from connection.json's `fabricAdmin`.
 * @throws {ConfigError} when the org has none or its files cannot be read.
 */
export function fabricAdminOf(org: OrgInfo): AdminSigner {
  if (!org.fabricAdmin) {
    throw new ConfigError(
      `connection.json names no fabricAdmin for ${org.mspId}: channel administration needs the org's Fabric admin`,
    );
  }
  const { certificate, privateKey } = identityFromFiles(
    org.mspId,
    'fabricAdmin',
    org.fabricAdmin.certPath,
    org.fabricAdmin.keyPath,
  );
  return newAdminSigner(org.mspId, certificate, privateKey);
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
