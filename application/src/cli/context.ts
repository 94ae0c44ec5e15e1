/** Global options and the connection settings every command derives from them. */
import type { ConnectOptions } from '../gateway/client';
import { UsageError } from '../gateway/errors';
import type { OptionValue } from './argv';
import type { GlobalOptions } from './commands/types';
import type { Output } from './io';

/** Names of the options every command accepts. */
export const GLOBAL_OPTION_NAMES: ReadonlySet<string> = new Set([
  'org',
  'user',
  'json',
  'debug',
  'help',
  'connection',
  'wallet',
]);

function text(options: ReadonlyMap<string, OptionValue>, name: string): string | undefined {
  const value = options.get(name);
  if (value === true) throw new UsageError(`--${name} needs a value`);
  return value;
}

/** Reads the global options, with `ESTP_ORG`/`ESTP_USER` as defaults for `--org`/`--user`. */
export function globalOptions(
  options: ReadonlyMap<string, OptionValue>,
  env: NodeJS.ProcessEnv = process.env,
): GlobalOptions {
  return {
    org: text(options, 'org') ?? env['ESTP_ORG'],
    user: text(options, 'user') ?? env['ESTP_USER'],
    json: options.get('json') === true,
    debug: options.get('debug') === true,
    help: options.get('help') === true,
    connection: text(options, 'connection'),
    wallet: text(options, 'wallet'),
  };
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
    throw new UsageError(`${flags} required (or set ${envs})`, usage);
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
      throw new UsageError(`unknown option --${name}`, usage);
    }
  }
}
