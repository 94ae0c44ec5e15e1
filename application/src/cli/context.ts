/** Global options and the connection settings every command derives from them. */
import type { ConnectOptions } from '../gateway/client';
import { UsageError } from '../gateway/errors';
import { type ClientSettings, resolveSettings, type SettingsOptions } from '../gateway/settings';
import type { OptionValue } from './argv';
import type { GlobalOptions, OptionSpec } from './commands/types';
import type { Output } from './io';
import { type Settings, loadSettings, settingsPath } from './settings';
import { didYouMean } from './suggest';

/** An option every command accepts; `env` names the variable that gives its default. */
interface GlobalOptionSpec extends OptionSpec {
  readonly env?: string;
}

/** The options every command accepts (usage text, settings keys and parsing read this list). */
export const GLOBAL_OPTIONS: readonly GlobalOptionSpec[] = [
  {
    name: 'org',
    value: '<org>',
    env: 'ESTP_ORG',
    description: "utility | enterprise | community, or the MSP ID (env ESTP_ORG; default: the profile's org)",
  },
  {
    name: 'user',
    value: '<name>',
    env: 'ESTP_USER',
    description: "a label in the org's wallet, e.g. admin, member1 (env ESTP_USER)",
  },
  { name: 'json', description: 'print the raw JSON result (for scripts)' },
  {
    name: 'profile',
    value: '<path>',
    env: 'ESTP_PROFILE',
    description:
      'Fabric connection profile (env ESTP_PROFILE; default .fabric/orgs/<org>/connection-<org>.json)',
  },
  {
    name: 'wallet',
    value: '<dir>',
    env: 'ESTP_WALLET',
    description: "the org's wallet (env ESTP_WALLET; default .fabric/orgs/<org>/wallet)",
  },
  { name: 'debug', description: 'print stack traces and error causes' },
  { name: 'help', description: 'this text (also -h)' },
  { name: 'version', description: 'print the version of estp' },
];

/** Names of the options every command accepts. */
export const GLOBAL_OPTION_NAMES: ReadonlySet<string> = new Set(GLOBAL_OPTIONS.map((option) => option.name));

/** The keys of the settings file: the global options that take a value. */
export const SETTINGS_KEYS: readonly string[] = GLOBAL_OPTIONS.filter((option) => option.value).map(
  (option) => option.name,
);

function text(options: ReadonlyMap<string, OptionValue>, name: string): string | undefined {
  const value = options.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

/**
 * Reads the global options: a flag, else its environment variable (`ESTP_ORG`, …), else the
 * settings file (./settings.ts, read only when a value is missing).
 */
export function globalOptions(
  options: ReadonlyMap<string, OptionValue>,
  env: NodeJS.ProcessEnv = process.env,
  settings: () => Settings = () => loadSettings(SETTINGS_KEYS, env),
): GlobalOptions {
  let loaded: Settings | undefined;
  const valueOf = (name: string): string | undefined => {
    const spec = GLOBAL_OPTIONS.find((option) => option.name === name);
    const fromEnv = spec?.env === undefined ? undefined : env[spec.env] || undefined;
    return text(options, name) ?? fromEnv ?? (loaded ??= settings()).values[name];
  };
  return {
    org: valueOf('org'),
    user: valueOf('user'),
    json: options.get('json') === true,
    debug: options.get('debug') === true,
    help: options.get('help') === true,
    version: options.get('version') === true,
    profile: valueOf('profile'),
    wallet: valueOf('wallet'),
  };
}

/** A text option's value, `undefined` when absent. @throws {UsageError} when given without value. */
export function textOption(options: ReadonlyMap<string, OptionValue>, name: string): string | undefined {
  return text(options, name);
}

/** A value the command cannot run without. @throws {UsageError} `<flag> is required` when absent or empty. */
export function requiredValue(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined || value === '') throw new UsageError(`${flag} is required`, usage);
  return value;
}

/** What the global options say about profile, org, wallet and user (the rest from the env). */
function settingsOptionsOf(global: GlobalOptions): SettingsOptions {
  return {
    ...(global.org === undefined ? {} : { org: global.org }),
    ...(global.user === undefined ? {} : { user: global.user }),
    ...(global.profile === undefined ? {} : { profile: global.profile }),
    ...(global.wallet === undefined ? {} : { wallet: global.wallet }),
  };
}

/** ` (or set ESTP_ORG / …), or put defaults in <settings file>` for a missing option. */
function missingHint(variables: readonly string[]): string {
  const file = settingsPath();
  const settings = file === undefined ? '' : `, or put defaults in ${file}`;
  return ` (or set ${variables.join(' / ')}; --profile names the org too)${settings}`;
}

/**
 * The org's settings for a tool command (`--org` or `--profile` name the org; see resolveSettings).
 * @throws {UsageError} (with `usage`) when neither names an org.
 */
export function settingsOf(global: GlobalOptions, usage?: string): ClientSettings {
  if (global.org === undefined && global.profile === undefined) {
    throw new UsageError(`--org required${missingHint(['ESTP_ORG', 'ESTP_PROFILE'])}`, usage);
  }
  return resolveSettings(settingsOptionsOf(global));
}

/**
 * The connect options for `--org`/`--user` (or `--profile`/`--user`).
 * @throws {UsageError} (with `usage`) when the user or both org and profile are missing.
 */
export function connectOptionsOf(global: GlobalOptions, io: Output, usage?: string): ConnectOptions {
  const noOrg = global.org === undefined && global.profile === undefined;
  if (noOrg || global.user === undefined) {
    const missing: [string, string][] = [];
    if (noOrg) missing.push(['--org', 'ESTP_ORG']);
    if (global.user === undefined) missing.push(['--user', 'ESTP_USER']);
    const flags = missing.map(([flag]) => flag).join(' and ');
    throw new UsageError(`${flags} required${missingHint(missing.map(([, variable]) => variable))}`, usage);
  }
  return {
    ...settingsOptionsOf(global),
    onRetry: (error, nextAttempt, delayMs) => {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'conflict';
      io.err(`${code}: resubmitting (attempt ${nextAttempt}) in ${delayMs} ms`);
    },
    onResubmit: (transactionId, reason, copy) => {
      const why = reason instanceof Error && 'code' in reason ? String(reason.code) : 'not committed yet';
      io.err(`${why}: sending transaction ${transactionId} to the orderers again (copy ${copy})`);
    },
  };
}

/** `(estp audit verify --help lists its options)`, from the command's usage text. */
export function helpHint(usage: string): string {
  const command = (usage.split('\n')[0] ?? '').split(' — ')[0] ?? 'estp';
  return `(${command} --help lists its options)`;
}

/**
 * Rejects options a tool command does not know (typos would otherwise be silently ignored).
 * @throws {UsageError}
 */
export function rejectUnknownOptions(
  options: ReadonlyMap<string, OptionValue>,
  known: readonly string[],
  usage: string,
): void {
  for (const name of options.keys()) {
    if (!GLOBAL_OPTION_NAMES.has(name) && !known.includes(name)) {
      throw new UsageError(
        `unknown option --${name}${didYouMean(name, [...known, ...GLOBAL_OPTION_NAMES], '--')}`,
        helpHint(usage),
      );
    }
  }
}
