/**
 * The Fabric administration steps behind `estp admin …`, one function each, every one safe to run
 * again: adding an org to the channel (compute the update from the current configuration, sign it
 * org by org, submit it), joining a peer and reading ledger heights.
 */
import type { OrgInfo } from '../gateway/profile';
import {
  anchorPeersOf,
  applicationGroup,
  type ChannelConfig,
  applicationOrgs,
  fetchChannelConfig,
} from './config';
import {
  computeConfigUpdate,
  decodeUpdateFile,
  encodeUpdateFile,
  orgsAddedBy,
  type PendingUpdate,
  signUpdate,
  submissionEnvelope,
  withAnchorPeers,
  withApplicationOrg,
} from './config-update';
import type { OrgDefinition } from './definition';
import { AdminError } from './errors';
import { broadcast, fetchBlock } from './orderer';
import { joinChannel, joinedChannels, peerHeight, peersOf } from './peer';
import type { AdminSigner, OrgAdmin } from './signer';

/** How long to wait for a submitted update's block, or for a joined peer to catch up (ms). */
export const DEFAULT_WAIT_MS = 60_000;
const POLL_MS = 250;

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** Polls `probe` until it returns a value, or fails with TIMEOUT naming `what`. */
async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() >= deadline)
      throw new AdminError(`timed out after ${timeoutMs} ms waiting for ${what}`, 'TIMEOUT');
    await sleep(POLL_MS);
  }
}

/** The channel's current configuration, read from the orderer as the org's Fabric admin. */
export function currentConfig({ profile, signer }: OrgAdmin): Promise<ChannelConfig> {
  return fetchChannelConfig(profile, signer, profile.channel);
}

/** What {@link prepareAddOrg} found or wrote. */
export type AddOrgPlan =
  | { readonly alreadyMember: true; readonly mspId: string; readonly configBlock: number }
  | {
      readonly alreadyMember: false;
      readonly mspId: string;
      readonly configBlock: number;
      /** Application orgs before the update (whose admins must sign). */
      readonly members: readonly string[];
      /** The unsigned update file. */
      readonly file: Uint8Array;
    };

/**
 * Computes the update adding `definition`'s org to the Application group, from the configuration
 * in force (fetched by the org's Fabric admin). Nothing is signed or submitted.
 */
export async function prepareAddOrg(admin: OrgAdmin, definition: OrgDefinition): Promise<AddOrgPlan> {
  const channel = admin.profile.channel;
  const current = await currentConfig(admin);
  const members = applicationOrgs(current.config);
  if (members.includes(definition.mspId)) {
    return { alreadyMember: true, mspId: definition.mspId, configBlock: current.blockNumber };
  }
  const updated = withApplicationOrg(current.config, definition.mspId, definition.group);
  const update = computeConfigUpdate(channel, current.config, updated);
  return {
    alreadyMember: false,
    mspId: definition.mspId,
    configBlock: current.blockNumber,
    members,
    file: encodeUpdateFile(channel, update.serializeBinary()),
  };
}

/** Adds `signer`'s signature (an org's Fabric admin, see `fabricAdminOf`) to an update file (offline). */
export async function signUpdateFile(
  signer: AdminSigner,
  file: Uint8Array,
): Promise<{ readonly file: Uint8Array; readonly pending: PendingUpdate; readonly added: boolean }> {
  const { pending, added } = await signUpdate(decodeUpdateFile(file), signer);
  return {
    file: added ? encodeUpdateFile(pending.channel, pending.updateBytes, pending.signatures) : file,
    pending,
    added,
  };
}

/** What {@link submitUpdateFile} did. */
export type SubmitOutcome =
  | { readonly applied: false; readonly reason: string; readonly configBlock: number }
  | {
      readonly applied: true;
      readonly orderer: string;
      readonly configBlock: number;
      readonly sequence: number;
    };

/**
 * Submits a signed update as the org's Fabric admin and waits until the orderer has cut the new
 * configuration block. An update whose orgs are all members already is not submitted again.
 * @throws {AdminError} ORDERER_REJECTED with the orderer's reason (missing signatures, a stale
 *   read set after another update), TIMEOUT when no new configuration appears
 */
export async function submitUpdateFile(
  { profile, signer }: OrgAdmin,
  file: Uint8Array,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<SubmitOutcome> {
  const pending = decodeUpdateFile(file);
  if (pending.channel !== profile.channel) {
    throw new AdminError(
      `the update is for channel ${pending.channel}, the profile's channel is ${profile.channel}`,
      'BAD_ARTIFACT',
    );
  }
  const before = await fetchChannelConfig(profile, signer, pending.channel);
  const added = orgsAddedBy(pending.update);
  const members = applicationOrgs(before.config);
  if (added.length > 0 && added.every((mspId) => members.includes(mspId))) {
    return {
      applied: false,
      reason: `${added.join(', ')} already in the channel`,
      configBlock: before.blockNumber,
    };
  }
  const { orderer } = await broadcast(profile, await submissionEnvelope(pending, signer));
  const after = await waitFor(
    `the configuration block of the update on ${pending.channel}`,
    timeoutMs,
    async () => {
      const config = await fetchChannelConfig(profile, signer, pending.channel);
      return config.config.getSequence() > before.config.getSequence() ? config : undefined;
    },
  );
  return { applied: true, orderer, configBlock: after.blockNumber, sequence: after.config.getSequence() };
}

/** What {@link setAnchorPeers} did. */
export type AnchorOutcome =
  | { readonly changed: false; readonly anchorPeers: readonly string[]; readonly configBlock: number }
  | {
      readonly changed: true;
      readonly anchorPeers: readonly string[];
      readonly configBlock: number;
      readonly sequence: number;
    };

/**
 * Sets the org's anchor peers (default: every peer of the org in its profile) in the channel
 * configuration. Only the org's own group changes, whose modification policy is the org's Admins:
 * the org's Fabric admin computes, signs and submits the update alone.
 */
export async function setAnchorPeers(
  admin: OrgAdmin,
  anchorPeers: readonly string[] = admin.org.peers.map((peer) => peer.endpoint),
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<AnchorOutcome> {
  const { profile, org, signer } = admin;
  const current = await currentConfig(admin);
  const group = applicationGroup(current.config).getGroupsMap().get(org.mspId);
  if (!group) throw new AdminError(`${org.mspId} is not a member of ${profile.channel}`, 'BAD_ARTIFACT');
  if (anchorPeersOf(group).join(' ') === anchorPeers.join(' ')) {
    return { changed: false, anchorPeers, configBlock: current.blockNumber };
  }
  const updated = withAnchorPeers(current.config, org.mspId, anchorPeers);
  const update = computeConfigUpdate(profile.channel, current.config, updated);
  const { file } = await signUpdateFile(signer, encodeUpdateFile(profile.channel, update.serializeBinary()));
  const outcome = await submitUpdateFile(admin, file, timeoutMs);
  if (!outcome.applied)
    throw new AdminError(`anchor peer update not applied: ${outcome.reason}`, 'NO_CHANGE');
  return { changed: true, anchorPeers, configBlock: outcome.configBlock, sequence: outcome.sequence };
}

/** What {@link joinPeer} did. */
export interface JoinOutcome {
  /** Every peer of the org had joined before. */
  readonly alreadyJoined: boolean;
  /** The lowest height of the org's peers when done. */
  readonly height: number;
  /** The orderer's height they caught up with. */
  readonly ordererHeight: number;
  /** Each peer: whether it had joined, its height when done. */
  readonly peers: readonly {
    readonly peer: string;
    readonly alreadyJoined: boolean;
    readonly height: number;
  }[];
}

/** A joined peer's progress towards the orderer's height, reported while it catches up. */
export interface CatchUpProgress {
  readonly peer: string;
  readonly height: number;
  readonly ordererHeight: number;
}

/** How often {@link joinPeer} reports a catching-up peer's progress (ms). */
const PROGRESS_EVERY_MS = 5_000;

/**
 * Joins every peer of the org to the channel: the genesis block comes from the orderer (fetched by
 * the org's Fabric admin, so the org must be a member already), then waits until each peer's ledger
 * has caught up with the orderer's height at that moment — for as long as the peer keeps
 * committing blocks: a long channel takes as long as it takes, and only a peer whose height has not
 * grown for `stallMs` fails the join (TIMEOUT).
 */
export async function joinPeer(
  { profile, org, signer }: OrgAdmin,
  stallMs = DEFAULT_WAIT_MS,
  onProgress?: (progress: CatchUpProgress) => void,
): Promise<JoinOutcome> {
  const channel = profile.channel;
  const targets = peersOf(org);
  const joined = await Promise.all(
    targets.map(async (target) => (await joinedChannels(target, signer)).includes(channel)),
  );
  if (joined.includes(false)) {
    const genesis = await fetchBlock(profile, signer, channel, 0);
    for (const [index, target] of targets.entries()) {
      if (!joined[index]) await joinChannel(target, signer, genesis);
    }
  }
  const newest = await fetchBlock(profile, signer, channel, 'newest');
  const ordererHeight = (newest.getHeader()?.getNumber() ?? 0) + 1;
  const heights = await Promise.all(
    targets.map(async (target) => {
      const peer = target.peer.endpoint;
      let highest = -1;
      let grewAt = Date.now();
      let reportedAt = Date.now();
      for (;;) {
        const height = await peerHeight(target, signer, channel).catch(() => 0);
        if (height >= ordererHeight) return height;
        const now = Date.now();
        if (height > highest) {
          highest = height;
          grewAt = now;
        } else if (now - grewAt >= stallMs) {
          throw new AdminError(
            `${peer} stopped catching up: height ${height} of ${ordererHeight}, unchanged for ${stallMs} ms`,
            'TIMEOUT',
          );
        }
        if (onProgress && now - reportedAt >= PROGRESS_EVERY_MS) {
          onProgress({ peer, height, ordererHeight });
          reportedAt = now;
        }
        await sleep(POLL_MS);
      }
    }),
  );
  return {
    alreadyJoined: !joined.includes(false),
    height: Math.min(...heights),
    ordererHeight,
    peers: targets.map((target, index) => ({
      peer: target.peer.endpoint,
      alreadyJoined: joined[index] ?? false,
      height: heights[index] ?? 0,
    })),
  };
}

/** One row of {@link ledgerHeights}. */
export interface HeightRow {
  readonly mspId: string;
  readonly peer: string;
  /** Undefined when the peer could not be asked (the error is in `error`). */
  readonly height?: number;
  readonly error?: string;
}

/**
 * The channel's height on every peer of the given orgs, asked by one org's Fabric admin (any member
 * may read a peer's chain information: the channel's Readers policy).
 */
export async function ledgerHeights(
  { profile, signer }: OrgAdmin,
  orgs: readonly OrgInfo[],
): Promise<HeightRow[]> {
  return Promise.all(
    orgs.flatMap(peersOf).map(async (target): Promise<HeightRow> => {
      const row = { mspId: target.mspId, peer: target.peer.endpoint };
      try {
        return { ...row, height: await peerHeight(target, signer, profile.channel) };
      } catch (error) {
        return { ...row, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
}
