/**
 * The block header hash and data hash against vectors computed independently: every expected value
 * below was produced by Go's `encoding/asn1.Marshal` of Fabric's `asn1Header` struct
 * (`protoutil.BlockHeaderBytes`) and `crypto/sha256`, and the structures were cross-checked with
 * `openssl asn1parse -inform DER`.
 */
import { createHash } from 'node:crypto';
import {
  blockDataHash,
  blockHeaderBytes,
  blockHeaderHash,
  derInteger,
  derLength,
  derOctetString,
  toHex,
} from '../../../../application/src/audit';

/** `n` bytes start, start+1, … (mod 256), like the Go generator's `seq`. */
function seq(n: number, start: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (start + i) & 0xff);
}

const hex = (bytes: Uint8Array) => toHex(bytes);

describe('DER primitives', () => {
  test.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8180'],
    [200, '81c8'],
    [255, '81ff'],
    [256, '820100'],
    [300, '82012c'],
    [65536, '83010000'],
  ])('length %d encodes as %s (short form below 128, minimal long form above)', (length, expected) => {
    expect(hex(derLength(length))).toBe(expected);
  });

  test.each([
    [0, '020100'],
    [1, '020101'],
    [127, '02017f'],
    [128, '02020080'],
    [255, '020200ff'],
    [256, '02020100'],
    [32767, '02027fff'],
    [32768, '0203008000'],
    [65535, '020300ffff'],
    [8388608, '020400800000'],
    [Number.MAX_SAFE_INTEGER, '02071fffffffffffff'],
    [18446744073709551615n, '020900ffffffffffffffff'],
  ])('INTEGER %s is minimal two’s complement: %s', (value, expected) => {
    expect(hex(derInteger(value))).toBe(expected);
  });

  test('negative integers and lengths are refused', () => {
    expect(() => derInteger(-1)).toThrow(RangeError);
    expect(() => derLength(-1)).toThrow(RangeError);
  });

  test('an empty OCTET STRING is 04 00, a long one uses the long length form', () => {
    expect(hex(derOctetString(new Uint8Array()))).toBe('0400');
    expect(hex(derOctetString(seq(200, 0)).subarray(0, 3))).toBe('0481c8');
  });
});

describe('blockHeaderBytes / blockHeaderHash (vectors from Go encoding/asn1)', () => {
  test('block 0 with empty hashes', () => {
    const header = { number: 0, previousHash: new Uint8Array(), dataHash: new Uint8Array() };
    expect(hex(blockHeaderBytes(header))).toBe('300702010004000400');
    expect(hex(blockHeaderHash(header))).toBe(
      '1d1c288c6851505be0b47a0f8e7dfb91ab2abe6ad71cef63a3791d14588d1d0e',
    );
  });

  test('number 128 gains a leading zero byte', () => {
    const header = { number: 128, previousHash: seq(32, 1), dataHash: seq(32, 2) };
    const bytes = blockHeaderBytes(header);
    expect(hex(bytes.subarray(0, 8))).toBe('3048020200800420');
    expect(bytes).toHaveLength(74);
    expect(hex(blockHeaderHash(header))).toBe(
      '0078ce5887f5f981e0aed2c7ab0bb3588d1299c9664bc5d67a6d07fa28c5cb9e',
    );
  });

  test.each([
    {
      number: 1,
      prev: [32, 0],
      data: [32, 0x80],
      size: 73,
      hash: '6270cbc5aba853fdf3ace1822664b69913d6ca5cbffacf962c39d1866416eab3',
    },
    {
      number: 127,
      prev: [32, 1],
      data: [32, 2],
      size: 73,
      hash: '0acfbac46820f46374d78feada2d38519f5f1e5d10a0d9d1c8ff661d6c5fde8a',
    },
    {
      number: 255,
      prev: [0, 0],
      data: [32, 3],
      size: 42,
      hash: 'd694b5946d7e1b4176758f326c01841d927cbeee231625e8090c007897180a02',
    },
    {
      number: 256,
      prev: [32, 4],
      data: [0, 0],
      size: 42,
      hash: 'bbb949bc6a332406b0e6d2e5919e2e5e7a98385482ab7ad65441f15cfab52b47',
    },
    {
      number: 65535,
      prev: [32, 5],
      data: [32, 6],
      size: 75,
      hash: '9b30887f16626ac8511501aea1623da12d140e338e2969b9923ad0f915bc3285',
    },
    {
      number: 8388608,
      prev: [32, 7],
      data: [32, 8],
      size: 76,
      hash: '2cdef77197a8c30393107dcb391229352e53032ea9dd56c84801121ad04052b1',
    },
    {
      number: Number.MAX_SAFE_INTEGER,
      prev: [32, 9],
      data: [32, 10],
      size: 79,
      hash: '2f4050d19859cfa56a989d31169b4e63d4633a127b9aa2c3394fd97a5e3333d7',
    },
    {
      number: 3,
      prev: [200, 0],
      data: [300, 0],
      size: 514,
      hash: '37c75c6f484a6cb06db5ab15f5e87396a013253e7aabdfe5d969c8e9d7b00b6c',
    },
  ])(
    'number $number, previous hash $prev.0 bytes, data hash $data.0 bytes',
    ({ number, prev, data, size, hash }) => {
      const header = { number, previousHash: seq(prev[0]!, prev[1]!), dataHash: seq(data[0]!, data[1]!) };
      expect(blockHeaderBytes(header)).toHaveLength(size);
      expect(hex(blockHeaderHash(header))).toBe(hash);
    },
  );

  test('the largest uint64 as a bigint', () => {
    const header = { number: 18446744073709551615n, previousHash: seq(32, 11), dataHash: seq(32, 12) };
    expect(hex(blockHeaderHash(header))).toBe(
      'f257378bc9f2967e8e3e8d9e5b6af29fc47b33ff97e5fda70ac2af7ec9cc5ad5',
    );
  });

  test('a long previous hash uses the long length form (30 82 01 fe … 04 81 c8 …)', () => {
    const bytes = blockHeaderBytes({ number: 3, previousHash: seq(200, 0), dataHash: seq(300, 0) });
    expect(hex(bytes.subarray(0, 10))).toBe('308201fe0201030481c8');
    expect(hex(bytes.subarray(4 + 3 + 3 + 200, 4 + 3 + 3 + 200 + 4))).toBe('0482012c');
  });
});

describe('blockDataHash', () => {
  test('is SHA-256 of the concatenated entries', () => {
    const entries = [Uint8Array.of(1, 2, 3), new Uint8Array(), Uint8Array.of(4, 5)];
    const expected = createHash('sha256')
      .update(Buffer.from([1, 2, 3, 4, 5]))
      .digest('hex');
    expect(hex(blockDataHash(entries))).toBe(expected);
  });

  test('of no entries is SHA-256 of nothing', () => {
    expect(hex(blockDataHash([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
