/**
 * The in-memory stub and fixture behave like a Fabric 2.5 peer with LevelDB: these tests pin the
 * semantics the contract tests rely on.
 */
import { createHash } from 'node:crypto';
import { Context, Info, Param, Returns, Transaction } from 'fabric-contract-api';
import type { Iterators } from 'fabric-shim-api';
import { callerOf } from '../../chaincode/src/lib/caller';
import { EstpContract } from '../../chaincode/src/lib/contract';
import { txTimeIso, txTimeMs } from '../../chaincode/src/lib/time';
import { DEFAULT_TIME_MS, TestLedger, type TestIdentity } from '../support/fixture';
import { PAGINATED_AFTER_WRITE, WRITE_AFTER_PAGINATED, compareKeys } from '../support/stub';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const text = (value: Uint8Array | null | undefined) => (value ? Buffer.from(value).toString('utf8') : value);

async function drain<T>(iterator: Iterators.CommonIterator<T>): Promise<T[]> {
  const items: T[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) items.push(next.value);
  } finally {
    await iterator.close();
  }
  return items;
}

/** A contract used only to exercise the contract API's dispatch. */
@Info({ title: 'Echo', description: 'test contract' })
class EchoContract extends EstpContract {
  constructor() {
    super('Echo');
  }

  @Transaction()
  @Param('input', 'string', 'any JSON')
  @Returns('string')
  async Put(ctx: Context, input: string): Promise<string> {
    const { key, value } = JSON.parse(input) as { key: string; value: string };
    await ctx.stub.putState(key, bytes(value));
    ctx.stub.setEvent('echo.put', bytes(input));
    return JSON.stringify({ key, value, caller: callerOf(ctx).participantId });
  }

  @Transaction()
  @Param('input', 'string', 'any JSON')
  @Returns('string')
  async Fail(ctx: Context, input: string): Promise<string> {
    await ctx.stub.putState('half', bytes(input));
    throw new Error('ESTP_ILLEGAL_STATE: failing on purpose');
  }

  @Transaction(false)
  @Returns('string')
  async Get(ctx: Context, input: string): Promise<string> {
    const { key } = JSON.parse(input) as { key: string };
    return JSON.stringify({ value: text(await ctx.stub.getState(key)) });
  }

  /** Not a transaction: the fixture refuses to run it. */
  Helper(): string {
    return 'helper';
  }
}
const echoContracts = [EchoContract];

describe('in-memory Fabric stub', () => {
  let ledger: TestLedger;
  let alice: TestIdentity;

  beforeEach(async () => {
    ledger = await TestLedger.create();
    alice = await ledger.identity('UtilityMSP', 'alice', ['member', 'arbiter']);
  });

  async function seed(entries: Record<string, string>): Promise<void> {
    await ledger.transact(alice, async (ctx) => {
      for (const key of Object.keys(entries)) await ctx.stub.putState(key, bytes(entries[key]!));
    });
  }

  async function composite(objectType: string, ...ids: string[]): Promise<string[]> {
    const { result } = await ledger.transact(alice, async (ctx) => {
      const keys = ids.map((id) => ctx.stub.createCompositeKey(objectType, [id]));
      for (const key of keys) await ctx.stub.putState(key, bytes(key));
      return Promise.resolve(keys);
    });
    return result;
  }

  describe('client identity from a real certificate', () => {
    it('is parsed by fabric-shim ClientIdentity: MSP, attributes, subject', async () => {
      const { result } = await ledger.transact(alice, (ctx) =>
        Promise.resolve({
          msp: ctx.clientIdentity.getMSPID(),
          roles: ctx.clientIdentity.getAttributeValue('estp.role'),
          enrollmentId: ctx.clientIdentity.getAttributeValue('hf.EnrollmentID'),
          type: ctx.clientIdentity.getAttributeValue('hf.Type'),
          id: ctx.clientIdentity.getID(),
          caller: callerOf(ctx),
          creatorMsp: ctx.stub.getCreator().mspid,
          pem: text(ctx.stub.getCreator().idBytes),
        }),
      );
      expect(result.msp).toBe('UtilityMSP');
      expect(result.roles).toBe('member,arbiter');
      expect(result.enrollmentId).toBe('alice');
      expect(result.type).toBe('client');
      expect(result.id).toMatch(
        /^x509::\/OU=client\/CN=alice::\/C=US\/ST=North Carolina\/O=utility\.estp\.test\/CN=ca\.utility\.estp\.test$/,
      );
      expect(result.caller.participantId).toBe('UtilityMSP:alice');
      expect([...result.caller.claimedRoles].sort()).toEqual(['arbiter', 'member']);
      expect(result.creatorMsp).toBe('UtilityMSP');
      expect(result.pem).toContain('-----BEGIN CERTIFICATE-----');
    });

    it('is cached per (MSP, enrolment ID, roles) and distinct otherwise', async () => {
      const again = await ledger.identity('UtilityMSP', 'alice', ['member', 'arbiter']);
      const other = await ledger.identity('UtilityMSP', 'alice', ['member']);
      expect(again.certificatePem).toBe(alice.certificatePem);
      expect(other.certificatePem).not.toBe(alice.certificatePem);
    });

    it('falls back to the CN without hf.EnrollmentID, and has no roles without attributes', async () => {
      const plain = await ledger.identity('EnterpriseMSP', 'peer-admin', [], { withoutAttributes: true });
      const { result } = await ledger.transact(plain, (ctx) => Promise.resolve(callerOf(ctx)));
      expect(result.participantId).toBe('EnterpriseMSP:peer-admin');
      expect(result.claimedRoles.size).toBe(0);
    });
  });

  describe('transactions', () => {
    it('have no read-your-writes: reads see the committed value only', async () => {
      await seed({ k: 'old' });
      const { result } = await ledger.transact(alice, async (ctx) => {
        await ctx.stub.putState('k', bytes('new'));
        await ctx.stub.putState('fresh', bytes('x'));
        return { k: text(await ctx.stub.getState('k')), fresh: (await ctx.stub.getState('fresh')).length };
      });
      expect(result).toEqual({ k: 'old', fresh: 0 });
      expect(text(ledger.state().get('k'))).toBe('new');
    });

    it('apply writes atomically only when the function resolves', async () => {
      await seed({ a: '1' });
      const before = ledger.state();
      await expect(
        ledger.transact(alice, async (ctx) => {
          await ctx.stub.putState('a', bytes('2'));
          await ctx.stub.deleteState('a');
          await ctx.stub.putState('b', bytes('3'));
          throw new Error('ESTP_ILLEGAL_STATE: boom');
        }),
      ).rejects.toThrow(/ESTP_ILLEGAL_STATE/);
      expect(ledger.state()).toEqual(before);
      expect(ledger.history('b')).toHaveLength(0);
      expect(ledger.last?.writes.size).toBe(2);
    });

    it('record the read set, ranges and write set (last write to a key wins, empty value = delete)', async () => {
      await seed({ a: '1', b: '2', c: '3' });
      const result = await ledger.transact(alice, async (ctx) => {
        await ctx.stub.getState('zz');
        await drain(await ctx.stub.getStateByRange('b', ''));
        await ctx.stub.putState('x', bytes('1'));
        await ctx.stub.putState('x', bytes('2'));
        await ctx.stub.putState('a', new Uint8Array());
        await ctx.stub.deleteState('c');
      });
      expect([...result.reads].sort()).toEqual(['b', 'c', 'zz']);
      expect(result.ranges).toEqual([
        { startKey: 'b', endKey: '', paginated: false, keys: ['b', 'c'], consumed: 2 },
      ]);
      expect(new Map([...result.writes].map(([k, v]) => [k, text(v)]))).toEqual(
        new Map([
          ['x', '2'],
          ['a', null],
          ['c', null],
        ]),
      );
      expect([...ledger.state().keys()]).toEqual(['b', 'x']);
    });

    it('keep only the last event', async () => {
      const { event } = await ledger.transact(alice, (ctx) => {
        ctx.stub.setEvent('first', bytes('{"n":1}'));
        ctx.stub.setEvent('second', bytes('{"n":2}'));
        return Promise.resolve();
      });
      expect(event).toEqual({ name: 'second', payload: { n: 2 } });
      await expect(
        ledger.transact(alice, (ctx) => {
          ctx.stub.setEvent('', bytes('x'));
          return Promise.resolve();
        }),
      ).rejects.toThrow('Event name must be a non-empty string');
    });

    it('take the ledger clock: 2026-01-01T00:00:00Z, +1 s per transaction, settable', async () => {
      const times: number[] = [];
      const now = (ctx: Context) => Promise.resolve(txTimeMs(ctx));
      times.push((await ledger.transact(alice, now)).result);
      times.push((await ledger.transact(alice, now)).result);
      ledger.setTime(Date.UTC(2026, 5, 1, 12));
      const { result: iso } = await ledger.transact(alice, (ctx) => Promise.resolve(txTimeIso(ctx)));
      const fixed = await ledger.transact(alice, now, { time: 1_234_567 });
      expect(times).toEqual([DEFAULT_TIME_MS, DEFAULT_TIME_MS + 1000]);
      expect(iso).toBe('2026-06-01T12:00:00.000Z');
      expect(fixed.result).toBe(1_234_567);
      expect(fixed.timestampMs).toBe(1_234_567);
    });

    it('have 64-hex transaction IDs, and a committed ID cannot be reused', async () => {
      const first = await ledger.transact(alice, (ctx) => Promise.resolve(ctx.stub.getTxID()));
      expect(first.result).toMatch(/^[0-9a-f]{64}$/);
      await ledger.transact(alice, () => Promise.resolve(), { txId: 'tx-1' });
      await expect(ledger.transact(alice, () => Promise.resolve(), { txId: 'tx-1' })).rejects.toThrow(
        /duplicate/,
      );
    });

    it('expose channel, arguments, transient map and peer MSP', async () => {
      const { result } = await ledger.transact(
        alice,
        (ctx) =>
          Promise.resolve({
            channel: ctx.stub.getChannelID(),
            fp: ctx.stub.getFunctionAndParameters(),
            args: ctx.stub.getArgs(),
            strings: ctx.stub.getStringArgs(),
            secret: text(ctx.stub.getTransient().get('secret')),
            peer: ctx.stub.getMspID(),
          }),
        { fcn: 'C:F', params: ['{}'], transient: { secret: 's3' }, peerMspId: 'EnterpriseMSP' },
      );
      expect(result).toEqual({
        channel: 'estp',
        fp: { fcn: 'C:F', params: ['{}'] },
        args: ['C:F', '{}'],
        strings: ['C:F', '{}'],
        secret: 's3',
        peer: 'EnterpriseMSP',
      });
    });

    it('refuse what the stub does not model', async () => {
      await expect(ledger.transact(alice, (ctx) => ctx.stub.getQueryResult('{}'))).rejects.toThrow(
        /not supported by the test stub/,
      );
      await expect(
        ledger.transact(alice, (ctx) => ctx.stub.invokeChaincode('x', [], 'estp')),
      ).rejects.toThrow(/not supported by the test stub/);
    });
  });

  describe('range queries', () => {
    it('order keys by UTF-8 bytes, exclude the end key, treat empty end as unbounded', async () => {
      // U+E000 sorts before U+1F600 in UTF-8 although JavaScript's UTF-16 order says otherwise.
      await seed({ a: '1', b: '1', c: '1', '\u{1F600}': '1', '\uE000': '1' });
      expect(compareKeys('\uE000', '\u{1F600}')).toBeLessThan(0);
      const { result } = await ledger.transact(alice, async (ctx) => ({
        bounded: (await drain(await ctx.stub.getStateByRange('a', 'c'))).map((kv) => kv.key),
        open: (await drain(await ctx.stub.getStateByRange('b', ''))).map((kv) => kv.key),
      }));
      expect(result.bounded).toEqual(['a', 'b']);
      expect(result.open).toEqual(['b', 'c', '\uE000', '\u{1F600}']);
    });

    it('with an empty start key skip composite keys; composite start keys are refused', async () => {
      await seed({ simple: 'v' });
      const [offerKey] = await composite('Offer', 'o1');
      const { result } = await ledger.transact(alice, async (ctx) =>
        (await drain(await ctx.stub.getStateByRange('', ''))).map((kv) => kv.key),
      );
      expect(result).toEqual(['simple']);
      await expect(ledger.transact(alice, (ctx) => ctx.stub.getStateByRange(offerKey!, ''))).rejects.toThrow(
        /null character which is not allowed/,
      );
    });

    it('by partial composite key cover exactly the prefix (m1 does not match m10)', async () => {
      const { result: keys } = await ledger.transact(alice, async (ctx) => {
        const made = [
          ctx.stub.createCompositeKey('Idx', ['m1', 'a']),
          ctx.stub.createCompositeKey('Idx', ['m1', 'b']),
          ctx.stub.createCompositeKey('Idx', ['m10', 'c']),
          ctx.stub.createCompositeKey('Other', ['m1']),
        ];
        for (const key of made) await ctx.stub.putState(key, bytes('x'));
        return made;
      });
      const { result } = await ledger.transact(alice, async (ctx) => {
        const found = await drain(await ctx.stub.getStateByPartialCompositeKey('Idx', ['m1']));
        return found.map((kv) => ctx.stub.splitCompositeKey(kv.key));
      });
      expect(result).toEqual([
        { objectType: 'Idx', attributes: ['m1', 'a'] },
        { objectType: 'Idx', attributes: ['m1', 'b'] },
      ]);
      expect(keys[0]).toBe('\x00Idx\x00m1\x00a\x00');
    });

    it('iterate with for await and close the iterator themselves, like fabric-shim', async () => {
      await seed({ a: '1', b: '2', c: '3' });
      const { result } = await ledger.transact(alice, async (ctx) => {
        const seen: string[] = [];
        for await (const kv of ctx.stub.getStateByRange('', '')) {
          seen.push(kv.key);
          if (kv.key === 'b') break;
        }
        for await (const kv of ctx.stub.getStateByRange('c', '')) seen.push(kv.key);
        return seen;
      });
      expect(result).toEqual(['a', 'b', 'c']);
    });

    it('return { key, value } results, with no namespace, like fabric-shim', async () => {
      await seed({ a: '1' });
      const { result } = await ledger.transact(alice, async (ctx) =>
        (await drain(await ctx.stub.getStateByRange('', ''))).map((kv) => Object.keys(kv).sort()),
      );
      expect(result).toEqual([['key', 'value']]);
    });

    it('reach the chaincode in batches of 100: the read set holds the batches fetched, not the whole range', async () => {
      // Given 250 keys
      await ledger.transact(alice, async (ctx) => {
        for (let n = 0; n < 250; n += 1)
          await ctx.stub.putState(`k${n.toString().padStart(3, '0')}`, bytes('1'));
      });
      // When a scan takes 5 of them, and another 101
      const take = (count: number) =>
        ledger.transact(
          alice,
          async (ctx) => {
            const iterator = await ctx.stub.getStateByRange('k', 'l');
            for (let n = 0; n < count; n += 1) await iterator.next();
            await iterator.close();
          },
          { commit: false },
        );
      const five = await take(5);
      const many = await take(101);
      // Then the peer fetched one batch for the first and two for the second
      expect(five.ranges.map((r) => [r.keys.length, r.consumed])).toEqual([[100, 5]]);
      expect(five.reads.size).toBe(100);
      expect(many.ranges.map((r) => [r.keys.length, r.consumed])).toEqual([[200, 101]]);
    });

    it('end silently at the totalQueryLimit, as the peer cuts an unpaginated range', async () => {
      // Given a peer whose totalQueryLimit is 2 and three keys
      const small = await TestLedger.create({ totalQueryLimit: 2 });
      await small.transact(alice, async (ctx) => {
        for (const key of ['a', 'b', 'c']) await ctx.stub.putState(key, bytes('1'));
      });
      // When the whole range is read without pagination
      const { result } = await small.transact(alice, async (ctx) =>
        (await drain(await ctx.stub.getStateByRange('', ''))).map((kv) => kv.key),
      );
      // Then only the first two come back, and nothing says the result was cut
      expect(result).toEqual(['a', 'b']);
    });

    it('fail a transaction that leaves an iterator open', async () => {
      await seed({ a: '1' });
      await expect(
        ledger.transact(alice, async (ctx) => {
          await ctx.stub.getStateByRange('', '');
          await ctx.stub.putState('b', bytes('2'));
        }),
      ).rejects.toThrow(/left 1 query iterator\(s\) open/);
      expect(ledger.state().has('b')).toBe(false);
      const lenient = await TestLedger.create({ failOnOpenIterators: false });
      await expect(lenient.transact(alice, (ctx) => ctx.stub.getStateByRange('', ''))).resolves.toBeDefined();
    });
  });

  describe('pagination', () => {
    async function pages(pageSize: number, ids: string[]) {
      await composite('Rec', ...ids);
      const walk: { keys: string[]; bookmark: string; count: number }[] = [];
      let bookmark = '';
      do {
        const { result } = await ledger.transact(alice, async (ctx) => {
          const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
            'Rec',
            [],
            pageSize,
            bookmark,
          );
          const items = await drain(iterator);
          // fabric-shim leaves `metadata` out when the page is empty: see the test below.
          const found = metadata as typeof metadata | undefined;
          return {
            keys: items.map((kv) => ctx.stub.splitCompositeKey(kv.key).attributes[0]!),
            bookmark: found?.bookmark ?? '',
            count: found?.fetchedRecordsCount ?? 0,
          };
        });
        walk.push(result);
        bookmark = result.bookmark;
      } while (bookmark !== '' && walk.length < 10);
      return walk;
    }

    it('returns the next key as bookmark and "" after the last page', async () => {
      const walk = await pages(2, ['r1', 'r2', 'r3', 'r4', 'r5']);
      expect(walk.map((page) => page.keys)).toEqual([['r1', 'r2'], ['r3', 'r4'], ['r5']]);
      expect(walk.map((page) => page.count)).toEqual([2, 2, 1]);
      expect(walk[0]!.bookmark).toBe('\x00Rec\x00r3\x00');
      expect(walk[2]!.bookmark).toBe('');
    });

    it('returns "" on a last page that is exactly full (LevelDB peeks the next key)', async () => {
      const walk = await pages(2, ['r1', 'r2', 'r3', 'r4']);
      expect(walk.map((page) => page.keys)).toEqual([
        ['r1', 'r2'],
        ['r3', 'r4'],
      ]);
      expect(walk[1]!.bookmark).toBe('');
    });

    it('returns an empty page with NO metadata when nothing matches, as fabric-shim does', async () => {
      // Given records of another type only
      await composite('Other', 'o1');
      // When a page of an empty range is read
      const { result } = await ledger.transact(alice, async (ctx) => {
        const response = await ctx.stub.getStateByPartialCompositeKeyWithPagination('Rec', [], 3, '');
        const items = await drain(response.iterator);
        return { keys: Object.keys(response), items: items.length };
      });
      // Then the answer is { iterator } alone: the peer's QueryResponseMetadata (count 0, bookmark
      // "") encodes to no bytes, and fabric-shim's handler only sets metadata for non-empty bytes
      expect(result).toEqual({ keys: ['iterator'], items: 0 });
    });

    it('keeps the metadata of a non-empty last page (count, empty bookmark)', async () => {
      const walk = await pages(3, ['r1']);
      expect(walk).toEqual([{ keys: ['r1'], bookmark: '', count: 1 }]);
    });

    it('treats page size 0 without a bookmark as an unpaginated query (no metadata, writes allowed)', async () => {
      await composite('Rec', 'r1', 'r2');
      const { result } = await ledger.transact(alice, async (ctx) => {
        const response = await ctx.stub.getStateByPartialCompositeKeyWithPagination('Rec', [], 0, '');
        const items = await drain(response.iterator);
        await ctx.stub.putState('k', bytes('v'));
        return { keys: Object.keys(response), items: items.length };
      });
      expect(result).toEqual({ keys: ['iterator'], items: 2 });
    });

    it('cuts a page at the totalQueryLimit and returns the next key as bookmark', async () => {
      const small = await TestLedger.create({ totalQueryLimit: 2 });
      await small.transact(alice, async (ctx) => {
        for (const id of ['r1', 'r2', 'r3'])
          await ctx.stub.putState(ctx.stub.createCompositeKey('Rec', [id]), bytes('x'));
      });
      const { result } = await small.transact(alice, async (ctx) => {
        const { iterator, metadata } = await ctx.stub.getStateByPartialCompositeKeyWithPagination(
          'Rec',
          [],
          10,
          '',
        );
        return { items: (await drain(iterator)).length, metadata };
      });
      expect(result).toEqual({
        items: 2,
        metadata: { fetchedRecordsCount: 2, bookmark: '\x00Rec\x00r3\x00' },
      });
    });

    it('by range respects the end key and the empty start key', async () => {
      await seed({ a: '1', b: '1', c: '1', d: '1' });
      await composite('Rec', 'x');
      const { result } = await ledger.transact(alice, async (ctx) => {
        const first = await ctx.stub.getStateByRangeWithPagination('', 'd', 2);
        const firstKeys = (await drain(first.iterator)).map((kv) => kv.key);
        const second = await ctx.stub.getStateByRangeWithPagination('', 'd', 2, first.metadata.bookmark);
        const secondKeys = (await drain(second.iterator)).map((kv) => kv.key);
        return { firstKeys, b1: first.metadata.bookmark, secondKeys, b2: second.metadata.bookmark };
      });
      expect(result).toEqual({ firstKeys: ['a', 'b'], b1: 'c', secondKeys: ['c'], b2: '' });
    });

    it('is refused after a write, and a write is refused after it (txSimulator rules)', async () => {
      await composite('Rec', 'r1');
      await expect(
        ledger.transact(alice, async (ctx) => {
          await ctx.stub.putState('k', bytes('v'));
          await ctx.stub.getStateByPartialCompositeKeyWithPagination('Rec', [], 10, '');
        }),
      ).rejects.toThrow(PAGINATED_AFTER_WRITE);
      await expect(
        ledger.transact(alice, async (ctx) => {
          const { iterator } = await ctx.stub.getStateByPartialCompositeKeyWithPagination('Rec', [], 10, '');
          await iterator.close();
          await ctx.stub.putState('k', bytes('v'));
        }),
      ).rejects.toThrow(WRITE_AFTER_PAGINATED);
      await expect(
        ledger.transact(alice, async (ctx) => {
          const { iterator } = await ctx.stub.getStateByRangeWithPagination('', '', 10, '');
          await iterator.close();
          await ctx.stub.putPrivateData('_implicit_org_UtilityMSP', 'k', bytes('v'));
        }),
      ).rejects.toThrow(WRITE_AFTER_PAGINATED);
      expect(ledger.state().has('k')).toBe(false);
    });
  });

  describe('history', () => {
    it('lists every committed version newest first, with tx ID, timestamp and deletes', async () => {
      ledger.setTime(Date.UTC(2026, 0, 2));
      const t1 = await ledger.transact(alice, (ctx) => ctx.stub.putState('h', bytes('v1')));
      const t2 = await ledger.transact(alice, (ctx) => ctx.stub.putState('h', bytes('v2')));
      const t3 = await ledger.transact(alice, (ctx) => ctx.stub.deleteState('h'));
      await expect(
        ledger.transact(alice, (ctx) =>
          ctx.stub.putState('h', bytes('lost')).then(() => Promise.reject(new Error('x'))),
        ),
      ).rejects.toThrow();
      const { result } = await ledger.transact(alice, async (ctx) =>
        (await drain(await ctx.stub.getHistoryForKey('h'))).map((m) => ({
          txId: m.txId,
          isDelete: m.isDelete,
          value: text(m.value),
          seconds: Number(m.timestamp.seconds.toString()),
          nanos: m.timestamp.nanos,
        })),
      );
      const seconds = Date.UTC(2026, 0, 2) / 1000;
      expect(result).toEqual([
        { txId: t3.txId, isDelete: true, value: '', seconds: seconds + 2, nanos: 0 },
        { txId: t2.txId, isDelete: false, value: 'v2', seconds: seconds + 1, nanos: 0 },
        { txId: t1.txId, isDelete: false, value: 'v1', seconds, nanos: 0 },
      ]);
    });
  });

  describe('private data', () => {
    const collection = '_implicit_org_UtilityMSP';

    it('is written per collection, read committed only, hashed with SHA-256', async () => {
      const write = await ledger.transact(
        alice,
        async (ctx) => {
          const secret = ctx.stub.getTransient().get('doc')!;
          await ctx.stub.putPrivateData(collection, 'p1', secret);
          return (await ctx.stub.getPrivateData(collection, 'p1')).length;
        },
        { transient: { doc: 'passport' } },
      );
      expect(write.result).toBe(0);
      expect(text(write.privateWrites.get(collection)?.get('p1'))).toBe('passport');
      expect(write.writes.size).toBe(0);
      const { result } = await ledger.transact(alice, async (ctx) => ({
        value: text(await ctx.stub.getPrivateData(collection, 'p1')),
        hash: Buffer.from(await ctx.stub.getPrivateDataHash(collection, 'p1')).toString('hex'),
        missing: (await ctx.stub.getPrivateDataHash(collection, 'nope')).length,
        other: (await ctx.stub.getPrivateData('_implicit_org_EnterpriseMSP', 'p1')).length,
      }));
      expect(result).toEqual({
        value: 'passport',
        hash: createHash('sha256').update('passport').digest('hex'),
        missing: 0,
        other: 0,
      });
      expect(text(ledger.privateState(collection).get('p1'))).toBe('passport');
      await ledger.transact(alice, (ctx) => ctx.stub.deletePrivateData(collection, 'p1'));
      expect(ledger.privateState(collection).size).toBe(0);
    });

    it('validates collection and key like the shim', async () => {
      await expect(
        ledger.transact(alice, (ctx) => ctx.stub.putPrivateData('', 'k', bytes('v'))),
      ).rejects.toThrow('collection must be a valid string');
      await expect(ledger.transact(alice, (ctx) => ctx.stub.getPrivateData(collection, ''))).rejects.toThrow(
        'key must be a valid string',
      );
    });
  });
});

describe('fixture: contract transactions', () => {
  let ledger: TestLedger;
  let bob: TestIdentity;
  const echo = new EchoContract();

  beforeEach(async () => {
    ledger = await TestLedger.create();
    bob = await ledger.identity('EnterpriseMSP', 'bob', ['member']);
  });

  it('submit runs a @Transaction, commits, and parses the JSON result and event', async () => {
    const tx = await ledger.submit<{ key: string; caller: string }>(echo, 'Put', bob, {
      key: 'k',
      value: 'v',
    });
    expect(tx.result).toEqual({ key: 'k', value: 'v', caller: 'EnterpriseMSP:bob' });
    expect(text(tx.writes.get('k'))).toBe('v');
    expect(tx.event).toEqual({ name: 'echo.put', payload: { key: 'k', value: 'v' } });
    expect(await ledger.evaluate(echo, 'Get', bob, { key: 'k' })).toEqual({ value: 'v' });
  });

  it('evaluate discards writes', async () => {
    await ledger.evaluate(echo, 'Put', bob, { key: 'k', value: 'v' });
    expect(ledger.state().size).toBe(0);
  });

  it('submit rejects with the chaincode error and commits nothing', async () => {
    await expect(ledger.submit(echo, 'Fail', bob, {})).rejects.toThrow(/ESTP_ILLEGAL_STATE/);
    expect(ledger.state().size).toBe(0);
  });

  it('refuses to call a method that is not a @Transaction', async () => {
    await expect(ledger.submit(echo, 'Helper', bob)).rejects.toThrow(/not a @Transaction/);
  });

  describe('through fabric-contract-api dispatch', () => {
    it('routes Contract:Function, marshals the argument, commits on success', async () => {
      const response = await ledger.invoke(echoContracts, 'Echo:Put', ['{"key":"d","value":"1"}'], bob);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.payload)).toEqual({ key: 'd', value: '1', caller: 'EnterpriseMSP:bob' });
      expect(text(ledger.state().get('d'))).toBe('1');
    });

    it('answers an unknown function with the contract unknownTransaction error', async () => {
      const response = await ledger.invoke(echoContracts, 'Echo:Nope', ['{}'], bob);
      expect(response.status).toBe(500);
      expect(response.message).toMatch(/^ESTP_INVALID_INPUT: unknown transaction Echo:Nope on contract Echo/);
    });

    it('rejects a wrong argument count before the function runs', async () => {
      const response = await ledger.invoke(echoContracts, 'Echo:Put', ['{}', 'extra'], bob);
      expect(response.status).toBe(500);
      expect(response.message).toBe('Expected 1 parameters, but 2 have been supplied');
      expect(response.record.writes.size).toBe(0);
    });

    it('does not commit a failed transaction', async () => {
      const response = await ledger.invoke(echoContracts, 'Echo:Fail', ['{}'], bob);
      expect(response.status).toBe(500);
      expect(response.message).toMatch(/ESTP_ILLEGAL_STATE/);
      expect(ledger.state().size).toBe(0);
    });

    it('rejects an unknown contract name', async () => {
      const response = await ledger.invoke(echoContracts, 'Nope:Put', ['{}'], bob);
      expect(response.status).toBe(500);
      expect(response.message).toBe('Contract name is not known: Nope');
    });
  });
});
