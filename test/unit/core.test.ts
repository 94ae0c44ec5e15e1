/**
 * The shared chaincode core (lib/): validation, errors, caller, time, keys, state and pagination,
 * run against the in-memory stub with real identities.
 */
import { callerOf, requireClaimedRole, requireMsp } from '../../chaincode/src/lib/caller';
import { ErrorCode, EstpError, InvalidInputError, NotFoundError } from '../../chaincode/src/lib/errors';
import { INDEX_VALUE, RecordType, indexKey, recordKey } from '../../chaincode/src/lib/keys';
import { DEFAULT_PAGE_SIZE, type Page, listByIndex, listRecords } from '../../chaincode/src/lib/pagination';
import {
  assertAbsent,
  deleteIndex,
  mustReadRecord,
  readRecord,
  writeIndex,
  writeRecord,
} from '../../chaincode/src/lib/state';
import { isoOf, txTimeIso, txTimeMs } from '../../chaincode/src/lib/time';
import {
  MAX_INPUT_BYTES,
  bool,
  id,
  input,
  int,
  list,
  object,
  oneOf,
  text,
} from '../../chaincode/src/lib/validate';
import { TestLedger, type TestIdentity } from '../support/fixture';

describe('lib/validate', () => {
  const schema = input({
    name: text({ max: 5 }),
    count: int({ min: 1, max: 10 }).orUndefined(),
    flag: bool().orUndefined(),
    side: oneOf(['BUY', 'SELL'] as const).orUndefined(),
    tags: list(id(), { max: 2, unique: true }).orUndefined(),
    nested: object({ inner: int({ min: 0 }) }).orUndefined(),
  });

  it('parses a valid input into typed values, accepting digit strings for integers', () => {
    expect(
      schema.parse('{"name":"abc","count":"7","flag":false,"side":"BUY","tags":["t1"],"nested":{"inner":0}}'),
    ).toEqual({
      name: 'abc',
      count: 7,
      flag: false,
      side: 'BUY',
      tags: ['t1'],
      nested: { inner: 0 },
    });
    expect(schema.parse('{"name":"a","count":null}')).toEqual({ name: 'a' });
    expect(input({}).parse('')).toEqual({});
  });

  it.each([
    ['{', '', 'input must be valid JSON'],
    ['"x"', '', 'must be a JSON object'],
    ['{}', 'name', 'name is required'],
    ['{"name":"abcdef"}', 'name', 'name must have at most 5 characters'],
    ['{"name":1}', 'name', 'name must be a string'],
    ['{"name":"a","zeta":1,"alpha":2}', 'alpha', 'alpha is not a known field'],
    ['{"name":"a","count":0}', 'count', 'count must be ≥ 1'],
    ['{"name":"a","count":11}', 'count', 'count must be ≤ 10'],
    ['{"name":"a","count":2.5}', 'count', 'count must be a safe integer (no fractions)'],
    ['{"name":"a","count":"2.5"}', 'count', 'count must be an integer'],
    ['{"name":"a","flag":"yes"}', 'flag', 'flag must be true or false'],
    ['{"name":"a","side":"HOLD"}', 'side', 'side must be one of BUY, SELL'],
    ['{"name":"a","tags":["x","y","z"]}', 'tags', 'tags must have at most 2 items'],
    ['{"name":"a","tags":["x","x"]}', 'tags[1]', 'tags[1] is a duplicate'],
    ['{"name":"a","tags":["bad id"]}', 'tags[0]', 'tags[0] must be an identifier'],
    ['{"name":"a","nested":{"inner":-1}}', 'nested.inner', 'nested.inner must be ≥ 0'],
    ['{"name":"a","nested":{"inner":1,"x":1}}', 'nested.x', 'nested.x is not a known field'],
  ])('rejects %s naming the field %j', (raw, field, message) => {
    let error: unknown;
    try {
      schema.parse(raw);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).field).toBe(field);
    expect((error as Error).message).toContain(`ESTP_INVALID_INPUT: ${message}`);
  });

  it('rejects inputs above the byte limit and non-strings', () => {
    expect(() => schema.parse(JSON.stringify({ name: 'a'.repeat(MAX_INPUT_BYTES) }))).toThrow(
      `input must be at most ${MAX_INPUT_BYTES} bytes`,
    );
    expect(() => schema.parse(undefined as unknown as string)).toThrow('input must be a JSON object string');
  });
});

describe('lib/errors', () => {
  it('prefixes messages with the stable code and keeps the class name', () => {
    const error = new NotFoundError(RecordType.Offer, 'o1');
    expect(error).toBeInstanceOf(EstpError);
    expect(error.code).toBe(ErrorCode.NotFound);
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe('ESTP_NOT_FOUND: Offer o1 does not exist');
    expect(new InvalidInputError('', 'input must be valid JSON').message).toBe(
      'ESTP_INVALID_INPUT: input must be valid JSON',
    );
  });
});

describe('lib on the stub', () => {
  let ledger: TestLedger;
  let caller: TestIdentity;

  beforeEach(async () => {
    ledger = await TestLedger.create();
    caller = await ledger.identity('UtilityMSP', 'op1', ['member', 'meter']);
  });

  describe('caller', () => {
    it('reads MSP, enrolment ID and known roles from the certificate', async () => {
      const odd = await ledger.identity('UtilityMSP', 'odd', [' admin ', 'wizard', 'auditor']);
      const { result } = await ledger.transact(odd, (ctx) => Promise.resolve(callerOf(ctx)));
      expect(result).toEqual({
        mspId: 'UtilityMSP',
        enrollmentId: 'odd',
        participantId: 'UtilityMSP:odd',
        claimedRoles: new Set(['admin', 'auditor']),
      });
    });

    it('falls back to the certificate CN without hf.EnrollmentID', async () => {
      const cnOnly = await ledger.identity('CommunityMSP', 'cn-user', ['member'], {
        withoutEnrollmentIdAttr: true,
      });
      const { result } = await ledger.transact(cnOnly, (ctx) => Promise.resolve(callerOf(ctx)));
      expect(result.participantId).toBe('CommunityMSP:cn-user');
      expect([...result.claimedRoles]).toEqual(['member']);
    });

    it('requireClaimedRole and requireMsp fail with ESTP_FORBIDDEN naming what is missing', async () => {
      // (requireRole, which also checks the org's capabilities and statuses, is in trust.test.ts)
      const { result } = await ledger.transact(caller, (ctx) => Promise.resolve(callerOf(ctx)));
      expect(() => {
        requireClaimedRole(result, 'meter', 'admin');
      }).not.toThrow();
      expect(() => {
        requireClaimedRole(result, 'treasurer');
      }).toThrow('ESTP_FORBIDDEN: requires estp.role treasurer; UtilityMSP:op1 has member,meter');
      expect(() => {
        requireMsp(result, 'UtilityMSP', 'x');
      }).not.toThrow();
      expect(() => {
        requireMsp(result, 'EnterpriseMSP', 'Metering');
      }).toThrow('ESTP_FORBIDDEN: Metering is limited to members of EnterpriseMSP; caller is of UtilityMSP');
      const none = await ledger.identity('UtilityMSP', 'none', []);
      const { result: nobody } = await ledger.transact(none, (ctx) => Promise.resolve(callerOf(ctx)));
      expect(() => {
        requireClaimedRole(nobody, 'member');
      }).toThrow('UtilityMSP:none has none');
    });
  });

  describe('time', () => {
    it('is the transaction timestamp in ms and ISO', async () => {
      const { result } = await ledger.transact(
        caller,
        (ctx) => Promise.resolve([txTimeMs(ctx), txTimeIso(ctx)]),
        {
          time: Date.UTC(2026, 2, 3, 4, 5, 6, 789),
        },
      );
      expect(result).toEqual([Date.UTC(2026, 2, 3, 4, 5, 6, 789), '2026-03-03T04:05:06.789Z']);
      expect(isoOf(0)).toBe('1970-01-01T00:00:00.000Z');
    });
  });

  describe('keys and state', () => {
    it('writes and reads records under composite keys, and index entries valued INDEX_VALUE', async () => {
      const write = await ledger.transact(caller, async (ctx) => {
        await assertAbsent(ctx, RecordType.Offer, 'o1');
        await writeRecord(ctx, RecordType.Offer, 'o1', { b: 2, a: 1 });
        await writeIndex(ctx, 'offer~market', ['m1', 'o1']);
        return [recordKey(ctx, RecordType.Offer, 'o1'), indexKey(ctx, 'offer~market', ['m1', 'o1'])];
      });
      expect(write.result).toEqual([ledger.key('Offer', 'o1'), ledger.key('offer~market', 'm1', 'o1')]);
      expect(Buffer.from(ledger.state().get(ledger.key('Offer', 'o1'))!).toString()).toBe('{"a":1,"b":2}');
      expect(ledger.state().get(ledger.key('offer~market', 'm1', 'o1'))).toEqual(Buffer.from(INDEX_VALUE));
      const { result } = await ledger.transact(caller, async (ctx) => ({
        found: await readRecord(ctx, RecordType.Offer, 'o1'),
        missing: await readRecord(ctx, RecordType.Offer, 'o2'),
        must: await mustReadRecord(ctx, RecordType.Offer, 'o1'),
      }));
      expect(result).toEqual({ found: { a: 1, b: 2 }, missing: undefined, must: { a: 1, b: 2 } });
      await expect(
        ledger.transact(caller, (ctx) => mustReadRecord(ctx, RecordType.Offer, 'o2')),
      ).rejects.toThrow('ESTP_NOT_FOUND: Offer o2 does not exist');
      await expect(
        ledger.transact(caller, (ctx) => assertAbsent(ctx, RecordType.Offer, 'o1')),
      ).rejects.toThrow('ESTP_ALREADY_EXISTS: Offer o1 already exists');
      await ledger.transact(caller, (ctx) => deleteIndex(ctx, 'offer~market', ['m1', 'o1']));
      expect(ledger.state().has(ledger.key('offer~market', 'm1', 'o1'))).toBe(false);
    });
  });

  describe('pagination', () => {
    beforeEach(async () => {
      await ledger.transact(caller, async (ctx) => {
        for (let n = 1; n <= 25; n += 1) {
          const offerId = `o${String(n).padStart(2, '0')}`;
          await writeRecord(ctx, RecordType.Offer, offerId, { id: offerId });
          if (n % 2 === 0) await writeIndex(ctx, 'offer~parity', ['even', offerId]);
        }
        // An index entry whose record is gone is skipped.
        await writeIndex(ctx, 'offer~parity', ['even', 'o99']);
      });
    });

    const walk = async (page: (bookmark: string) => Promise<Page<{ id: string }>>) => {
      const pages: string[][] = [];
      let bookmark = '';
      do {
        const result = await page(bookmark);
        pages.push(result.records.map((record) => record.id));
        bookmark = result.bookmark;
      } while (bookmark !== '');
      return pages;
    };

    it('listRecords pages in key order with the default size to an empty bookmark', async () => {
      const pages = await walk(
        async (bookmark) =>
          (
            await ledger.transact(caller, (ctx) =>
              listRecords<{ id: string }>(ctx, RecordType.Offer, undefined, bookmark),
            )
          ).result,
      );
      expect(pages.map((page) => page.length)).toEqual([DEFAULT_PAGE_SIZE, 5]);
      expect(pages.flat()[0]).toBe('o01');
      expect(pages.flat()[24]).toBe('o25');
    });

    it('listByIndex resolves index entries to records, skipping dangling ones', async () => {
      const pages = await walk(
        async (bookmark) =>
          (
            await ledger.transact(caller, (ctx) =>
              listByIndex<{ id: string }>(ctx, 'offer~parity', ['even'], RecordType.Offer, 5, bookmark),
            )
          ).result,
      );
      expect(pages).toEqual([
        ['o02', 'o04', 'o06', 'o08', 'o10'],
        ['o12', 'o14', 'o16', 'o18', 'o20'],
        ['o22', 'o24'],
      ]);
    });
  });
});
