/**
 * An organisation's definition: the `common.ConfigGroup` a new org hands to the consortium (its
 * MSP — root and TLS root certificates, NodeOUs — its policies and anchor peers). Fabric's
 * `configtxgen -printOrg <MSP ID>` prints it as JSON; `configtxlator proto_encode --type
 * common.ConfigGroup` turns that JSON into the binary form. Both forms are accepted here.
 */
import { common } from '@hyperledger/fabric-protos';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../gateway/errors';
import { applicationGroup, mspIdOfGroup } from './config';
import { AdminError } from './errors';

/** A decoded org definition. */
export interface OrgDefinition {
  /** The MSP ID its MSP value declares. */
  readonly mspId: string;
  readonly group: common.ConfigGroup;
}

/** Where `npm run network:up` builds the Fabric binaries (application/dist/admin → repo). */
const BUILT_BIN_DIR = path.resolve(__dirname, '../../../.fabric/bin');

/** The path of a Fabric tool: in `FABRIC_BIN`, else in the built `.fabric/bin`, else on the PATH. */
export function fabricTool(tool: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env['FABRIC_BIN'] ?? (existsSync(path.join(BUILT_BIN_DIR, tool)) ? BUILT_BIN_DIR : undefined);
  return dir === undefined ? tool : path.join(dir, tool);
}

/**
 * Encodes `configtxgen -printOrg` JSON with the pinned configtxlator. A bare ConfigGroup cannot be
 * encoded (the MSP and AnchorPeers values are typed by where the group sits in a channel config),
 * so the org is placed into a skeleton config as an Application org, encoded as `common.Config`,
 * and taken out again.
 */
function encodeJson(file: string): common.ConfigGroup {
  let org: unknown;
  try {
    org = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new AdminError(`${file} is not JSON: ${(cause as Error).message}`, 'BAD_ARTIFACT', { cause });
  }
  const name = 'org';
  const skeleton = { channel_group: { groups: { Application: { groups: { [name]: org } } } } };
  const tool = fabricTool('configtxlator');
  const directory = mkdtempSync(path.join(tmpdir(), 'estp-org-'));
  try {
    const input = path.join(directory, 'config.json');
    // An output file, not stdout: configtxlator opens /dev/stdout, which fails on a socket pair.
    const output = path.join(directory, 'config.pb');
    writeFileSync(input, JSON.stringify(skeleton));
    const result = spawnSync(tool, [
      'proto_encode',
      '--type',
      'common.Config',
      '--input',
      input,
      '--output',
      output,
    ]);
    if (result.error) {
      throw new ConfigError(`cannot run ${tool} to encode ${file}: ${result.error.message}`, {
        cause: result.error,
      });
    }
    if (result.status !== 0) {
      throw new AdminError(
        `${file} is not an org definition (configtxlator: ${result.stderr.toString().trim()})`,
        'BAD_ARTIFACT',
      );
    }
    const group = applicationGroup(common.Config.deserializeBinary(readFileSync(output)))
      .getGroupsMap()
      .get(name);
    if (!group) throw new AdminError(`${file}: configtxlator returned no org group`, 'BAD_ARTIFACT');
    return group;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/**
 * Reads an org definition: JSON (`configtxgen -printOrg`, encoded with the pinned configtxlator)
 * or binary `common.ConfigGroup`.
 * @throws {AdminError} BAD_ARTIFACT when it does not declare a Fabric MSP.
 */
export function readOrgDefinition(file: string): OrgDefinition {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (cause) {
    throw new ConfigError(`cannot read org definition ${file}: ${(cause as Error).message}`, { cause });
  }
  let group: common.ConfigGroup;
  if (Buffer.from(bytes).toString('utf8').trimStart().startsWith('{')) {
    group = encodeJson(file);
  } else {
    try {
      group = common.ConfigGroup.deserializeBinary(bytes);
    } catch (cause) {
      throw new AdminError(`${file} is not an org definition (common.ConfigGroup)`, 'BAD_ARTIFACT', {
        cause,
      });
    }
  }
  const mspId = mspIdOfGroup(group);
  if (!mspId) throw new AdminError(`${file} declares no Fabric MSP (MSP value with a name)`, 'BAD_ARTIFACT');
  return { mspId, group };
}
