/**
 * A channel's configuration as the ordering service holds it: the latest configuration block
 * (found through the newest block's last-config index), the `common.Config` inside, and a readable
 * summary of its organisations, anchor peers and policies.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import type { ConnectionProfile } from '../gateway/profile';
import { AdminError } from './errors';
import { fetchBlock } from './orderer';
import { sortedKeys } from '../protobuf';
import type { AdminSigner } from './signer';

/** The configuration in force and where it came from. */
export interface ChannelConfig {
  readonly channel: string;
  /** Number of the configuration block that holds it. */
  readonly blockNumber: number;
  readonly config: common.Config;
}

/** Decodes the configuration carried by a configuration block. */
export function configOfBlock(block: common.Block): { channel: string; config: common.Config } {
  const number = block.getHeader()?.getNumber() ?? 0;
  const data = block.getData()?.getDataList_asU8() ?? [];
  const first = data[0];
  if (data.length !== 1 || first === undefined) {
    throw new AdminError(
      `block ${number} is not a configuration block (${data.length} envelopes)`,
      'BAD_ARTIFACT',
    );
  }
  const payload = common.Payload.deserializeBinary(
    common.Envelope.deserializeBinary(first).getPayload_asU8(),
  );
  const channelHeader = common.ChannelHeader.deserializeBinary(
    payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
  );
  if (channelHeader.getType() !== common.HeaderType.CONFIG) {
    throw new AdminError(
      `block ${number} is not a configuration block (header type ${channelHeader.getType()})`,
      'BAD_ARTIFACT',
    );
  }
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  if (!config?.getChannelGroup()) {
    throw new AdminError(`configuration block ${number} carries no channel group`, 'BAD_ARTIFACT');
  }
  return { channel: channelHeader.getChannelId(), config };
}

/** The number of the last configuration block as recorded in a block's metadata. */
export function lastConfigIndex(block: common.Block): number {
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  const signatures = metadata[common.BlockMetadataIndex.SIGNATURES];
  if (signatures && signatures.length > 0) {
    const value = common.Metadata.deserializeBinary(signatures).getValue_asU8();
    if (value.length > 0) {
      const lastConfig = common.OrdererBlockMetadata.deserializeBinary(value).getLastConfig();
      if (lastConfig) return lastConfig.getIndex();
    }
  }
  // Fabric 1.x kept it in its own (now deprecated) metadata entry.
  const legacy = metadata[common.BlockMetadataIndex.LAST_CONFIG];
  if (legacy && legacy.length > 0) {
    return common.LastConfig.deserializeBinary(
      common.Metadata.deserializeBinary(legacy).getValue_asU8(),
    ).getIndex();
  }
  throw new AdminError(
    `block ${block.getHeader()?.getNumber() ?? '?'} records no last configuration index`,
    'BAD_ARTIFACT',
  );
}

/**
 * The configuration in force on `channel`: the newest block names the last configuration block,
 * which is fetched and decoded. Signed by `signer`, who must satisfy the channel's Readers policy.
 */
export async function fetchChannelConfig(
  profile: ConnectionProfile,
  signer: AdminSigner,
  channel: string = profile.channel,
): Promise<ChannelConfig> {
  const newest = await fetchBlock(profile, signer, channel, 'newest');
  const index = lastConfigIndex(newest);
  const block =
    index === newest.getHeader()?.getNumber() ? newest : await fetchBlock(profile, signer, channel, index);
  const { config } = configOfBlock(block);
  return { channel, blockNumber: index, config };
}

/** The channel group (root) of a configuration. */
export function channelGroupOf(config: common.Config): common.ConfigGroup {
  const group = config.getChannelGroup();
  if (!group) throw new AdminError('the configuration has no channel group', 'BAD_ARTIFACT');
  return group;
}

/** The `Application` group of a configuration. */
export function applicationGroup(config: common.Config): common.ConfigGroup {
  const application = channelGroupOf(config).getGroupsMap().get('Application');
  if (!application) throw new AdminError('the configuration has no Application group', 'BAD_ARTIFACT');
  return application;
}

/** MSP IDs of the application (peer) orgs, sorted. */
export function applicationOrgs(config: common.Config): string[] {
  return sortedKeys(applicationGroup(config).getGroupsMap());
}

/** The MSP ID a group's `MSP` value declares (an org definition names itself). */
export function mspIdOfGroup(group: common.ConfigGroup): string | undefined {
  const value = group.getValuesMap().get('MSP');
  if (!value) return undefined;
  const config = msp.MSPConfig.deserializeBinary(value.getValue_asU8());
  if (config.getType() !== 0) return undefined; // 0 = FABRIC (X.509)
  return msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8()).getName() || undefined;
}

/** `host:port` of each anchor peer in an org group. */
export function anchorPeersOf(group: common.ConfigGroup): string[] {
  const value = group.getValuesMap().get('AnchorPeers');
  if (!value) return [];
  return peer.AnchorPeers.deserializeBinary(value.getValue_asU8())
    .getAnchorPeersList()
    .map((anchor) => `${anchor.getHost()}:${anchor.getPort()}`);
}

const IMPLICIT_META_RULES = ['ANY', 'ALL', 'MAJORITY'] as const;

/** A policy in words: `MAJORITY Admins` (implicit meta) or `signature` / `type N`. */
export function describePolicy(policy: common.ConfigPolicy | undefined): string {
  const inner = policy?.getPolicy();
  if (!inner) return 'none';
  if (inner.getType() === common.Policy.PolicyType.IMPLICIT_META) {
    const meta = common.ImplicitMetaPolicy.deserializeBinary(inner.getValue_asU8());
    return `${IMPLICIT_META_RULES[meta.getRule()]} ${meta.getSubPolicy()}`;
  }
  if (inner.getType() === common.Policy.PolicyType.SIGNATURE) return 'signature policy';
  return `policy type ${inner.getType()}`;
}

/** What `estp admin config` shows. */
export interface ConfigSummary {
  readonly channel: string;
  readonly configBlock: number;
  /** Configuration sequence: increases by one with each committed update. */
  readonly sequence: number;
  readonly applicationOrgs: readonly { readonly mspId: string; readonly anchorPeers: readonly string[] }[];
  readonly ordererOrgs: readonly string[];
  /** The Application group's policies in words (Admins decides who may change membership). */
  readonly applicationPolicies: Readonly<Record<string, string>>;
}

export function summariseConfig(channelConfig: ChannelConfig): ConfigSummary {
  const { config } = channelConfig;
  const application = applicationGroup(config);
  const applicationOrgGroups = application.getGroupsMap();
  const ordererGroup = channelGroupOf(config).getGroupsMap().get('Orderer');
  const policies = application.getPoliciesMap();
  return {
    channel: channelConfig.channel,
    configBlock: channelConfig.blockNumber,
    sequence: config.getSequence(),
    applicationOrgs: sortedKeys(applicationOrgGroups).map((mspId) => {
      const group = applicationOrgGroups.get(mspId);
      return { mspId, anchorPeers: group ? anchorPeersOf(group) : [] };
    }),
    ordererOrgs: ordererGroup ? sortedKeys(ordererGroup.getGroupsMap()) : [],
    applicationPolicies: Object.fromEntries(
      sortedKeys(policies).map((name) => [name, describePolicy(policies.get(name))]),
    ),
  };
}
