/**
 * Real X.509 client identities for the in-memory stub: an ECDSA P-256 certificate per identity,
 * signed by a per-MSP test CA, carrying the Fabric CA attribute extension (OID 1.2.3.4.5.6.7.8.1,
 * JSON `{"attrs":{…}}`) exactly as `fabric-ca-client enroll` issues it. fabric-shim's own
 * `ClientIdentity` parses these certificates, so the chaincode's role checks run unmodified.
 * Keys and certificates are cached per process: each distinct identity costs one signature.
 */
import 'reflect-metadata'; // tsyringe, used by @peculiar/x509, needs the Reflect polyfill first
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Fabric CA's attribute extension OID (`attrmgr.AttrOID`). */
export const FABRIC_ATTR_OID = '1.2.3.4.5.6.7.8.1';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2035-01-01T00:00:00Z');

/** A client identity the tests act as: what the peer would see as the proposal's creator. */
export interface TestIdentity {
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly roles: readonly string[];
  /** `<mspId>:<enrollmentId>`, the participant ID the chaincode derives from the certificate. */
  readonly participantId: string;
  /** The PEM certificate, as in `SerializedIdentity.id_bytes`. */
  readonly certificatePem: string;
}

/** Options for unusual certificates (edge-case tests of the identity parsing). */
export interface IdentityOptions {
  /** Extra or replacing Fabric CA attributes. */
  readonly attrs?: Record<string, string>;
  /** Leave out `hf.EnrollmentID` (the chaincode then falls back to the CN). */
  readonly withoutEnrollmentIdAttr?: boolean;
  /** Leave out the attribute extension altogether (a cryptogen-style certificate). */
  readonly withoutAttributes?: boolean;
}

interface TestCa {
  readonly name: string;
  readonly keys: CryptoKeyPair;
  readonly certificate: x509.X509Certificate;
}

const cas = new Map<string, Promise<TestCa>>();
const identities = new Map<string, Promise<TestIdentity>>();
let serial = 0;

function nextSerial(): string {
  serial += 1;
  return (0x1000 + serial).toString(16);
}

function orgName(mspId: string): string {
  return mspId.replace(/MSP$/, '').toLowerCase();
}

async function createCa(mspId: string): Promise<TestCa> {
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const name = `C=US, ST=North Carolina, O=${orgName(mspId)}.estp.test, CN=ca.${orgName(mspId)}.estp.test`;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: nextSerial(),
    name,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { name, keys, certificate };
}

/** The test CA of an MSP (created on first use). */
export function testCa(mspId: string): Promise<TestCa> {
  let ca = cas.get(mspId);
  if (!ca) {
    ca = createCa(mspId);
    cas.set(mspId, ca);
  }
  return ca;
}

async function createIdentity(
  mspId: string,
  enrollmentId: string,
  roles: readonly string[],
  options: IdentityOptions,
): Promise<TestIdentity> {
  const ca = await testCa(mspId);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const attrs: Record<string, string> = {
    'hf.Affiliation': '',
    'hf.EnrollmentID': enrollmentId,
    'hf.Type': 'client',
  };
  if (roles.length > 0) attrs['estp.role'] = roles.join(',');
  if (options.withoutEnrollmentIdAttr) delete attrs['hf.EnrollmentID'];
  Object.assign(attrs, options.attrs);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
  ];
  if (!options.withoutAttributes) {
    // The raw JSON is the extension value (not DER-wrapped), as Fabric CA writes it.
    extensions.push(new x509.Extension(FABRIC_ATTR_OID, false, Buffer.from(JSON.stringify({ attrs }))));
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: nextSerial(),
    subject: `OU=client, CN=${enrollmentId}`,
    issuer: ca.certificate.subject,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return {
    mspId,
    enrollmentId,
    roles: [...roles],
    participantId: `${mspId}:${enrollmentId}`,
    certificatePem: certificate.toString('pem'),
  };
}

/**
 * The identity `(mspId, enrollmentId, roles)` with a real certificate, cached per process (the
 * same arguments return the same certificate).
 */
export function testIdentity(
  mspId: string,
  enrollmentId: string,
  roles: readonly string[],
  options: IdentityOptions = {},
): Promise<TestIdentity> {
  const cacheKey = JSON.stringify([mspId, enrollmentId, roles, options]);
  let identity = identities.get(cacheKey);
  if (!identity) {
    identity = createIdentity(mspId, enrollmentId, roles, options);
    identities.set(cacheKey, identity);
  }
  return identity;
}
