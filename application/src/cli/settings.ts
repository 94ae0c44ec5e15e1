/**
 * The CLI's settings file: defaults for the global options that take a value, so that a user who
 * always acts as `member1` of `community` need not say so every time.
 *
 *   ~/.config/estp/config.json   ($XDG_CONFIG_HOME/estp/config.json; ESTP_CONFIG names another
 *                                 file, ESTP_CONFIG='' none)
 *   { "user": "member1", "profile": "~/estp/.fabric/orgs/community/connection-community.json" }
 *
 * Its keys are the global options' names (`org`, `user`, `profile`, `wallet`, and any value
 * option added to GLOBAL_OPTIONS later), so the file can never hold a setting no option has. A
 * flag beats the environment (`ESTP_ORG`, …), which beats the file. Paths are relative to the
 * file's directory; `~/` is the home directory.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../gateway/errors';
import { didYouMean } from './suggest';

/** Settings keys whose values are paths. */
const PATH_KEYS: ReadonlySet<string> = new Set(['profile', 'wallet']);

/** The settings in force. */
export interface Settings {
  /** The file read, or `undefined` when there is none. */
  readonly file: string | undefined;
  readonly values: Readonly<Record<string, string>>;
}

/** Where the settings file is looked for: ESTP_CONFIG, else the XDG config directory. */
export function settingsPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env['ESTP_CONFIG'];
  if (configured !== undefined) return configured === '' ? undefined : configured;
  const configHome = env['XDG_CONFIG_HOME'] || path.join(homedir(), '.config');
  return path.join(configHome, 'estp', 'config.json');
}

function expand(value: string, directory: string): string {
  if (value === '~' || value.startsWith('~/')) return path.join(homedir(), value.slice(1));
  return path.resolve(directory, value);
}

/**
 * Reads the settings file. A missing file at the default place means no settings; a file named
 * by ESTP_CONFIG must exist.
 * @throws {ConfigError} for a missing ESTP_CONFIG file, bad JSON, an unknown key (naming the
 *   closest one) or a value that is not a string.
 */
export function loadSettings(keys: readonly string[], env: NodeJS.ProcessEnv = process.env): Settings {
  const file = settingsPath(env);
  if (file === undefined) return { file: undefined, values: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT' && env['ESTP_CONFIG'] === undefined) {
      return { file: undefined, values: {} };
    }
    throw new ConfigError(`cannot read the settings file ${file}: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(`settings file ${file} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`settings file ${file} must hold a JSON object such as {"org":"community"}`);
  }
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!keys.includes(key)) {
      throw new ConfigError(
        `settings file ${file}: unknown setting "${key}"${didYouMean(key, keys)} (settings: ${keys.join(', ')})`,
      );
    }
    if (typeof value !== 'string' || value === '') {
      throw new ConfigError(`settings file ${file}: "${key}" must be a non-empty string`);
    }
    values[key] = PATH_KEYS.has(key) ? expand(value, path.dirname(file)) : value;
  }
  return { file, values };
}
