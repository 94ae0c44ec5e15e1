/** Usage text, generated from the command table so `--help` never drifts from what runs. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { camelToKebab } from './argv';
import { GLOBAL_OPTIONS } from './context';
import { runFlagsOf } from './commands/transaction';
import type { ContractGroup, OptionSpec, ToolCommand, TransactionSpec } from './commands/types';

/** This CLI's version: the application package's (application/package.json, from src/ or dist/). */
export const VERSION = (
  JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** The CLI name of a transaction: `PostOffer` → `post-offer`. */
export function commandName(transaction: string): string {
  return camelToKebab(transaction).replace(/^-/, '');
}

const GLOBAL_NAMES = GLOBAL_OPTIONS.filter((option) => option.name !== 'help')
  .map((option) => `--${option.name}`)
  .join(', ');

/** Exit codes, as documented in every top-level usage. */
export const EXIT_CODES_TEXT = [
  'Exit codes:',
  '  0  ok',
  '  1  rejected by the chaincode (ESTP_* code) or the CA',
  '  2  usage or configuration error',
  '  3  network unavailable, timeout or endorsement failure',
  '  4  commit failed (e.g. MVCC_READ_CONFLICT after retries)',
  '  70 internal error (a bug; --debug prints the stack)',
].join('\n');

function optionLines(options: readonly OptionSpec[]): string[] {
  const labels = options.map((option) => `--${option.name}${option.value ? ` ${option.value}` : ''}`);
  const width = Math.max(0, ...labels.map((label) => label.length));
  return options.map((option, index) => `  ${(labels[index] ?? '').padEnd(width)}  ${option.description}`);
}

function rows(entries: readonly [string, string][]): string[] {
  const width = Math.max(0, ...entries.map(([name]) => name.length));
  return entries.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`);
}

/** `estp --help`. */
export function topUsage(groups: readonly ContractGroup[], tools: readonly ToolCommand[]): string {
  return [
    'estp — ESTP gateway client (Energy Saving Transaction Protocol on Hyperledger Fabric)',
    '',
    'Usage:',
    "  estp <contract> <transaction> [--field value …] [--input '<json>' | --input-file <path>] [options]",
    '  estp <command> [options]',
    '',
    'Contracts (estp <contract> --help lists their transactions):',
    ...rows(groups.map((group) => [group.name, group.description])),
    '',
    'Commands:',
    ...rows(
      tools.map((tool) => [
        tool.subcommands ? `${tool.name} ${tool.subcommands.map((sub) => sub.name).join('|')}` : tool.name,
        tool.description,
      ]),
    ),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'Fields: --kebab-case-field value sets camelCaseField in the input JSON (numbers, booleans, [..] and',
    '{..} are parsed as JSON, other values are text); --field-json <json> forces JSON; --a.b value nests.',
    '',
    EXIT_CODES_TEXT,
  ].join('\n');
}

/** The first sentence of a summary (a list shows one line per transaction). */
function firstSentence(text: string): string {
  const end = text.search(/[.:;](\s|$)/);
  return end < 0 ? text : text.slice(0, end);
}

/** `estp <contract> --help`. */
export function groupUsage(group: ContractGroup): string {
  return [
    `estp ${group.name} — ${group.description} (contract ${group.contract})`,
    '',
    `Usage: estp ${group.name} <transaction> [--field value …] [options]`,
    '',
    'Transactions (estp ' + group.name + ' <transaction> --help for its fields):',
    ...rows(
      group.transactions.map((spec) => {
        const aliases = spec.aliases?.length ? ` (${spec.aliases.join(', ')})` : '';
        return [
          `${commandName(spec.transaction)}${aliases}`,
          `${spec.kind === 'evaluate' ? 'query ' : 'submit'}  ${firstSentence(spec.description)}`,
        ];
      }),
    ),
    '',
    ...(group.commands?.length
      ? [
          `Commands (estp ${group.name} <command> --help; they take precedence over transactions of the same name):`,
          ...rows(group.commands.map((command) => [command.name, command.description])),
          '',
        ]
      : []),
    `Global options: ${GLOBAL_NAMES}, --help`,
  ].join('\n');
}

/** A shell word: as it is when safe, else single-quoted. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The declared example of a transaction as a command line (flags in field order). */
export function exampleCommand(group: ContractGroup, spec: TransactionSpec): string | undefined {
  const example = spec.declaration?.example;
  if (example === undefined) return undefined;
  const words = [`estp ${group.name} ${commandName(spec.transaction)}`];
  for (const [field, value] of Object.entries(example)) {
    const list = spec.fields.find((candidate) => candidate.name === field)?.type === 'list';
    const text =
      list && Array.isArray(value)
        ? value.join(',')
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
    words.push(`--${camelToKebab(field)} ${shellWord(text)}`);
  }
  for (const transient of spec.transient) {
    if (transient.required) words.push(`--${transient.option} ${transient.key}.pdf`);
  }
  return [...words, '--org <org> --user <name>'].join(' ');
}

/** `estp <contract> <transaction> --help`. */
export function transactionUsage(group: ContractGroup, spec: TransactionSpec): string {
  const fieldOptions: OptionSpec[] = spec.fields.map((field) => ({
    name: camelToKebab(field.name),
    value: field.placeholder,
    description: `${field.description}${field.required ? ' (required)' : ''}`,
  }));
  const extra: OptionSpec[] = [
    ...spec.transient.map((transient) => ({
      name: transient.option,
      value: '<path>',
      description: `${transient.description} (transient "${transient.key}"${transient.required ? ', required' : ''})`,
    })),
    ...(spec.transient.length > 0
      ? [
          {
            name: 'endorsing-orgs',
            value: '<msp,…>',
            description:
              "orgs that endorse (and see the transient data); default: yours + a majority's worth",
          },
        ]
      : []),
    ...runFlagsOf(spec),
    { name: 'input', value: "'<json>'", description: 'the input object; fields given as flags extend it' },
    { name: 'input-file', value: '<path>', description: 'read the input object from a file (- = stdin)' },
  ];
  const verb =
    spec.kind === 'evaluate'
      ? 'evaluated (query; nothing is written)'
      : 'submitted (endorsed, ordered, committed)';
  const returns = spec.declaration ? ` Returns ${spec.declaration.output.description}.` : '';
  const required = spec.fields
    .filter((field) => field.required)
    .map((field) => `--${camelToKebab(field.name)} ${field.placeholder}`);
  const example = exampleCommand(group, spec);
  return [
    `estp ${group.name} ${commandName(spec.transaction)} — ${spec.description}`,
    '',
    `Transaction ${group.contract}:${spec.transaction}, ${verb}.${returns}`,
    ...(spec.aliases?.length ? [`Aliases: ${spec.aliases.join(', ')}`] : []),
    '',
    `Usage: estp ${group.name} ${commandName(spec.transaction)} ${[...required, '[--field value …]'].join(' ')} [options]`,
    '',
    spec.declaration
      ? spec.fields.length > 0
        ? 'Fields (one flag each; any other flag is refused):'
        : 'Fields: none.'
      : 'Fields: not declared; give them as --field value or --input (the chaincode validates the input).',
    ...optionLines(fieldOptions),
    ...(spec.fields.length > 0 ? [''] : []),
    'Options:',
    ...optionLines(extra),
    `  (and the global options: ${GLOBAL_NAMES})`,
    ...(example ? ['', 'Example:', `  ${example}`] : []),
  ].join('\n');
}

/** Usage of a tool command (or a subcommand). */
export function toolUsage(tool: ToolCommand, parent?: Pick<ToolCommand, 'name'>): string {
  const title = parent ? `estp ${parent.name} ${tool.name}` : `estp ${tool.name}`;
  const lines = [`${title} — ${tool.description}`, '', `Usage: ${tool.synopsis}`];
  if (tool.subcommands) {
    lines.push('', 'Commands:', ...rows(tool.subcommands.map((sub) => [sub.name, sub.description])));
  }
  if (tool.options.length > 0) lines.push('', 'Options:', ...optionLines(tool.options));
  lines.push(`  (and the global options: ${GLOBAL_NAMES})`);
  lines.push(
    '',
    tool.examples.length === 1 ? 'Example:' : 'Examples:',
    ...tool.examples.map((line) => `  ${line}`),
  );
  return lines.join('\n');
}
