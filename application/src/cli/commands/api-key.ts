/**
 * `estp api-key create|list|revoke`: the API keys of an org's web service (web/api-keys.ts), kept
 * hashed in the org's key file. Run by the org's admin on the org's own machine; the service
 * notices changes at once.
 */
import { UsageError } from '../../gateway/errors';
import { resolveIdentity } from '../../gateway/identity';
import type { ClientSettings } from '../../gateway/settings';
import { addApiKey, apiKeysFile, readKeyFile, revokeApiKey } from '../../web/api-keys';
import { requiredValue, settingsOf, textOption } from '../context';
import { formatTable } from '../table';
import { toolUsage } from '../usage';
import type { OptionSpec, ToolCommand, ToolContext } from './types';

const KEYS_FILE_OPTION: OptionSpec = {
  name: 'keys-file',
  value: '<path>',
  description: 'the key file (env ESTP_API_KEYS; default <org directory>/web/api-keys.json)',
};

/** The org's settings and its key file, from `--org` (or `--profile`) and `--keys-file`. */
export function keyFileOf(context: ToolContext, usage: string): { settings: ClientSettings; file: string } {
  const settings = settingsOf(context.global, usage);
  return { settings, file: textOption(context.options, 'keys-file') ?? apiKeysFile(settings) };
}

function flag(context: ToolContext, name: string, usage: string): boolean {
  const value = context.options.get(name);
  if (value !== undefined && value !== true) throw new UsageError(`--${name} takes no value`, usage);
  return value === true;
}

const createCommand: ToolCommand = {
  name: 'create',
  description: 'a new key acting as --user of --org; prints the key once (only its hash is kept)',
  synopsis:
    'estp api-key create --org <org> --user <name> [--label <text>] [--read-only] [--keys-file <path>]',
  examples: [
    'estp api-key create --org community --user member1 --label "billing system"',
    'KEY=$(estp api-key create --org utility --user meter --label head-end)',
  ],
  options: [
    { name: 'label', value: '<text>', description: 'what the key is for, e.g. "billing system"' },
    { name: 'read-only', description: 'the key may query but not submit' },
    KEYS_FILE_OPTION,
  ],
  run: (context) => Promise.resolve(createKey(context)),
};

function createKey(context: ToolContext): number {
  const usage = toolUsage(createCommand, apiKeyCommand);
  const { settings, file } = keyFileOf(context, usage);
  const { org } = settings;
  const user = context.global.user;
  if (user === undefined) throw new UsageError('--user is required: the identity the key acts as', usage);
  // The identity must exist in the org's wallet to be usable.
  resolveIdentity(settings.wallet, org, user);
  const label = textOption(context.options, 'label') ?? '';
  const readOnly = flag(context, 'read-only', usage);
  const { key, entry } = addApiKey(file, org.mspId, user, { label, readOnly });
  if (context.global.json) {
    context.io.out(JSON.stringify({ ...entry, key, file }));
  } else {
    context.io.out(key);
    context.io.err(
      `API key ${entry.id} for ${org.mspId}:${user}${readOnly ? ' (read-only)' : ''} added to ${file}; ` +
        'it is shown only now: send it as "Authorization: Bearer <key>"',
    );
  }
  return 0;
}

const listCommand: ToolCommand = {
  name: 'list',
  description: "the org's keys (IDs, identities, labels; never the keys themselves)",
  synopsis: 'estp api-key list --org <org> [--keys-file <path>] [--json]',
  examples: ['estp api-key list --org community'],
  options: [KEYS_FILE_OPTION],
  run: (context) => Promise.resolve(listKeys(context)),
};

function listKeys(context: ToolContext): number {
  const usage = toolUsage(listCommand, apiKeyCommand);
  const { settings, file } = keyFileOf(context, usage);
  const { org } = settings;
  const { keys } = readKeyFile(file, org.mspId);
  if (context.global.json) {
    context.io.out(JSON.stringify(keys.map(({ sha256: _hash, ...entry }) => entry)));
    return 0;
  }
  context.io.out(
    formatTable(
      keys.map((entry) => ({
        id: entry.id,
        user: entry.user,
        label: entry.label,
        access: entry.readOnly ? 'read-only' : 'read-write',
        created: entry.createdAt,
        revoked: entry.revokedAt ?? '',
      })),
    ),
  );
  context.io.err(
    `${keys.filter((entry) => entry.revokedAt === undefined).length} active of ${keys.length} in ${file}`,
  );
  return 0;
}

const revokeCommand: ToolCommand = {
  name: 'revoke',
  description: 'revoke a key by its ID (the service refuses it at once)',
  synopsis: 'estp api-key revoke --org <org> --id <key id> [--keys-file <path>]',
  examples: ['estp api-key revoke --org community --id 3f2a9c1d0b7e'],
  options: [
    { name: 'id', value: '<key id>', description: 'the 12-hex-digit ID from `api-key list`' },
    KEYS_FILE_OPTION,
  ],
  run: (context) => Promise.resolve(revokeKey(context)),
};

function revokeKey(context: ToolContext): number {
  const usage = toolUsage(revokeCommand, apiKeyCommand);
  const { settings, file } = keyFileOf(context, usage);
  const { org } = settings;
  const id = requiredValue(textOption(context.options, 'id'), '--id', usage);
  if (!revokeApiKey(file, org.mspId, id)) throw new UsageError(`no active key ${id} in ${file}`, usage);
  context.io.out(`revoked API key ${id} of ${org.mspId}`);
  return 0;
}

export const apiKeyCommand: ToolCommand = {
  name: 'api-key',
  description: "API keys of the org's web service (estp serve): create, list, revoke",
  synopsis: 'estp api-key create|list|revoke --org <org> [options]',
  examples: ['estp api-key create --org community --user member1', 'estp api-key list --org community'],
  options: [],
  subcommands: [createCommand, listCommand, revokeCommand],
};
