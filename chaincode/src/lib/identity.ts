/**
 * The caller's parsed certificate, cached per process by its exact bytes.
 *
 * fabric-contract-api parses the creator's X.509 certificate (PEM → ASN.1 → subject, issuer and
 * the `hf.*`/`estp.role` attribute extension) for every transaction, and a trader sends the same
 * certificate with every one of them. {@link identityOf} parses it with fabric-shim's own
 * `ClientIdentity` (so the result is exactly what the contract API would give) and keeps the result
 * keyed by the creator's MSP ID and the certificate's complete bytes: the same bytes always parse
 * to the same identity, so the cache changes no result, only how often it is computed. Two
 * certificates that differ in any byte — a dishonest org's second certificate with the same
 * subject and other attributes, say — are two keys, each parsed from its own bytes. The cache holds
 * at most {@link IDENTITY_CACHE_SIZE} certificates, dropping the least recently used.
 */
import type { Context } from 'fabric-contract-api';
import { ClientIdentity } from 'fabric-shim';

type ChaincodeStub = Context['stub'];

/** The certificates one chaincode process keeps parsed. */
export const IDENTITY_CACHE_SIZE = 1024;

/** What the contracts read of the caller: fabric-shim's ClientIdentity, immutable. */
export type CallerIdentity = Pick<
  Context['clientIdentity'],
  'getMSPID' | 'getID' | 'getIDBytes' | 'getAttributeValue' | 'assertAttributeValue'
>;

/** Least recently used last-in-order: a Map iterates in insertion order. */
const cache = new Map<string, CallerIdentity>();

function cacheKey(mspId: string, idBytes: Uint8Array): string {
  // The MSP ID cannot contain NUL; the certificate's bytes follow in full (latin1 is one char per byte).
  return `${mspId}\u0000${Buffer.from(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength).toString('latin1')}`;
}

/** Parses a creator once with fabric-shim's ClientIdentity, holding nothing of the transaction. */
function parse(mspId: string, idBytes: Uint8Array): CallerIdentity {
  const copy = Uint8Array.from(idBytes);
  // ClientIdentity reads only getCreator, and the channel and transaction IDs for its log prefix.
  const creatorOnly = {
    getCreator: () => ({ mspid: mspId, idBytes: copy }),
    getChannelID: () => '',
    getTxID: () => 'identity',
  } as unknown as ChaincodeStub;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const identity = new ClientIdentity(creatorOnly);
  return Object.freeze({
    getMSPID: () => identity.getMSPID(),
    getID: () => identity.getID(),
    getIDBytes: () => Uint8Array.from(copy),
    getAttributeValue: (name: string) => identity.getAttributeValue(name),
    assertAttributeValue: (name: string, value: string) => identity.assertAttributeValue(name, value),
  });
}

/**
 * The identity of the creator of the transaction in `stub`, as fabric-shim's ClientIdentity parses
 * it, from the cache when the same MSP ID and certificate bytes were parsed before.
 * @throws whatever ClientIdentity throws for a certificate it cannot parse (nothing is cached then).
 */
export function identityOf(stub: Pick<ChaincodeStub, 'getCreator'>): CallerIdentity {
  const { mspid, idBytes } = stub.getCreator();
  const key = cacheKey(mspid, idBytes);
  let identity = cache.get(key);
  if (identity) {
    cache.delete(key);
  } else {
    identity = parse(mspid, idBytes);
    const oldest = cache.size >= IDENTITY_CACHE_SIZE ? cache.keys().next() : undefined;
    if (oldest && !oldest.done) cache.delete(oldest.value);
  }
  cache.set(key, identity);
  return identity;
}

/** How many certificates the cache holds (for tests). */
export function cachedIdentities(): number {
  return cache.size;
}
