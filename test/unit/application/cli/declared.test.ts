/**
 * The CLI agrees with the transaction declarations (chaincode/src/declarations.ts): one command per
 * declared transaction, one flag per field with the declared kind, description and unit, the
 * declared example in the help, and that example's command line builds the declared example input.
 * A flag no declaration has is refused before anything connects (exit 2), naming the closest one.
 */
import { CONTRACTS, allDeclarations } from '../../../../chaincode/src/declarations';
import { isPaginated } from '../../../../chaincode/src/lib/declaration';
import { buildInput, camelToKebab, tokenize } from '../../../../application/src/cli/argv';
import { CONTRACT_GROUPS, findTransaction } from '../../../../application/src/cli/commands';
import { reservedOptions } from '../../../../application/src/cli/commands/transaction';
import { run } from '../../../../application/src/cli/run';
import { commandName, exampleCommand, transactionUsage } from '../../../../application/src/cli/usage';

async function estp(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The words of a command line as a shell splits this one (single quotes only). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((match) =>
    match[1] !== undefined ? match[1].replace(/'\\''/g, "'") : (match[2] ?? ''),
  );
}

const declared = allDeclarations().map((declaration) => {
  const group = CONTRACT_GROUPS.find((candidate) => candidate.contract === declaration.contract);
  const spec = group && findTransaction(group, declaration.name);
  if (!group || !spec) throw new Error(`no command for ${declaration.contract}:${declaration.name}`);
  return [`${declaration.contract}:${declaration.name}`, { declaration, group, spec }] as const;
});

describe('the command table is the declarations', () => {
  test('one group per contract and one command per transaction, in the declared order', () => {
    expect(
      CONTRACT_GROUPS.map((group) => [group.contract, group.transactions.map((spec) => spec.transaction)]),
    ).toEqual(
      Object.entries(CONTRACTS).map(([contract, entry]) => [contract, Object.keys(entry.transactions)]),
    );
  });

  test.each(declared)(
    '%s: its flags are its fields, of the declared kind, as required as declared',
    (_, d) => {
      const { declaration, spec } = d;
      expect(spec.kind).toBe(declaration.kind);
      expect(spec.paginated).toBe(isPaginated(declaration));
      expect(spec.fields.map((field) => [field.name, field.type, field.required])).toEqual(
        Object.entries(declaration.input.shape).map(([name, rule]) => [name, rule.flag, !rule.optional]),
      );
      expect(spec.transient.map((entry) => entry.key)).toEqual(Object.keys(declaration.transient));
    },
  );

  test.each(declared)('%s: its help says what every field means, its unit and the example', (_, d) => {
    const { declaration, group, spec } = d;
    const help = transactionUsage(group, spec);
    expect(help).toContain(declaration.summary);
    for (const [name, rule] of Object.entries(declaration.input.shape)) {
      const line = help.split('\n').find((text) => text.trimStart().startsWith(`--${camelToKebab(name)} `));
      expect({ name, line }).toEqual({
        name,
        line: expect.stringContaining(rule.description ?? '?') as unknown,
      });
      if (rule.unit !== undefined) expect(line).toContain(`[${rule.unit}]`);
    }
    expect(help).toContain(`Example:\n  ${exampleCommand(group, spec) ?? '?'}`);
  });

  test.each(declared)('%s: the example command line builds the declared example input', (_, d) => {
    const { declaration, group, spec } = d;
    const words = shellWords(exampleCommand(group, spec) ?? '').slice(3);
    const { options } = tokenize(words);
    const built = buildInput(options, { reserved: reservedOptions(spec), fields: spec.fields, strict: true });
    expect(declaration.input.parse(JSON.stringify(built))).toEqual(
      declaration.input.parse(JSON.stringify(declaration.example)),
    );
  });

  test.each(declared)('%s: a flag no field has is refused offline with exit 2', async (_, d) => {
    const { group, spec } = d;
    const { code, err } = await estp(
      group.name,
      commandName(spec.transaction),
      '--no-such-field',
      'x',
      '--org',
      'u',
      '--user',
      'a',
    );
    expect(code).toBe(2);
    expect(err).toContain('unknown option --no-such-field');
  });
});

describe('mistakes get a suggestion, not a page of help', () => {
  test.each([
    [['markt', 'list'], 'unknown command "markt"; did you mean market?'],
    [['settlment'], 'unknown command "settlment"; did you mean settlement?'],
    [['market', 'post-ofer'], 'market has no transaction "post-ofer"; did you mean post-offer?'],
    [['market', 'lsit'], 'market has no transaction "lsit"; did you mean list?'],
    [['identity', 'enrol'], 'unknown command "identity enrol"; did you mean enroll?'],
    [
      ['market', 'cancel', '--idd', 'M/O-1', '--org', 'u', '--user', 'a'],
      'unknown option --idd; did you mean --id?',
    ],
    [
      ['market', 'post', '--offerid', 'O-1', '--org', 'u', '--user', 'a'],
      'unknown option --offerid; did you mean --offer-id?',
    ],
    [['settlement', 'trades', '--form', '2026-01-01', '--org', 'u', '--user', 'a'], 'did you mean --from?'],
    [
      ['audit', 'verify', '--form', '3', '--org', 'u', '--user', 'a'],
      'unknown option --form; did you mean --from?',
    ],
    [
      ['audit', 'history', 'Trades', 'M-1/c/1', '--org', 'u', '--user', 'a'],
      'unknown record type "Trades"; did you mean Trade?',
    ],
  ])('estp %p', async (argv, message) => {
    const { code, err } = await estp(...argv);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err.split('\n').length).toBeLessThanOrEqual(3);
  });
});

test('Settlement:ListTrades takes its period on the command line, as ISO dates or ms', async () => {
  const spec = findTransaction(
    CONTRACT_GROUPS.find((group) => group.name === 'settlement')!,
    'trades',
  )!;
  const { options } = tokenize(['--from', '2026-06-01', '--to', '1780358400000']);
  expect(buildInput(options, { reserved: reservedOptions(spec), fields: spec.fields, strict: true })).toEqual(
    {
      from: Date.UTC(2026, 5, 1),
      to: 1780358400000,
    },
  );
  expect((await estp('settlement', 'trades', '--help')).out).toMatch(
    /--from <time> +only trades created at or after/,
  );
});
