/**
 * The command-line conventions users expect (clig.dev): `--version`, an example in every
 * command's help, shell completion generated from the command table, and a settings file for the
 * defaults of the global options.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CONTRACT_GROUPS, TOOL_COMMANDS } from '../../../../application/src/cli/commands';
import type { ToolCommand } from '../../../../application/src/cli/commands/types';
import { globalOptions } from '../../../../application/src/cli/context';
import { run } from '../../../../application/src/cli/run';
import { loadSettings } from '../../../../application/src/cli/settings';
import { commandName } from '../../../../application/src/cli/usage';

async function estp(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

test('estp --version prints the version of the application package, and nothing else', async () => {
  const { version } = JSON.parse(
    readFileSync(path.join(__dirname, '../../../../application/package.json'), 'utf8'),
  ) as {
    version: string;
  };
  for (const argv of [['--version'], ['market', '--version']]) {
    await expect(estp(...argv)).resolves.toEqual({ code: 0, out: `estp ${version}`, err: '' });
  }
});

describe('every command has an example in its help', () => {
  const tools = (commands: readonly ToolCommand[], prefix: string[]): string[][] =>
    commands.flatMap((tool) => [
      [...prefix, tool.name],
      ...tools(tool.subcommands ?? [], [...prefix, tool.name]),
    ]);
  const lines = [
    ...CONTRACT_GROUPS.flatMap((group) => [
      ...group.transactions.map((spec) => [group.name, commandName(spec.transaction)]),
      ...tools(group.commands ?? [], [group.name]),
    ]),
    ...tools(TOOL_COMMANDS, []),
  ];

  test.each(lines.map((words) => [words.join(' '), words]))('estp %s --help', async (_, words) => {
    const { code, out } = await estp(...words, '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/\nExamples?:\n {2}(estp|source|echo) \S/);
  });
});

describe('shell completion', () => {
  let script: string;
  beforeAll(async () => {
    const { code, out } = await estp('completion', 'bash');
    expect(code).toBe(0);
    script = path.join(mkdtempSync(path.join(tmpdir(), 'estp-completion-')), 'estp.bash');
    writeFileSync(script, out);
  });
  afterAll(() => {
    rmSync(path.dirname(script), { recursive: true, force: true });
  });

  /** What bash offers after the words (the last one being completed). */
  function complete(...words: string[]): string[] {
    const array = ['estp', ...words].map((word) => `'${word}'`).join(' ');
    const output = execFileSync(
      'bash',
      [
        '-c',
        `source '${script}'; COMP_WORDS=(${array}); COMP_CWORD=${words.length}; _estp; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: 'utf8' },
    );
    return output.split('\n').filter((line) => line !== '');
  }

  test.each([
    [['mar'], ['market']],
    [['market', 'post-o'], ['post-offer']],
    [['market', 'post-offer', '--min'], ['--min-fill-wh']],
    [
      ['market', 'post-offer', '--side', ''],
      ['BUY', 'SELL'],
    ],
    [['--org', 'community', 'participant', 'li'], ['list']],
    [['settlement', 'trades', '--fr'], ['--from']],
    [['audit', 'report', '--b'], ['--bom']],
    [['identity', 'en'], ['enroll']],
    [['call', 'Mar'], ['Market']],
    [['call', 'Market', 'PostO'], ['PostOffer']],
    [
      ['completion', ''],
      ['bash', 'zsh'],
    ],
  ])('after %p bash offers %p', (words, expected) => {
    expect(complete(...words)).toEqual(expected);
  });

  test('zsh gets the same function through bashcompinit', async () => {
    const { out } = await estp('completion', 'zsh');
    expect(out).toMatch(/^#compdef estp\n/);
    expect(out).toContain('bashcompinit');
    expect(out).toContain('complete -o default -F _estp estp');
  });

  test('another shell is a usage error', async () => {
    await expect(estp('completion', 'fish')).resolves.toMatchObject({ code: 2 });
  });
});

describe('the settings file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'estp-settings-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const settingsFile = (content: string): string => {
    const file = path.join(dir, 'config.json');
    writeFileSync(file, content);
    return file;
  };

  test('gives the defaults of the global options; the environment beats it, a flag beats both', () => {
    const file = settingsFile(
      JSON.stringify({
        org: 'community',
        user: 'member1',
        profile: 'net/connection-community.json',
        wallet: '~/w',
      }),
    );
    const env = { ESTP_CONFIG: file };
    expect(globalOptions(new Map(), env)).toMatchObject({
      org: 'community',
      user: 'member1',
      profile: path.join(dir, 'net/connection-community.json'),
      wallet: path.join(process.env['HOME'] ?? '', 'w'),
    });
    expect(globalOptions(new Map(), { ...env, ESTP_USER: 'admin' })).toMatchObject({
      org: 'community',
      user: 'admin',
    });
    expect(globalOptions(new Map([['user', 'arbiter']]), { ...env, ESTP_USER: 'admin' })).toMatchObject({
      user: 'arbiter',
    });
  });

  test('is looked for in $XDG_CONFIG_HOME/estp/config.json, and is optional there', () => {
    expect(loadSettings(['org'], { XDG_CONFIG_HOME: dir })).toEqual({ file: undefined, values: {} });
    const file = path.join(dir, 'estp', 'config.json');
    execFileSync('mkdir', ['-p', path.dirname(file)]);
    writeFileSync(file, '{"org":"utility"}');
    expect(loadSettings(['org'], { XDG_CONFIG_HOME: dir })).toEqual({ file, values: { org: 'utility' } });
  });

  test.each([
    ['{"usr":"member1"}', 'unknown setting "usr"; did you mean user?'],
    ['{"org":1}', '"org" must be a non-empty string'],
    ['[1]', 'must hold a JSON object'],
    ['{', 'is not valid JSON'],
  ])('%s is refused with exit 2', async (content, message) => {
    process.env['ESTP_CONFIG'] = settingsFile(content);
    try {
      const { code, err } = await estp('participant', 'self');
      expect(code).toBe(2);
      expect(err).toContain(message);
    } finally {
      process.env['ESTP_CONFIG'] = '';
    }
  });

  test('a settings file ESTP_CONFIG names must exist', async () => {
    process.env['ESTP_CONFIG'] = path.join(dir, 'missing.json');
    try {
      await expect(estp('participant', 'self')).resolves.toMatchObject({ code: 2 });
    } finally {
      process.env['ESTP_CONFIG'] = '';
    }
  });
});
