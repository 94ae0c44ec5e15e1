/**
 * `estp admin …`: Fabric channel administration as separate org admins do it, one step per
 * command, each signed by the org's Fabric admin (the NodeOU admin in the org's own directory,
 * `.fabric/orgs/<org>/crypto/users/Admin@…` — not an ESTP role). Onboarding an org
 * (docs/onboarding.md):
 *
 *   estp admin add-org --org utility --definition CityMSP.json --out add-CityMSP.pb
 *   estp admin sign    --org utility    --file add-CityMSP.pb
 *   estp admin sign    --org enterprise --file add-CityMSP.pb
 *   estp admin submit  --org utility    --file add-CityMSP.pb
 *   estp admin join    --org city
 *   estp admin anchor-peer --org city
 *
 * Every command can run again: a member org, a signature already present, an applied update or a
 * joined peer are reported and left alone.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { memberOrgsOf, orgsAddedBy, signaturesOf, decodeUpdateFile } from '../../admin/config-update';
import { summariseConfig } from '../../admin/config';
import { readOrgDefinition } from '../../admin/definition';
import { fetchBlock } from '../../admin/orderer';
import {
  currentConfig,
  DEFAULT_WAIT_MS,
  joinPeer,
  ledgerHeights,
  prepareAddOrg,
  setAnchorPeers,
  signUpdateFile,
  submitUpdateFile,
} from '../../admin/operations';
import { fabricAdminOf, type OrgAdmin } from '../../admin/signer';
import { ConfigError, UsageError } from '../../gateway/errors';
import { resolveOrg } from '../../gateway/profile';
import { requiredValue, settingsOf, textOption } from '../context';
import { formatTable } from '../table';
import { toolUsage } from '../usage';
import type { ToolCommand, ToolContext } from './types';

/** The Fabric admin of `--org` (or of `--profile`'s org), from that org's own directory. */
function adminOf(context: ToolContext, usage: string): OrgAdmin {
  return fabricAdminOf(settingsOf(context.global, usage));
}

function timeoutOf(context: ToolContext, usage: string): number {
  const text = textOption(context.options, 'timeout');
  if (text === undefined) return DEFAULT_WAIT_MS;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new UsageError('--timeout must be whole seconds ≥ 1', usage);
  return Number(text) * 1000;
}

function readFile(file: string, what: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new ConfigError(`cannot read ${what} ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** Replaces `file` atomically (a half-written update file must never be signed). */
function writeFileAtomically(file: string, bytes: Uint8Array): void {
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, file);
}

function out(context: ToolContext, json: unknown, text: string): void {
  context.io.out(context.global.json ? JSON.stringify(json) : text);
}

const TIMEOUT_OPTION = {
  name: 'timeout',
  value: '<s>',
  description: `how long to wait (default ${DEFAULT_WAIT_MS / 1000} s)`,
};

const configCommand: ToolCommand = {
  name: 'config',
  description: "the channel's configuration in force, from the orderer: member orgs, anchor peers, policies",
  synopsis: 'estp admin config --org <org> [--out <config.block>] [--json]',
  examples: ['estp admin config --org utility', 'estp admin config --org utility --out config.block --json'],
  options: [{ name: 'out', value: '<path>', description: 'also save the configuration block (binary)' }],
  run: async (context) => {
    const usage = toolUsage(configCommand, adminCommand);
    const admin = adminOf(context, usage);
    const current = await currentConfig(admin);
    const file = textOption(context.options, 'out');
    if (file !== undefined) {
      const block = await fetchBlock(admin.profile, admin.signer, admin.profile.channel, current.blockNumber);
      writeFileAtomically(file, block.serializeBinary());
    }
    const summary = summariseConfig(current);
    const text = [
      `channel ${summary.channel}: configuration sequence ${summary.sequence}, in block ${summary.configBlock}`,
      formatTable(
        summary.applicationOrgs.map((member) => ({
          org: member.mspId,
          anchorPeers: member.anchorPeers.join(' ') || '—',
        })),
      ),
      `orderer orgs: ${summary.ordererOrgs.join(', ')}`,
      `application policies: ${Object.entries(summary.applicationPolicies)
        .map(([name, rule]) => `${name}=${rule}`)
        .join(', ')}`,
      ...(file === undefined ? [] : [`configuration block saved to ${file}`]),
    ].join('\n');
    out(context, summary, text);
    return 0;
  },
};

const addOrgCommand: ToolCommand = {
  name: 'add-org',
  description: 'compute the config update adding an org to the channel (unsigned; from the current config)',
  synopsis:
    'estp admin add-org --org <proposing org> --definition <org.json|org.pb> --out <update.pb> [--json]',
  examples: ['estp admin add-org --org utility --definition city.json --out city-update.pb'],
  options: [
    {
      name: 'definition',
      value: '<path>',
      description: 'the new org: `configtxgen -printOrg <MSP ID>` JSON, or a binary common.ConfigGroup',
    },
    {
      name: 'out',
      value: '<path>',
      description: 'where to write the update (the peer CLI signconfigtx format)',
    },
  ],
  run: async (context) => {
    const usage = toolUsage(addOrgCommand, adminCommand);
    const admin = adminOf(context, usage);
    const channel = admin.profile.channel;
    const definitionFile = requiredValue(textOption(context.options, 'definition'), '--definition', usage);
    const file = requiredValue(textOption(context.options, 'out'), '--out', usage);
    const definition = readOrgDefinition(definitionFile);
    const plan = await prepareAddOrg(admin, definition);
    if (plan.alreadyMember) {
      out(
        context,
        { mspId: plan.mspId, alreadyMember: true, configBlock: plan.configBlock },
        `${plan.mspId} is already a member of ${channel} (configuration block ${plan.configBlock}): no update written`,
      );
      return 0;
    }
    writeFileAtomically(file, plan.file);
    const needed = Math.floor(plan.members.length / 2) + 1;
    out(
      context,
      { mspId: plan.mspId, alreadyMember: false, configBlock: plan.configBlock, members: plan.members, file },
      `wrote ${file}: adds ${plan.mspId} to ${channel} (from configuration block ${plan.configBlock}); ` +
        `now collect the signatures of ${plan.members.join(', ')} admins (MAJORITY: ${needed}) with \`estp admin sign\``,
    );
    return 0;
  },
};

const signCommand: ToolCommand = {
  name: 'sign',
  description: "add the org's Fabric admin signature to a config update file (offline; once per org)",
  synopsis: 'estp admin sign --org <org> --file <update.pb> [--json]',
  examples: ['estp admin sign --org enterprise --file city-update.pb'],
  options: [{ name: 'file', value: '<path>', description: 'the update file, rewritten with the signature' }],
  run: async (context) => {
    const usage = toolUsage(signCommand, adminCommand);
    const { org, signer } = adminOf(context, usage);
    const file = requiredValue(textOption(context.options, 'file'), '--file', usage);
    const signed = await signUpdateFile(signer, readFile(file, 'update file'));
    if (signed.added) writeFileAtomically(file, signed.file);
    const signatures = signaturesOf(signed.pending);
    const members = memberOrgsOf(signed.pending.update);
    const signers = [
      ...new Set(signatures.filter((s) => s.valid && members.includes(s.mspId)).map((s) => s.mspId)),
    ];
    const invalid = signatures.filter((signature) => !signature.valid);
    out(
      context,
      { file, added: signed.added, signatures, members },
      `${signed.added ? `signed ${file} as ${org.mspId}'s Fabric admin` : `${org.mspId} had signed ${file} already`}; ` +
        `signatures: ${signatures.map((s) => s.mspId).join(', ')}` +
        (members.length > 0 ? ` (${signers.length} of the ${members.length} member orgs)` : '') +
        (invalid.length > 0 ? `; WARNING: ${invalid.length} signature(s) do not verify` : ''),
    );
    return 0;
  },
};

const submitCommand: ToolCommand = {
  name: 'submit',
  description: 'submit a signed config update to the orderer and wait for its configuration block',
  synopsis: 'estp admin submit --org <org> --file <update.pb> [--timeout <s>] [--json]',
  examples: ['estp admin submit --org utility --file city-update.pb --timeout 60'],
  options: [{ name: 'file', value: '<path>', description: 'the signed update file' }, TIMEOUT_OPTION],
  run: async (context) => {
    const usage = toolUsage(submitCommand, adminCommand);
    const admin = adminOf(context, usage); // fails on a missing admin before reading anything
    const { org } = admin;
    const file = requiredValue(textOption(context.options, 'file'), '--file', usage);
    const timeoutMs = timeoutOf(context, usage);
    const bytes = readFile(file, 'update file');
    const pending = decodeUpdateFile(bytes);
    const outcome = await submitUpdateFile(admin, bytes, timeoutMs);
    const adds = orgsAddedBy(pending.update);
    if (!outcome.applied) {
      out(context, outcome, `not submitted: ${outcome.reason} (configuration block ${outcome.configBlock})`);
      return 0;
    }
    out(
      context,
      { ...outcome, adds, signatures: signaturesOf(pending).map((s) => s.mspId) },
      `submitted by ${org.mspId} to ${outcome.orderer}: configuration block ${outcome.configBlock} ` +
        `(sequence ${outcome.sequence})${adds.length > 0 ? ` adds ${adds.join(', ')}` : ''}`,
    );
    return 0;
  },
};

const joinCommand: ToolCommand = {
  name: 'join',
  description:
    "join the org's peers to the channel (genesis block from the orderer) and wait until they caught up",
  synopsis: 'estp admin join --org <org> [--timeout <s>] [--json]',
  examples: ['estp admin join --org city'],
  options: [
    {
      ...TIMEOUT_OPTION,
      description: `how long a joined peer's height may stand still while it catches up (default ${DEFAULT_WAIT_MS / 1000} s)`,
    },
  ],
  run: async (context) => {
    const usage = toolUsage(joinCommand, adminCommand);
    const admin = adminOf(context, usage);
    const { org } = admin;
    const outcome = await joinPeer(admin, timeoutOf(context, usage), ({ peer, height, ordererHeight }) => {
      context.io.err(`${peer}: catching up, height ${height} of ${ordererHeight}`);
    });
    const joined = outcome.peers.filter((peer) => !peer.alreadyJoined).map((peer) => peer.peer);
    out(
      context,
      { mspId: org.mspId, ...outcome },
      `${org.mspId}'s peers ${joined.length === 0 ? 'were already on' : `joined (${joined.join(', ')})`} ` +
        `${admin.profile.channel}; height ${outcome.height} (orderer ${outcome.ordererHeight})`,
    );
    return 0;
  },
};

const anchorPeerCommand: ToolCommand = {
  name: 'anchor-peer',
  description: "set the org's anchor peers in the channel config (the org's own admin signs and submits)",
  synopsis: 'estp admin anchor-peer --org <org> [--endpoint <host:port>] [--timeout <s>] [--json]',
  examples: ['estp admin anchor-peer --org city'],
  options: [
    {
      name: 'endpoint',
      value: '<host:port>',
      description: "the anchor peers (default: the org's peers in its profile), separated by commas",
    },
    TIMEOUT_OPTION,
  ],
  run: async (context) => {
    const usage = toolUsage(anchorPeerCommand, adminCommand);
    const admin = adminOf(context, usage);
    const { org } = admin;
    const endpoint = textOption(context.options, 'endpoint');
    const endpoints =
      endpoint === undefined
        ? org.peers.map((peer) => peer.endpoint)
        : endpoint.split(',').map((e) => e.trim());
    const outcome = await setAnchorPeers(admin, endpoints, timeoutOf(context, usage));
    out(
      context,
      { mspId: org.mspId, ...outcome },
      outcome.changed
        ? `${org.mspId}'s anchor peers are ${outcome.anchorPeers.join(', ')}: configuration block ${outcome.configBlock} (sequence ${outcome.sequence})`
        : `${org.mspId}'s anchor peers are ${outcome.anchorPeers.join(', ')} already (configuration block ${outcome.configBlock})`,
    );
    return 0;
  },
};

const heightsCommand: ToolCommand = {
  name: 'heights',
  description:
    "the channel's ledger height on each peer of the member orgs (or of --of <org>), asked by --org's admin",
  synopsis: 'estp admin heights --org <org> [--of <org>] [--json]',
  examples: ['estp admin heights --org utility', 'estp admin heights --org city --of community --json'],
  options: [{ name: 'of', value: '<org>', description: "only this org's peers" }],
  run: async (context) => {
    const usage = toolUsage(heightsCommand, adminCommand);
    const admin = adminOf(context, usage);
    const of = textOption(context.options, 'of');
    const orgs = of === undefined ? Object.values(admin.profile.orgs) : [resolveOrg(admin.profile, of)];
    const rows = await ledgerHeights(admin, orgs);
    out(
      context,
      rows,
      formatTable(
        rows.map((row) => ({ org: row.mspId, peer: row.peer, height: row.height ?? row.error ?? '' })),
      ),
    );
    return rows.some((row) => row.height === undefined) ? 3 : 0;
  },
};

export const adminCommand: ToolCommand = {
  name: 'admin',
  description: "Fabric channel administration as an org's Fabric admin: add an org, sign, submit, join",
  synopsis: 'estp admin config|add-org|sign|submit|join|anchor-peer|heights --org <org> [options]',
  examples: ['estp admin heights', 'estp admin config --org utility'],
  options: [],
  subcommands: [
    configCommand,
    addOrgCommand,
    signCommand,
    submitCommand,
    joinCommand,
    anchorPeerCommand,
    heightsCommand,
  ],
};
