/** argv → the one JSON object an ESTP transaction takes. */
import {
  buildInput,
  camelToKebab,
  coerceValue,
  type FieldDeclaration,
  guessValue,
  kebabToCamel,
  tokenize,
} from '../../../../application/src/cli/argv';
import { UsageError } from '../../../../application/src/gateway/errors';

const RESERVED = new Set(['org', 'user', 'json', 'debug', 'help', 'connection', 'wallet', 'all']);

/** The input object for a transaction command line. */
function inputOf(argv: string[], fields: FieldDeclaration[] = [], files: Record<string, string> = {}) {
  const { options } = tokenize(argv);
  return buildInput(options, {
    reserved: RESERVED,
    fields,
    readFile: (file) => {
      const text = files[file];
      if (text === undefined) throw new UsageError(`--input-file: cannot read ${file}`);
      return text;
    },
  });
}

describe('tokenize', () => {
  test('positionals, --name value, --name=value, flags and -h', () => {
    const { positionals, options } = tokenize([
      '--json',
      'market',
      'clear',
      '--market-id',
      'M-1',
      '--org=utility',
      '-h',
      '--dry',
    ]);

    expect(positionals).toEqual(['market', 'clear']);
    expect([...options]).toEqual([
      ['json', true],
      ['market-id', 'M-1'],
      ['org', 'utility'],
      ['help', true],
      ['dry', true],
    ]);
  });

  test('a flag followed by another option is true; a negative number is a value', () => {
    const { options } = tokenize(['--verified', '--amount', '-5']);
    expect(options.get('verified')).toBe(true);
    expect(options.get('amount')).toBe('-5');
  });

  test('everything after -- is positional', () => {
    expect(tokenize(['call', '--', '--odd']).positionals).toEqual(['call', '--odd']);
  });

  test('an option given twice is a usage error', () => {
    expect(() => tokenize(['--id', 'a', '--id', 'b'])).toThrow(
      new UsageError('--id is given more than once'),
    );
  });

  test('an unknown short option is a usage error', () => {
    expect(() => tokenize(['-x'])).toThrow('unknown option -x');
  });
});

describe('names', () => {
  test.each([
    ['meter-ids', 'meterIds'],
    ['capacity-w', 'capacityW'],
    ['id', 'id'],
    ['meterIds', 'meterIds'],
    ['page-size', 'pageSize'],
  ])('%s → %s', (kebab, camel) => {
    expect(kebabToCamel(kebab)).toBe(camel);
  });

  test('camelToKebab is the inverse for camelCase names', () => {
    expect(camelToKebab('quantityWh')).toBe('quantity-wh');
  });
});

describe('guessing values of undeclared fields', () => {
  test.each([
    ['1000', 1000],
    ['-5', -5],
    ['2.5', 2.5],
    ['true', true],
    ['false', false],
    ['["M-1","M-2"]', ['M-1', 'M-2']],
    ['{"a":1}', { a: 1 }],
    ['ZONE-A', 'ZONE-A'],
    ['0012', '0012'], // leading zeros: an ID, not a number
    ['12345678901234567890', '12345678901234567890'], // beyond 2^53: kept exact as text
    ['null', 'null'],
    ['', ''],
  ])('%p → %p', (raw, value) => {
    expect(guessValue(raw, 'x')).toEqual(value);
  });

  test('text that looks like JSON but is not is a usage error naming the flag', () => {
    expect(() => guessValue('[1,', 'meter-ids')).toThrow(/^--meter-ids: not valid JSON/);
  });
});

describe('coercing declared fields', () => {
  test('a string field keeps digits as text', () => {
    expect(coerceValue('42', 'string', 'offer-id')).toBe('42');
  });

  test('an integer field takes safe integers only', () => {
    expect(coerceValue('1500', 'integer', 'capacity-w')).toBe(1500);
    expect(() => coerceValue('1.5', 'integer', 'capacity-w')).toThrow(
      '--capacity-w must be a whole number (a safe integer), got "1.5"',
    );
    expect(() => coerceValue('9007199254740993', 'integer', 'n')).toThrow(UsageError);
  });

  test('a string[] field takes a comma-separated list or a JSON array', () => {
    expect(coerceValue('M-1, M-2', 'list', 'meter-ids')).toEqual(['M-1', 'M-2']);
    expect(coerceValue('["M,1"]', 'list', 'meter-ids')).toEqual(['M,1']);
    expect(coerceValue('', 'list', 'meter-ids')).toEqual([]);
    expect(() => coerceValue('[1]', 'list', 'meter-ids')).toThrow('must be a JSON array of strings');
  });

  test('a boolean field takes true/false, or the bare flag', () => {
    expect(coerceValue(true, 'boolean', 'x')).toBe(true);
    expect(coerceValue('false', 'boolean', 'x')).toBe(false);
    expect(() => coerceValue('yes', 'boolean', 'x')).toThrow('--x must be true or false');
  });

  test('a time field takes epoch milliseconds or ISO-8601 text, and sends ms', () => {
    expect(coerceValue('1767225600000', 'time', 'gate-closure')).toBe(1767225600000);
    expect(coerceValue('2026-01-01T00:00:00Z', 'time', 'gate-closure')).toBe(1767225600000);
    expect(coerceValue('2026-01-01', 'time', 'from')).toBe(1767225600000);
    expect(() => coerceValue('tomorrow', 'time', 'from')).toThrow(
      '--from must be ms since the epoch or an ISO-8601 time, got "tomorrow"',
    );
  });

  test('a bare flag for a valued field is a usage error', () => {
    expect(() => coerceValue(true, 'string', 'market-id')).toThrow('--market-id needs a value');
  });
});

describe('buildInput', () => {
  test('flags become camelCase fields; global options are not fields', () => {
    const input = inputOf([
      '--org',
      'community',
      '--user',
      'member1',
      '--json',
      '--display-name',
      'Solar Co-op',
      '--capacity-w',
      '5000',
      '--meter-ids',
      'M-1,M-2',
    ]);

    expect(input).toEqual({ displayName: 'Solar Co-op', capacityW: 5000, meterIds: 'M-1,M-2' });
  });

  test('declared field types override the guess', () => {
    const input = inputOf(
      ['--offer-id', '42', '--meter-ids', 'M-1,M-2'],
      [
        { name: 'offerId', type: 'string' },
        { name: 'meterIds', type: 'list' },
      ],
    );
    expect(input).toEqual({ offerId: '42', meterIds: ['M-1', 'M-2'] });
  });

  test('--field-json forces JSON', () => {
    expect(inputOf(['--profile-json', '{"gridZone":"Z"}', '--note-json', '"42"'])).toEqual({
      profile: { gridZone: 'Z' },
      note: '42',
    });
  });

  test('dotted flags nest', () => {
    expect(inputOf(['--delivery.start-ms', '1000', '--delivery.end-ms', '2000'])).toEqual({
      delivery: { startMs: 1000, endMs: 2000 },
    });
  });

  test('--input is the base object the flags extend and override', () => {
    expect(inputOf(['--input', '{"id":"CommunityMSP:member1","reason":"old"}', '--reason', 'new'])).toEqual({
      id: 'CommunityMSP:member1',
      reason: 'new',
    });
  });

  test('--input-file reads the base object', () => {
    expect(
      inputOf(['--input-file', 'offer.json', '--side', 'SELL'], [], { 'offer.json': '{"offerId":"O-1"}' }),
    ).toEqual({
      offerId: 'O-1',
      side: 'SELL',
    });
  });

  test.each([
    [['--input', '[1,2]'], 'the transaction input must be a JSON object'],
    [['--input', '{'], '--input: not valid JSON'],
    [['--input', '{}', '--input-file', 'f'], 'give --input or --input-file, not both'],
    [['--input-file', 'missing.json'], '--input-file: cannot read missing.json'],
    [['--input', '{"a":1}', '--a.b', '2'], '--a.b: a is not an object'],
    [['--__proto__.polluted', '1'], 'invalid field name'],
  ])('%p is a usage error', (argv, message) => {
    expect(() => inputOf(argv)).toThrow(UsageError);
    expect(() => inputOf(argv)).toThrow(message);
  });

  test('no flags and no --input give an empty object', () => {
    expect(inputOf(['--org', 'utility'])).toEqual({});
  });
});
