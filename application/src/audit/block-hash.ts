/**
 * Fabric's block hashes, recomputed independently of any Fabric SDK.
 *
 * A block header's hash (what the next block stores as `previous_hash`) is SHA-256 over the ASN.1
 * DER encoding of `SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash }`
 * (Fabric `protoutil.BlockHeaderBytes` / `BlockHeaderHash`, which marshal a Go struct with
 * `encoding/asn1`). A block's data hash is SHA-256 over the concatenation of its `data.data`
 * entries (Fabric 2.x `protoutil.BlockDataHash`). The metadata is covered by neither.
 */
import { createHash } from 'node:crypto';

/** The fields of a `common.BlockHeader` that its hash covers. */
export interface BlockHeaderFields {
  /** The block number (uint64 on the wire). */
  readonly number: number | bigint;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

const TAG_INTEGER = 0x02;
const TAG_OCTET_STRING = 0x04;
const TAG_SEQUENCE = 0x30;

/**
 * DER length octets: one byte below 128 (short form), otherwise 0x80 | count followed by the length
 * in the minimal number of big-endian bytes (long form).
 */
export function derLength(length: number): Uint8Array {
  if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`invalid DER length ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One DER TLV: tag, length, contents. */
function tlv(tag: number, contents: Uint8Array): Uint8Array {
  const length = derLength(contents.length);
  const out = new Uint8Array(1 + length.length + contents.length);
  out[0] = tag;
  out.set(length, 1);
  out.set(contents, 1 + length.length);
  return out;
}

/**
 * DER INTEGER of a non-negative value: minimal big-endian two's complement, so a 0x00 byte leads
 * when the high bit of the first magnitude byte is set (128 → 02 02 00 80), and zero is 02 01 00.
 */
export function derInteger(value: number | bigint): Uint8Array {
  let rest = BigInt(value);
  if (rest < 0n) throw new RangeError(`block numbers are unsigned: ${value}`);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(rest & 0xffn));
    rest >>= 8n;
  } while (rest > 0n);
  if ((bytes[0] ?? 0) & 0x80) bytes.unshift(0);
  return tlv(TAG_INTEGER, Uint8Array.from(bytes));
}

/** DER OCTET STRING (an empty or absent byte string is `04 00`, as Go marshals a nil slice). */
export function derOctetString(value: Uint8Array): Uint8Array {
  return tlv(TAG_OCTET_STRING, value);
}

/** DER SEQUENCE of already-encoded elements, in order. */
export function derSequence(...elements: Uint8Array[]): Uint8Array {
  return tlv(TAG_SEQUENCE, concatBytes(elements));
}

/** The bytes Fabric hashes for a block header (`protoutil.BlockHeaderBytes`). */
export function blockHeaderBytes(header: BlockHeaderFields): Uint8Array {
  return derSequence(
    derInteger(header.number),
    derOctetString(header.previousHash),
    derOctetString(header.dataHash),
  );
}

/** SHA-256 of the header's DER bytes: the `previous_hash` the next block must carry. */
export function blockHeaderHash(header: BlockHeaderFields): Uint8Array {
  return sha256(blockHeaderBytes(header));
}

/** SHA-256 over the concatenated `block.data.data` entries: what `header.data_hash` must equal. */
export function blockDataHash(data: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('sha256');
  for (const entry of data) hash.update(entry);
  return new Uint8Array(hash.digest());
}

/** SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest());
}

/** The concatenation of `parts`. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lower-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
