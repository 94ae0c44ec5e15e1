/**
 * Channel configuration updates, computed and signed the way Fabric's own tools do it:
 *
 * - {@link computeConfigUpdate} derives the read set and write set that turn one `common.Config`
 *   into another (the rules of `configtxlator compute_update`: changed elements get version + 1,
 *   a group whose membership changes is rewritten with its unchanged members at their versions);
 * - the update travels as a file holding an unsigned `common.Envelope` (header type CONFIG_UPDATE)
 *   around a `ConfigUpdateEnvelope`, the format `peer channel signconfigtx` and
 *   `peer channel update` read, so admins can sign it with either tool;
 * - each org's admin appends one `ConfigSignature` over signature header ‖ config update bytes,
 *   offline and in turn; whoever submits wraps it in an envelope signed by themselves.
 */
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { verify, X509Certificate } from 'node:crypto';
import { applicationGroup, channelGroupOf } from './config';
import { newChannelHeader, newPayload, signedEnvelope } from './envelope';
import { AdminError } from './errors';
import type { ProtoMap } from '../protobuf';
import { type AdminSigner, mspIdOfCreator, newSignatureHeader } from './signer';

// ---------------------------------------------------------------------------------------------
// Computing the update

/** A config element with a version and a modification policy (ConfigValue, ConfigPolicy). */
interface Element {
  getVersion(): number;
  setVersion(version: number): void;
  getModPolicy(): string;
  setModPolicy(policy: string): void;
}

interface MapDelta<V> {
  readonly read: Map<string, V>;
  readonly write: Map<string, V>;
  /** Unchanged members, version only: kept in both sets when the parent group is rewritten. */
  readonly same: Map<string, V>;
  /** A member was added or removed. */
  readonly membersChanged: boolean;
}

/** Delta of a map of values or policies. `content` gives the bytes that must be equal. */
function elementMapDelta<V extends Element>(
  original: ProtoMap<string, V>,
  updated: ProtoMap<string, V>,
  create: () => V,
  content: (element: V) => Uint8Array,
  copyContent: (from: V, to: V) => void,
): MapDelta<V> {
  const delta: MapDelta<V> = { read: new Map(), write: new Map(), same: new Map(), membersChanged: false };
  let membersChanged = false;
  for (const name of original.keys()) {
    const before = original.get(name);
    const after = updated.get(name);
    if (!before) continue;
    if (!after) {
      membersChanged = true;
      continue;
    }
    if (
      before.getModPolicy() === after.getModPolicy() &&
      Buffer.from(content(before)).equals(content(after))
    ) {
      const same = create();
      same.setVersion(before.getVersion());
      delta.same.set(name, same);
      continue;
    }
    const changed = create();
    changed.setVersion(before.getVersion() + 1);
    changed.setModPolicy(after.getModPolicy());
    copyContent(after, changed);
    delta.write.set(name, changed);
  }
  for (const name of updated.keys()) {
    const after = updated.get(name);
    if (original.has(name) || !after) continue;
    membersChanged = true;
    const added = create();
    added.setVersion(0);
    added.setModPolicy(after.getModPolicy());
    copyContent(after, added);
    delta.write.set(name, added);
  }
  return { ...delta, membersChanged };
}

function valuesDelta(
  original: common.ConfigGroup,
  updated: common.ConfigGroup,
): MapDelta<common.ConfigValue> {
  return elementMapDelta(
    original.getValuesMap(),
    updated.getValuesMap(),
    () => new common.ConfigValue(),
    (value) => value.getValue_asU8(),
    (from, to) => {
      to.setValue(from.getValue_asU8());
    },
  );
}

function policiesDelta(
  original: common.ConfigGroup,
  updated: common.ConfigGroup,
): MapDelta<common.ConfigPolicy> {
  return elementMapDelta(
    original.getPoliciesMap(),
    updated.getPoliciesMap(),
    () => new common.ConfigPolicy(),
    (policy) => policy.getPolicy()?.serializeBinary() ?? new Uint8Array(),
    (from, to) => {
      to.setPolicy(from.getPolicy());
    },
  );
}

interface GroupDelta {
  readonly readSet: common.ConfigGroup;
  readonly writeSet: common.ConfigGroup;
  readonly changed: boolean;
}

function groupsDelta(
  original: common.ConfigGroup,
  updated: common.ConfigGroup,
): MapDelta<common.ConfigGroup> {
  const delta: MapDelta<common.ConfigGroup> = {
    read: new Map(),
    write: new Map(),
    same: new Map(),
    membersChanged: false,
  };
  let membersChanged = false;
  const before = original.getGroupsMap();
  const after = updated.getGroupsMap();
  for (const name of before.keys()) {
    const from = before.get(name);
    const to = after.get(name);
    if (!from) continue;
    if (!to) {
      membersChanged = true;
      continue;
    }
    const child = groupDelta(from, to);
    if (!child.changed) {
      delta.same.set(name, child.readSet);
      continue;
    }
    delta.read.set(name, child.readSet);
    delta.write.set(name, child.writeSet);
  }
  for (const name of after.keys()) {
    const to = after.get(name);
    if (before.has(name) || !to) continue;
    membersChanged = true;
    // A new group is written whole, every element at version 0.
    const added = groupDelta(new common.ConfigGroup(), to).writeSet;
    added.setVersion(0);
    added.setModPolicy(to.getModPolicy());
    delta.write.set(name, added);
  }
  return { ...delta, membersChanged };
}

function newGroup(
  version: number,
  members: {
    values: Map<string, common.ConfigValue>;
    policies: Map<string, common.ConfigPolicy>;
    groups: Map<string, common.ConfigGroup>;
  },
  modPolicy?: string,
): common.ConfigGroup {
  const group = new common.ConfigGroup();
  group.setVersion(version);
  if (modPolicy !== undefined) group.setModPolicy(modPolicy);
  for (const [name, value] of members.values) group.getValuesMap().set(name, value);
  for (const [name, policy] of members.policies) group.getPoliciesMap().set(name, policy);
  for (const [name, child] of members.groups) group.getGroupsMap().set(name, child);
  return group;
}

function groupDelta(original: common.ConfigGroup, updated: common.ConfigGroup): GroupDelta {
  const values = valuesDelta(original, updated);
  const policies = policiesDelta(original, updated);
  const groups = groupsDelta(original, updated);
  const version = original.getVersion();
  const read = { values: values.read, policies: policies.read, groups: groups.read };
  const write = { values: values.write, policies: policies.write, groups: groups.write };

  const rewritten =
    values.membersChanged ||
    policies.membersChanged ||
    groups.membersChanged ||
    original.getModPolicy() !== updated.getModPolicy();
  if (!rewritten) {
    const nothing = [values, policies, groups].every(
      (delta) => delta.read.size === 0 && delta.write.size === 0,
    );
    // Members changed inside: this group is only a path to them, at its current version.
    return { readSet: newGroup(version, read), writeSet: newGroup(version, write), changed: !nothing };
  }
  // The group itself changes: new version, and its unchanged members are restated by version.
  for (const delta of [values, policies, groups] as MapDelta<unknown>[]) {
    for (const [name, same] of delta.same) {
      delta.read.set(name, same);
      delta.write.set(name, same);
    }
  }
  return {
    readSet: newGroup(version, read),
    writeSet: newGroup(version + 1, write, updated.getModPolicy()),
    changed: true,
  };
}

/**
 * The configuration update that turns `original` into `updated` on `channel`.
 * @throws {AdminError} NO_CHANGE when the two are the same.
 */
export function computeConfigUpdate(
  channel: string,
  original: common.Config,
  updated: common.Config,
): common.ConfigUpdate {
  const delta = groupDelta(channelGroupOf(original), channelGroupOf(updated));
  if (!delta.changed) {
    throw new AdminError('the updated configuration equals the current one: nothing to update', 'NO_CHANGE');
  }
  const update = new common.ConfigUpdate();
  update.setChannelId(channel);
  update.setReadSet(delta.readSet);
  update.setWriteSet(delta.writeSet);
  return update;
}

/** A copy of `config` with `orgGroup` added to the Application group as `mspId`. */
export function withApplicationOrg(
  config: common.Config,
  mspId: string,
  orgGroup: common.ConfigGroup,
): common.Config {
  const updated = common.Config.deserializeBinary(config.serializeBinary());
  applicationGroup(updated)
    .getGroupsMap()
    .set(mspId, common.ConfigGroup.deserializeBinary(orgGroup.serializeBinary()));
  return updated;
}

/**
 * A copy of `config` in which application org `mspId` declares `anchorPeers` (`host:port` each).
 * @throws {AdminError} BAD_ARTIFACT when the org is not in the configuration or an endpoint is bad.
 */
export function withAnchorPeers(
  config: common.Config,
  mspId: string,
  anchorPeers: readonly string[],
): common.Config {
  const updated = common.Config.deserializeBinary(config.serializeBinary());
  const group = applicationGroup(updated).getGroupsMap().get(mspId);
  if (!group) throw new AdminError(`${mspId} is not a member of the channel`, 'BAD_ARTIFACT');
  const anchors = new peer.AnchorPeers();
  anchors.setAnchorPeersList(
    anchorPeers.map((endpoint) => {
      const match = /^([^\s:]+):(\d{1,5})$/.exec(endpoint);
      if (!match?.[1] || !match[2])
        throw new AdminError(`anchor peer must be host:port, got "${endpoint}"`, 'BAD_ARTIFACT');
      const anchor = new peer.AnchorPeer();
      anchor.setHost(match[1]);
      anchor.setPort(Number(match[2]));
      return anchor;
    }),
  );
  const value = new common.ConfigValue();
  value.setModPolicy('Admins');
  value.setValue(anchors.serializeBinary());
  group.getValuesMap().set('AnchorPeers', value);
  return updated;
}

// ---------------------------------------------------------------------------------------------
// The update file and its signatures

/** A decoded update file. */
export interface PendingUpdate {
  readonly channel: string;
  /** The serialised `ConfigUpdate` every signature covers (never re-encoded). */
  readonly updateBytes: Uint8Array;
  readonly update: common.ConfigUpdate;
  readonly signatures: readonly common.ConfigSignature[];
}

/** One signature of an update file. */
export interface UpdateSignature {
  readonly mspId: string;
  /** The certificate's subject common name, e.g. `Admin@utility.estp.local`. */
  readonly signer: string;
  /** Whether the signature verifies against the certificate in its header. */
  readonly valid: boolean;
}

/** The update file's bytes for `channel`, with `signatures` (none for a new update). */
export function encodeUpdateFile(
  channel: string,
  updateBytes: Uint8Array,
  signatures: readonly common.ConfigSignature[] = [],
): Uint8Array {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(updateBytes);
  updateEnvelope.setSignaturesList([...signatures]);
  const payload = newPayload(
    newChannelHeader(common.HeaderType.CONFIG_UPDATE, channel),
    new common.SignatureHeader(),
    updateEnvelope.serializeBinary(),
  );
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  return envelope.serializeBinary();
}

/**
 * Decodes an update file (ours or one written for `peer channel signconfigtx`).
 * @throws {AdminError} BAD_ARTIFACT when it is not a CONFIG_UPDATE envelope.
 */
export function decodeUpdateFile(bytes: Uint8Array): PendingUpdate {
  try {
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(bytes).getPayload_asU8(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    if (channelHeader.getType() !== common.HeaderType.CONFIG_UPDATE) {
      throw new Error(`header type ${channelHeader.getType()}, not CONFIG_UPDATE`);
    }
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    const updateBytes = updateEnvelope.getConfigUpdate_asU8();
    const update = common.ConfigUpdate.deserializeBinary(updateBytes);
    if (!update.getWriteSet()) throw new Error('the update has no write set');
    return {
      channel: update.getChannelId() || channelHeader.getChannelId(),
      updateBytes,
      update,
      signatures: updateEnvelope.getSignaturesList(),
    };
  } catch (cause) {
    if (cause instanceof AdminError) throw cause;
    throw new AdminError(
      `not a channel configuration update: ${cause instanceof Error ? cause.message : String(cause)}`,
      'BAD_ARTIFACT',
      { cause },
    );
  }
}

/** Who signed an update, each signature checked against the certificate it names. */
export function signaturesOf(pending: PendingUpdate): UpdateSignature[] {
  return pending.signatures.map((signature) => {
    const headerBytes = signature.getSignatureHeader_asU8();
    let creator: Uint8Array = new Uint8Array();
    try {
      creator = common.SignatureHeader.deserializeBinary(headerBytes).getCreator_asU8();
    } catch {
      // an undecodable header names nobody and verifies nothing
    }
    const mspId = mspIdOfCreator(creator) ?? '?';
    let subject = '?';
    let valid = false;
    try {
      const certificate = new X509Certificate(
        Buffer.from(msp.SerializedIdentity.deserializeBinary(creator).getIdBytes_asU8()),
      );
      subject = /CN=([^\n,]+)/.exec(certificate.subject)?.[1] ?? certificate.subject;
      valid = verify(
        'sha256',
        Buffer.concat([headerBytes, pending.updateBytes]),
        certificate.publicKey,
        signature.getSignature_asU8(),
      );
    } catch {
      valid = false;
    }
    return { mspId, signer: subject, valid };
  });
}

/**
 * Adds `signer`'s signature to an update; an org that signed already is not added twice (the
 * policies count orgs, not signatures).
 */
export async function signUpdate(
  pending: PendingUpdate,
  signer: AdminSigner,
): Promise<{ readonly pending: PendingUpdate; readonly added: boolean }> {
  if (signaturesOf(pending).some((signature) => signature.mspId === signer.mspId && signature.valid)) {
    return { pending, added: false };
  }
  const header = newSignatureHeader(signer).serializeBinary();
  const signature = new common.ConfigSignature();
  signature.setSignatureHeader(header);
  signature.setSignature(await signer.sign(Buffer.concat([header, pending.updateBytes])));
  return { pending: { ...pending, signatures: [...pending.signatures, signature] }, added: true };
}

/** The envelope that submits an update: its signatures, wrapped and signed by the submitter. */
export async function submissionEnvelope(
  pending: PendingUpdate,
  submitter: AdminSigner,
): Promise<common.Envelope> {
  const updateEnvelope = new common.ConfigUpdateEnvelope();
  updateEnvelope.setConfigUpdate(pending.updateBytes);
  updateEnvelope.setSignaturesList([...pending.signatures]);
  return signedEnvelope(
    submitter,
    common.HeaderType.CONFIG_UPDATE,
    pending.channel,
    updateEnvelope.serializeBinary(),
  );
}

/** Application orgs an update adds (in its write set at version 0, absent from its read set). */
export function orgsAddedBy(update: common.ConfigUpdate): string[] {
  const read = update.getReadSet();
  const write = update.getWriteSet();
  const readApplication = read ? read.getGroupsMap().get('Application') : undefined;
  const writeApplication = write ? write.getGroupsMap().get('Application') : undefined;
  if (!writeApplication) return [];
  const before = readApplication ? readApplication.getGroupsMap() : undefined;
  return [...writeApplication.getGroupsMap().keys()].filter((name) => !before?.has(name)).sort();
}

/**
 * The application orgs the update's read set names: when membership changes, every existing org
 * is restated there, so these are the orgs whose admins the Admins policy counts.
 */
export function memberOrgsOf(update: common.ConfigUpdate): string[] {
  const read = update.getReadSet();
  const application = read ? read.getGroupsMap().get('Application') : undefined;
  return application ? [...application.getGroupsMap().keys()].sort() : [];
}
