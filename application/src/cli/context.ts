/** Global options and the connection settings every command derives from them. */
import type { ConnectOptions } from '../gateway/client';
import { type ConnectionInfo, type OrgInfo, resolveOrg } from '../gateway/connection';
import { UsageError } from '../gateway/errors';
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
    description: 'utility | enterprise | community, or the MSP ID (env ESTP_ORG)',
  },
  {
    name: 'user',
    value: '<name>',
    env: 'ESTP_USER',
    description: 'wallet label or connection.json user, e.g. admin, member1 (env ESTP_USER)',
  },
  { name: 'json', description: 'print the raw JSON result (for scripts)' },
  {
    name: 'connection',
    value: '<path>',
    env: 'ESTP_CONNECTION',
    description: 'connection description (env ESTP_CONNECTION; default .fabric/connection.json)',
  },
  {
    name: 'wallet',
    value: '<dir>',
    env: 'ESTP_WALLET',
    description: 'wallet root (env ESTP_WALLET; default .fabric/wallet)',
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
    connection: valueOf('connection'),
    wallet: valueOf('wallet'),
  };
}

/** The orgs a command acts on: the one `--org` names, else every org of the connection. */
export function selectedOrgs(connection: ConnectionInfo, global: GlobalOptions): OrgInfo[] {
  return global.org === undefined ? Object.values(connection.orgs) : [resolveOrg(connection, global.org)];
}

/** A text option's value, `undefined` when absent. @throws {UsageError} when given without value. */
export function textOption(options: ReadonlyMap<string, OptionValue>, name: string): string | undefined {
  return text(options, name);
}

/**
 * The connect options for `--org`/`--user`.
 * @throws {UsageError} (with `usage`) when either is missing.
 */
export function connectOptionsOf(global: GlobalOptions, io: Output, usage?: string): ConnectOptions {
  if (global.org === undefined || global.user === undefined) {
    const missing: [string, string][] = [];
    if (global.org === undefined) missing.push(['--org', 'ESTP_ORG']);
    if (global.user === undefined) missing.push(['--user', 'ESTP_USER']);
    const flags = missing.map(([flag]) => flag).join(' and ');
    const envs = missing.map(([, env]) => env).join(' / ');
    const file = settingsPath();
    const settings = file === undefined ? '' : `, or put defaults in ${file}`;
    throw new UsageError(`${flags} required (or set ${envs})${settings}`, usage);
  }
  return {
    org: global.org,
    user: global.user,
    ...(global.connection === undefined ? {} : { connection: global.connection }),
    ...(global.wallet === undefined ? {} : { walletRoot: global.wallet }),
    onRetry: (error, nextAttempt, delayMs) => {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'conflict';
      io.err(`${code}: resubmitting (attempt ${nextAttempt}) in ${delayMs} ms`);
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
