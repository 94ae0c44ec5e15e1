/**
 * Identities and signatures, checked with Node's crypto only: a signer's X.509 certificate must be
 * issued (directly or through an intermediate CA) by a root CA of the MSP it claims, as the
 * channel configuration declares it, and its signature must verify over the signed bytes with the
 * certificate's public key (ECDSA with SHA-256 and a DER signature, low-S as Fabric requires;
 * Ed25519 for Fabric 3 identities).
 *
 * Not checked: certificate expiry and revocation lists (Fabric's validation does not reject
 * expired endorsers of already-committed blocks either), MSP admin/OU classification beyond the
 * certificate's OU names, and idemix identities.
 */
import { KeyObject, X509Certificate, verify as cryptoVerify } from 'node:crypto';
import type { Identity, MspDefinition } from './parse';

/** Order of the P-256 and P-384 groups: a valid Fabric ECDSA signature has s ≤ n/2. */
const CURVE_ORDERS: Readonly<Record<string, bigint>> = {
  prime256v1: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  secp384r1:
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
};

interface CachedCertificate {
  readonly certificate: X509Certificate | undefined;
  readonly problem: string | undefined;
}

/**
 * Verifies identities and signatures. MSP definitions come from the channel configuration
 * (`parseConfigMsps` of a config block, or given up front); until any is known, certificates are
 * only checked to parse and to verify their signatures (`anchored` is false).
 */
export class IdentityVerifier {
  private readonly msps = new Map<string, MspDefinition>();
  private readonly certificates = new Map<string, CachedCertificate>();
  private readonly chains = new Map<string, string | undefined>();
  private readonly caCertificates = new Map<
    string,
    { roots: X509Certificate[]; intermediates: X509Certificate[] }
  >();

  constructor(msps: Iterable<MspDefinition> = []) {
    this.addMsps(msps);
  }

  /** Adds or replaces (by MSP ID) MSP definitions, e.g. from a later config block. */
  addMsps(msps: Iterable<MspDefinition>): void {
    for (const definition of msps) {
      this.msps.set(definition.mspId, definition);
      this.caCertificates.delete(definition.mspId);
    }
    this.chains.clear();
  }

  /** Whether certificate chains are checked against MSP definitions. */
  get anchored(): boolean {
    return this.msps.size > 0;
  }

  /** The MSP IDs of orgs in the Orderer group of the known configuration. */
  ordererMsps(): string[] {
    return [...this.msps.values()].filter((definition) => definition.orderer).map((d) => d.mspId);
  }

  /** The certificate of an identity, or a problem when it does not parse. */
  certificateOf(identity: Identity): CachedCertificate {
    const key = Buffer.from(identity.idBytes).toString('latin1');
    let cached = this.certificates.get(key);
    if (!cached) {
      try {
        cached = { certificate: new X509Certificate(identity.idBytes), problem: undefined };
      } catch (error) {
        cached = { certificate: undefined, problem: `certificate does not parse: ${messageOf(error)}` };
      }
      this.certificates.set(key, cached);
    }
    return cached;
  }

  /**
   * Why `identity` is not a valid member of the MSP it claims, or undefined when it is (or when
   * no MSP definitions are known and its certificate parses).
   */
  checkIdentity(identity: Identity): string | undefined {
    const { certificate, problem } = this.certificateOf(identity);
    if (!certificate) return problem;
    if (!this.anchored) return undefined;
    const key = `${identity.mspId}\u0000${certificate.fingerprint256}`;
    if (this.chains.has(key)) return this.chains.get(key);
    const result = this.chainProblem(identity.mspId, certificate);
    this.chains.set(key, result);
    return result;
  }

  private chainProblem(mspId: string, certificate: X509Certificate): string | undefined {
    const cas = this.casOf(mspId);
    if (!cas) return `MSP ${mspId} is not in the channel configuration`;
    let current = certificate;
    for (let depth = 0; depth <= cas.intermediates.length; depth++) {
      if (cas.roots.some((root) => issuedBy(current, root))) return undefined;
      const next = cas.intermediates.find((intermediate) => issuedBy(current, intermediate));
      if (!next) break;
      current = next;
    }
    return `certificate ${subjectCn(certificate)} is not issued by a CA of ${mspId}`;
  }

  private casOf(mspId: string): { roots: X509Certificate[]; intermediates: X509Certificate[] } | undefined {
    const definition = this.msps.get(mspId);
    if (!definition) return undefined;
    let cas = this.caCertificates.get(mspId);
    if (!cas) {
      cas = {
        roots: parseCertificates(definition.rootCerts),
        intermediates: parseCertificates(definition.intermediateCerts),
      };
      this.caCertificates.set(mspId, cas);
    }
    return cas;
  }

  /**
   * Why `signature` by `identity` over `data` is not acceptable (the identity's problem, a bad
   * signature, a high-S ECDSA signature), or undefined when it verifies.
   */
  checkSignature(identity: Identity, data: Uint8Array, signature: Uint8Array): string | undefined {
    const identityProblem = this.checkIdentity(identity);
    if (identityProblem) return identityProblem;
    const certificate = this.certificateOf(identity).certificate;
    if (!certificate) return 'no certificate';
    return signatureProblem(certificate.publicKey, data, signature);
  }

  /** The OU names in the identity's certificate subject (NodeOU roles: peer, orderer, client, admin). */
  organizationalUnits(identity: Identity): string[] {
    const certificate = this.certificateOf(identity).certificate;
    if (!certificate) return [];
    return certificate.subject
      .split(/\n|\s\+\s/)
      .filter((part) => part.startsWith('OU='))
      .map((part) => part.slice(3));
  }
}

/** Why `signature` over `data` does not verify with `publicKey`, or undefined when it does. */
export function signatureProblem(
  publicKey: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): string | undefined {
  const type = publicKey.asymmetricKeyType;
  try {
    if (type === 'ed25519') {
      return cryptoVerify(null, data, publicKey, signature) ? undefined : 'signature does not verify';
    }
    if (type !== 'ec') return `unsupported key type ${type ?? 'unknown'}`;
    if (!cryptoVerify('sha256', data, publicKey, signature)) return 'signature does not verify';
    const curve = publicKey.asymmetricKeyDetails?.namedCurve ?? '';
    const order = CURVE_ORDERS[curve];
    const s = ecdsaS(signature);
    if (order !== undefined && s !== undefined && s > order / 2n) return 'ECDSA signature is not low-S';
    return undefined;
  } catch (error) {
    return `signature does not verify: ${messageOf(error)}`;
  }
}

/** The `s` of a DER `SEQUENCE { INTEGER r, INTEGER s }` ECDSA signature (short-form lengths). */
function ecdsaS(signature: Uint8Array): bigint | undefined {
  let offset = signature[1] !== undefined && signature[1] & 0x80 ? 2 + (signature[1] & 0x7f) : 2;
  if (signature[offset] !== 0x02) return undefined;
  offset += 2 + (signature[offset + 1] ?? 0); // skip r
  if (signature[offset] !== 0x02) return undefined;
  const length = signature[offset + 1] ?? 0;
  const bytes = signature.subarray(offset + 2, offset + 2 + length);
  return bytes.length === 0 ? undefined : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function parseCertificates(pems: readonly Uint8Array[]): X509Certificate[] {
  const certificates: X509Certificate[] = [];
  for (const pem of pems) {
    try {
      certificates.push(new X509Certificate(pem));
    } catch {
      // a CA certificate that does not parse anchors nothing
    }
  }
  return certificates;
}

function subjectCn(certificate: X509Certificate): string {
  const cn = certificate.subject.split('\n').find((part) => part.startsWith('CN='));
  return cn ? cn.slice(3) : certificate.subject.replace(/\n/g, ', ');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
