/** Usage text, generated from the command table so `--help` never drifts from what runs. */
import { camelToKebab } from './argv';
import type { ContractGroup, OptionSpec, ToolCommand, TransactionSpec } from './commands/types';

/** The CLI name of a transaction: `PostOffer` → `post-offer`. */
export function commandName(transaction: string): string {
  return camelToKebab(transaction).replace(/^-/, '');
}

const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'org',
    value: '<org>',
    description: 'utility | enterprise | community, or the MSP ID (env ESTP_ORG)',
  },
  {
    name: 'user',
    value: '<name>',
    description: 'wallet label or connection.json user, e.g. admin, member1 (env ESTP_USER)',
  },
  { name: 'json', description: 'print the raw JSON result (for scripts)' },
  {
    name: 'connection',
    value: '<path>',
    description: 'connection description (env ESTP_CONNECTION; default .fabric/connection.json)',
  },
  { name: 'wallet', value: '<dir>', description: 'wallet root (env ESTP_WALLET; default .fabric/wallet)' },
  { name: 'debug', description: 'print stack traces and error causes' },
  { name: 'help', description: 'this text (also -h)' },
];

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
          `${spec.kind === 'evaluate' ? 'query ' : 'submit'}  ${spec.description}`,
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
    'Global options: --org, --user, --json, --connection, --wallet, --debug, --help',
  ].join('\n');
}

/** `estp <contract> <transaction> --help`. */
export function transactionUsage(group: ContractGroup, spec: TransactionSpec): string {
  const fields = spec.fields ?? [];
  const fieldOptions: OptionSpec[] = fields.map((field) => ({
    name: field.name.split('.').map(camelToKebab).join('.'),
    value: `<${field.type}>`,
    description: `${field.description}${field.required ? ' (required)' : ''}`,
  }));
  const extra: OptionSpec[] = [
    ...(spec.transient ?? []).map((transient) => ({
      name: transient.option,
      value: '<path>',
      description: `${transient.description} (transient "${transient.key}")`,
    })),
    ...(spec.transient
      ? [
          {
            name: 'endorsing-orgs',
            value: '<msp,…>',
            description:
              "orgs that endorse (and see the transient data); default: yours + a majority's worth",
          },
        ]
      : []),
    ...(spec.paginated ? [{ name: 'all', description: 'follow the bookmarks and print every page' }] : []),
    { name: 'input', value: "'<json>'", description: 'the input object; fields given as flags extend it' },
    { name: 'input-file', value: '<path>', description: 'read the input object from a file (- = stdin)' },
  ];
  const verb =
    spec.kind === 'evaluate'
      ? 'evaluated (query; nothing is written)'
      : 'submitted (endorsed, ordered, committed)';
  return [
    `estp ${group.name} ${commandName(spec.transaction)} — ${spec.description}`,
    '',
    `Transaction ${group.contract}:${spec.transaction}, ${verb}.`,
    ...(spec.aliases?.length ? [`Aliases: ${spec.aliases.join(', ')}`] : []),
    '',
    `Usage: estp ${group.name} ${commandName(spec.transaction)} --org <org> --user <name> [--field value …]`,
    '',
    fields.length > 0
      ? 'Known fields (others are passed on as given; the chaincode validates the input):'
      : 'Fields: not declared yet; give them as --field value or --input (the chaincode validates the input).',
    ...optionLines(fieldOptions),
    ...(fields.length > 0 ? [''] : []),
    'Options:',
    ...optionLines(extra),
    '  (and the global options: --org, --user, --json, --connection, --wallet, --debug)',
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
  lines.push('  (and the global options: --org, --user, --json, --connection, --wallet, --debug)');
  return lines.join('\n');
}
