/**
 * Channel config updates as `estp admin add-org|sign|submit` build them: the read/write sets follow
 * configtxlator's compute_update rules (what the orderer validates versions against), the update
 * file round-trips in the peer CLI's signconfigtx format, and every org's signature covers
 * signature header ‖ config update bytes and verifies against the signer's certificate.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { common, msp, peer } from '@hyperledger/fabric-protos';
import { webcrypto } from 'node:crypto';
import { anchorPeersOf, applicationOrgs, mspIdOfGroup } from '../../../../application/src/admin/config';
import {
  computeConfigUpdate,
  decodeUpdateFile,
  encodeUpdateFile,
  memberOrgsOf,
  orgsAddedBy,
  signaturesOf,
  signUpdate,
  submissionEnvelope,
  withAnchorPeers,
  withApplicationOrg,
} from '../../../../application/src/admin/config-update';
import { newChannelHeader } from '../../../../application/src/admin/envelope';
import { AdminError } from '../../../../application/src/admin/errors';
import { type AdminSigner, newAdminSigner } from '../../../../application/src/admin/signer';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const CHANNEL = 'estp';

function value(bytes: Uint8Array, version = 0): common.ConfigValue {
  const configValue = new common.ConfigValue();
  configValue.setVersion(version);
  configValue.setModPolicy('Admins');
  configValue.setValue(bytes);
  return configValue;
}

function signaturePolicy(version = 0): common.ConfigPolicy {
  const inner = new common.Policy();
  inner.setType(common.Policy.PolicyType.SIGNATURE);
  inner.setValue(Uint8Array.from([1, 2, 3]));
  const policy = new common.ConfigPolicy();
  policy.setVersion(version);
  policy.setModPolicy('Admins');
  policy.setPolicy(inner);
  return policy;
}

/** An application org group with its MSP value (naming `mspId`) and an Admins policy. */
function orgGroup(mspId: string, version = 0): common.ConfigGroup {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  const mspConfig = new msp.MSPConfig();
  mspConfig.setType(0);
  mspConfig.setConfig(fabric.serializeBinary());
  const group = new common.ConfigGroup();
  group.setVersion(version);
  group.setModPolicy('Admins');
  group.getValuesMap().set('MSP', value(mspConfig.serializeBinary()));
  group.getPoliciesMap().set('Admins', signaturePolicy());
  return group;
}

/** Channel { Application { orgs… } (version 3), Orderer { OrdererMSP } }. */
function baseConfig(orgs: readonly string[]): common.Config {
  const application = new common.ConfigGroup();
  application.setVersion(3);
  application.setModPolicy('Admins');
  application.getPoliciesMap().set('Admins', signaturePolicy(1));
  for (const mspId of orgs) application.getGroupsMap().set(mspId, orgGroup(mspId, 2));
  const ordererGroup = new common.ConfigGroup();
  ordererGroup.getGroupsMap().set('OrdererMSP', orgGroup('OrdererMSP'));
  const channel = new common.ConfigGroup();
  channel.setVersion(5);
  channel.getGroupsMap().set('Application', application);
  channel.getGroupsMap().set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setSequence(7);
  config.setChannelGroup(channel);
  return config;
}

function applicationOf(group: common.ConfigGroup | undefined): common.ConfigGroup {
  const application = group && group.getGroupsMap().get('Application');
  if (!application) throw new Error('no Application group');
  return application;
}

async function adminSigner(mspId: string): Promise<AdminSigner> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=Admin@${mspId.toLowerCase()}.example`,
    notBefore: new Date('2025-01-01T00:00:00Z'),
    notAfter: new Date('2035-01-01T00:00:00Z'),
    keys,
    signingAlgorithm: algorithm,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  return newAdminSigner(mspId, certificate.toString('pem'), keyPem);
}

describe('computeConfigUpdate: adding an application org', () => {
  const original = baseConfig(['AlphaMSP', 'BetaMSP']);
  const update = computeConfigUpdate(
    CHANNEL,
    original,
    withApplicationOrg(original, 'GammaMSP', orgGroup('GammaMSP')),
  );

  test('the Application group is rewritten at version + 1 with its mod policy', () => {
    // Given a config whose Application group is at version 3, When an org is added
    const written = applicationOf(update.getWriteSet());

    // Then the write set bumps the group (its membership changed) and keeps its mod policy
    expect(update.getChannelId()).toBe(CHANNEL);
    expect(written.getVersion()).toBe(4);
    expect(written.getModPolicy()).toBe('Admins');
    expect(applicationOf(update.getReadSet()).getVersion()).toBe(3);
  });

  test('existing orgs are restated by version only, the new one written whole at version 0', () => {
    const written = applicationOf(update.getWriteSet()).getGroupsMap();
    const read = applicationOf(update.getReadSet()).getGroupsMap();

    // Then both sets name the existing orgs at their versions, without their contents
    for (const groups of [written, read]) {
      for (const mspId of ['AlphaMSP', 'BetaMSP']) {
        expect(groups.get(mspId)?.getVersion()).toBe(2);
        expect((groups.get(mspId) ?? new common.ConfigGroup()).getValuesMap().getLength()).toBe(0);
      }
    }
    // And the new org is only in the write set, with its MSP value and policies
    const gamma = written.get('GammaMSP');
    expect(read.has('GammaMSP')).toBe(false);
    expect(gamma?.getVersion()).toBe(0);
    expect(gamma && mspIdOfGroup(gamma)).toBe('GammaMSP');
    expect(gamma && gamma.getPoliciesMap().get('Admins')?.getVersion()).toBe(0);
  });

  test("the Application group's unchanged policies are restated, other groups left out", () => {
    // Then the Admins policy is in both sets at its version (no contents), and Orderer is untouched
    const writtenPolicy = applicationOf(update.getWriteSet()).getPoliciesMap().get('Admins');
    expect(writtenPolicy?.getVersion()).toBe(1);
    expect(writtenPolicy?.hasPolicy()).toBe(false);
    expect((update.getWriteSet() ?? new common.ConfigGroup()).getGroupsMap().has('Orderer')).toBe(false);
    expect((update.getReadSet() ?? new common.ConfigGroup()).getGroupsMap().has('Orderer')).toBe(false);
    // And the channel group is only the path to the change, at its current version
    expect(update.getWriteSet()?.getVersion()).toBe(5);
  });

  test('the update names the added org and the orgs whose admins vote', () => {
    expect(orgsAddedBy(update)).toEqual(['GammaMSP']);
    expect(memberOrgsOf(update)).toEqual(['AlphaMSP', 'BetaMSP']);
  });

  test('the original config is not modified', () => {
    expect(applicationOrgs(original)).toEqual(['AlphaMSP', 'BetaMSP']);
  });
});

describe('computeConfigUpdate: other changes', () => {
  test('an identical config is rejected with NO_CHANGE', () => {
    // Given two equal configs, When the update is computed, Then there is nothing to update
    const config = baseConfig(['AlphaMSP']);
    const copy = common.Config.deserializeBinary(config.serializeBinary());
    expect(() => computeConfigUpdate(CHANNEL, config, copy)).toThrow(AdminError);
    expect(() => computeConfigUpdate(CHANNEL, config, copy)).toThrow(/nothing to update/);
  });

  test("setting an org's anchor peers rewrites only that org's group", () => {
    // Given Alpha without anchor peers, When it declares one
    const original = baseConfig(['AlphaMSP', 'BetaMSP']);
    const updated = withAnchorPeers(original, 'AlphaMSP', ['127.0.0.1:7400']);
    const update = computeConfigUpdate(CHANNEL, original, updated);

    // Then Alpha's group is bumped (a value was added) and carries the new AnchorPeers value
    const written = applicationOf(update.getWriteSet()).getGroupsMap();
    const alpha = written.get('AlphaMSP');
    expect(alpha?.getVersion()).toBe(3);
    expect(alpha && anchorPeersOf(alpha)).toEqual(['127.0.0.1:7400']);
    expect(alpha && alpha.getValuesMap().get('MSP')?.getValue_asU8().length).toBe(0);
    // And the Application group is a path only (same version), Beta not mentioned
    expect(applicationOf(update.getWriteSet()).getVersion()).toBe(3);
    expect(written.has('BetaMSP')).toBe(false);
  });

  test('changing an existing value bumps the value, not its group', () => {
    // Given Alpha with an anchor peer, When it moves to another port
    const withAnchor = withAnchorPeers(baseConfig(['AlphaMSP']), 'AlphaMSP', ['127.0.0.1:7400']);
    const update = computeConfigUpdate(
      CHANNEL,
      withAnchor,
      withAnchorPeers(withAnchor, 'AlphaMSP', ['127.0.0.1:7500']),
    );

    // Then the AnchorPeers value is at version 1 and the group keeps its version
    const alpha = applicationOf(update.getWriteSet()).getGroupsMap().get('AlphaMSP');
    expect(alpha?.getVersion()).toBe(2);
    expect(alpha && alpha.getValuesMap().get('AnchorPeers')?.getVersion()).toBe(1);
    const anchors = alpha && alpha.getValuesMap().get('AnchorPeers');
    expect(
      anchors &&
        peer.AnchorPeers.deserializeBinary(anchors.getValue_asU8()).getAnchorPeersList()[0]?.getPort(),
    ).toBe(7500);
  });

  test('anchor peers of a non-member or a malformed endpoint are refused', () => {
    const config = baseConfig(['AlphaMSP']);
    expect(() => withAnchorPeers(config, 'GammaMSP', ['127.0.0.1:7400'])).toThrow(/not a member/);
    expect(() => withAnchorPeers(config, 'AlphaMSP', ['127.0.0.1'])).toThrow(/host:port/);
  });
});

describe('update files and signatures', () => {
  const original = baseConfig(['AlphaMSP', 'BetaMSP', 'DeltaMSP']);
  const updateBytes = computeConfigUpdate(
    CHANNEL,
    original,
    withApplicationOrg(original, 'GammaMSP', orgGroup('GammaMSP')),
  ).serializeBinary();

  test('a new file decodes to the same update with no signatures', () => {
    // Given an encoded update file, When it is decoded
    const pending = decodeUpdateFile(encodeUpdateFile(CHANNEL, updateBytes));

    // Then the channel and the exact update bytes come back, unsigned
    expect(pending.channel).toBe(CHANNEL);
    expect(Buffer.from(pending.updateBytes).equals(Buffer.from(updateBytes))).toBe(true);
    expect(pending.signatures).toHaveLength(0);
  });

  test('orgs sign in turn; each signature verifies and an org signs once', async () => {
    // Given the admins of two orgs
    const [alpha, beta] = await Promise.all([adminSigner('AlphaMSP'), adminSigner('BetaMSP')]);
    const file = encodeUpdateFile(CHANNEL, updateBytes);

    // When Alpha signs, the file is written, Beta signs the written file, and Alpha tries again
    const first = await signUpdate(decodeUpdateFile(file), alpha);
    const afterAlpha = encodeUpdateFile(CHANNEL, first.pending.updateBytes, first.pending.signatures);
    const second = await signUpdate(decodeUpdateFile(afterAlpha), beta);
    const afterBeta = encodeUpdateFile(CHANNEL, second.pending.updateBytes, second.pending.signatures);
    const again = await signUpdate(decodeUpdateFile(afterBeta), alpha);

    // Then both signatures verify over the unchanged update, and Alpha's second one is not added
    expect([first.added, second.added, again.added]).toEqual([true, true, false]);
    const signatures = signaturesOf(decodeUpdateFile(afterBeta));
    expect(signatures).toEqual([
      { mspId: 'AlphaMSP', signer: 'Admin@alphamsp.example', valid: true },
      { mspId: 'BetaMSP', signer: 'Admin@betamsp.example', valid: true },
    ]);
    expect(Buffer.from(decodeUpdateFile(afterBeta).updateBytes).equals(Buffer.from(updateBytes))).toBe(true);
  });

  test('a signature over other bytes does not verify', async () => {
    // Given a signature made for this update, When it is attached to a different update
    const alpha = await adminSigner('AlphaMSP');
    const signed = await signUpdate(decodeUpdateFile(encodeUpdateFile(CHANNEL, updateBytes)), alpha);
    const other = computeConfigUpdate(
      CHANNEL,
      original,
      withApplicationOrg(original, 'EpsilonMSP', orgGroup('EpsilonMSP')),
    ).serializeBinary();
    const forged = decodeUpdateFile(encodeUpdateFile(CHANNEL, other, signed.pending.signatures));

    // Then it is reported invalid
    expect(signaturesOf(forged)).toEqual([
      { mspId: 'AlphaMSP', signer: 'Admin@alphamsp.example', valid: false },
    ]);
  });

  test("the submission envelope carries the signatures and the submitter's signed header", async () => {
    // Given a file signed by Alpha, When Beta builds the submission
    const [alpha, beta] = await Promise.all([adminSigner('AlphaMSP'), adminSigner('BetaMSP')]);
    const signed = await signUpdate(decodeUpdateFile(encodeUpdateFile(CHANNEL, updateBytes)), alpha);
    const envelope = await submissionEnvelope(signed.pending, beta);

    // Then it is a CONFIG_UPDATE on the channel by Beta, holding Alpha's signature
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    const creator = common.SignatureHeader.deserializeBinary(
      payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array(),
    ).getCreator_asU8();
    expect(channelHeader.getType()).toBe(common.HeaderType.CONFIG_UPDATE);
    expect(channelHeader.getChannelId()).toBe(CHANNEL);
    expect(channelHeader.hasTimestamp()).toBe(true);
    expect(msp.SerializedIdentity.deserializeBinary(creator).getMspid()).toBe('BetaMSP');
    expect(
      common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8()).getSignaturesList(),
    ).toHaveLength(1);
    expect(envelope.getSignature_asU8().length).toBeGreaterThan(0);
  });

  test('a file that is not a config update is refused as BAD_ARTIFACT', () => {
    expect(() => decodeUpdateFile(Uint8Array.from([1, 2, 3]))).toThrow(AdminError);
    const block = new common.Envelope();
    expect(() => decodeUpdateFile(block.serializeBinary())).toThrow(/not a channel configuration update/);
  });
});

describe('newChannelHeader', () => {
  test('carries the given time as seconds and nanos (the orderer checks it against its clock)', () => {
    // Given a time with milliseconds, When a header is made for it
    const header = newChannelHeader(
      common.HeaderType.DELIVER_SEEK_INFO,
      CHANNEL,
      new Date(1_700_000_000_123),
    );

    // Then the decoded timestamp is exact, and the other fields are set
    const decoded = common.ChannelHeader.deserializeBinary(
      header.serializeBinary(),
    ).toObject() as unknown as {
      timestamp: { seconds: number; nanos: number };
      type: number;
      channelId: string;
    };
    expect(decoded.timestamp).toEqual({ seconds: 1_700_000_000, nanos: 123_000_000 });
    expect(decoded.type).toBe(common.HeaderType.DELIVER_SEEK_INFO);
    expect(decoded.channelId).toBe(CHANNEL);
  });
});
