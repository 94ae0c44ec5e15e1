/**
 * A minimal X.509 v3 certificate builder for tests (Node's crypto can verify certificates but not
 * issue them): ECDSA P-256 keys, ecdsa-with-SHA256 signatures, subject C/O/OU/CN, and
 * basicConstraints for CAs. Enough for Fabric-style MSP identities: a CA per org, peers with
 * OU=peer, clients with OU=client, orderers with OU=orderer.
 */
import { type KeyObject, X509Certificate, generateKeyPairSync, sign } from 'node:crypto';
import { derInteger, derOctetString, derSequence } from '../../../../../application/src/audit';

/** A key pair and its PEM certificate. */
export interface Credentials {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** PEM bytes, as Fabric puts them in SerializedIdentity.id_bytes and MSP root_certs. */
  readonly certPem: Uint8Array;
  readonly certificate: X509Certificate;
  readonly subject: Name;
}

/** A distinguished name (the attributes given, in this order: C, O, OU, CN). */
export interface Name {
  readonly c?: string;
  readonly o?: string;
  readonly ou?: string;
  readonly cn: string;
}

function tlv(tag: number, contents: Uint8Array): Uint8Array {
  // derOctetString gives 04 <len> <contents>: reuse its length encoding for any tag
  const octets = derOctetString(contents);
  octets[0] = tag;
  return octets;
}

function oid(dotted: string): Uint8Array {
  const parts = dotted.split('.').map(Number);
  const bytes: number[] = [40 * parts[0]! + parts[1]!];
  for (const part of parts.slice(2)) {
    const groups: number[] = [];
    let rest = part;
    do {
      groups.unshift(rest & 0x7f);
      rest = Math.floor(rest / 128);
    } while (rest > 0);
    bytes.push(...groups.map((group, i) => (i < groups.length - 1 ? group | 0x80 : group)));
  }
  return tlv(0x06, Uint8Array.from(bytes));
}

const utf8 = (text: string) => tlv(0x0c, new TextEncoder().encode(text));
const printable = (text: string) => tlv(0x13, new TextEncoder().encode(text));
const set = (...elements: Uint8Array[]) => {
  const inner = derSequence(...elements);
  inner[0] = 0x31;
  return inner;
};
const explicit = (tagNumber: number, inner: Uint8Array) => tlv(0xa0 | tagNumber, inner);
const bitString = (bytes: Uint8Array) => tlv(0x03, Uint8Array.from([0, ...bytes]));
const utcTime = (date: Date) => {
  const pad = (n: number) => String(n).padStart(2, '0');
  const text =
    pad(date.getUTCFullYear() % 100) +
    pad(date.getUTCMonth() + 1) +
    pad(date.getUTCDate()) +
    pad(date.getUTCHours()) +
    pad(date.getUTCMinutes()) +
    pad(date.getUTCSeconds()) +
    'Z';
  return tlv(0x17, new TextEncoder().encode(text));
};

function name(subject: Name): Uint8Array {
  const rdns: Uint8Array[] = [];
  if (subject.c !== undefined) rdns.push(set(derSequence(oid('2.5.4.6'), printable(subject.c))));
  if (subject.o !== undefined) rdns.push(set(derSequence(oid('2.5.4.10'), utf8(subject.o))));
  if (subject.ou !== undefined) rdns.push(set(derSequence(oid('2.5.4.11'), utf8(subject.ou))));
  rdns.push(set(derSequence(oid('2.5.4.3'), utf8(subject.cn))));
  return derSequence(...rdns);
}

const ECDSA_WITH_SHA256 = derSequence(oid('1.2.840.10045.4.3.2'));
let serial = 1000;

/**
 * Issues a certificate for a new P-256 key: self-signed when `issuer` is absent (a root CA), else
 * signed by the issuer's key. `ca` adds basicConstraints CA:TRUE and keyUsage keyCertSign.
 */
export function issue(subject: Name, issuer?: Credentials, ca = false): Credentials {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const extensions = ca
    ? [
        // basicConstraints (critical) CA:TRUE
        derSequence(
          oid('2.5.29.19'),
          tlv(0x01, Uint8Array.of(0xff)),
          derOctetString(derSequence(tlv(0x01, Uint8Array.of(0xff)))),
        ),
        // keyUsage (critical) digitalSignature | keyCertSign | cRLSign
        derSequence(
          oid('2.5.29.15'),
          tlv(0x01, Uint8Array.of(0xff)),
          derOctetString(tlv(0x03, Uint8Array.of(1, 0x86))),
        ),
      ]
    : [
        // keyUsage (critical) digitalSignature
        derSequence(
          oid('2.5.29.15'),
          tlv(0x01, Uint8Array.of(0xff)),
          derOctetString(tlv(0x03, Uint8Array.of(7, 0x80))),
        ),
      ];
  const now = Date.UTC(2025, 0, 1);
  const tbs = derSequence(
    explicit(0, derInteger(2)),
    derInteger(serial++),
    ECDSA_WITH_SHA256,
    name(issuer?.subject ?? subject),
    derSequence(utcTime(new Date(now)), utcTime(new Date(now + 20 * 365 * 86_400_000))),
    name(subject),
    new Uint8Array(spki),
    explicit(3, derSequence(...extensions)),
  );
  const signature = sign('sha256', tbs, issuer?.privateKey ?? privateKey);
  const der = derSequence(tbs, ECDSA_WITH_SHA256, bitString(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/.{64}/g, '$&\n')
    .replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const certPem = new TextEncoder().encode(pem);
  return { privateKey, publicKey, certPem, certificate: new X509Certificate(certPem), subject };
}
