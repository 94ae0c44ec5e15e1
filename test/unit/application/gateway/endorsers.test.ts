/**
 * Transactions with transient data name their endorsers (the gateway will not pass private data to
 * other orgs' peers on its own): the caller's org plus enough others for a MAJORITY policy.
 */
import { majorityEndorsers } from '../../../../application/src/gateway/client';
import type { ConnectionProfile, OrgInfo } from '../../../../application/src/gateway/profile';
import { endorsingOrgsOf } from '../../../../application/src/cli/commands/transaction';
import { UsageError } from '../../../../application/src/gateway/errors';

function connectionOf(...mspIds: string[]): ConnectionProfile {
  const orgs: Record<string, OrgInfo> = {};
  for (const mspId of mspIds) {
    const peer = { endpoint: '127.0.0.1:1', hostAlias: 'peer', tlsRootCert: 'tls' };
    orgs[mspId] = { mspId, name: mspId.toLowerCase(), peers: [peer], peer };
  }
  return {
    file: '/c.json',
    channel: 'estp',
    chaincode: 'estp',
    clientMspId: mspIds[0] ?? '',
    orgs,
    orderers: [],
  };
}

describe('majorityEndorsers', () => {
  test('three orgs: the caller and the first other org by MSP ID (2 of 3)', () => {
    // Given the three founding orgs, When community asks for its endorsers
    const endorsers = majorityEndorsers(
      connectionOf('UtilityMSP', 'EnterpriseMSP', 'CommunityMSP'),
      'CommunityMSP',
    );
    // Then it is community itself and one more org
    expect(endorsers).toEqual(['CommunityMSP', 'EnterpriseMSP']);
  });

  test('four orgs need three endorsers, the caller first', () => {
    const endorsers = majorityEndorsers(
      connectionOf('UtilityMSP', 'EnterpriseMSP', 'CommunityMSP', 'CityMSP'),
      'UtilityMSP',
    );
    expect(endorsers).toEqual(['UtilityMSP', 'CityMSP', 'CommunityMSP']);
  });

  test('a single org endorses alone', () => {
    expect(majorityEndorsers(connectionOf('UtilityMSP'), 'UtilityMSP')).toEqual(['UtilityMSP']);
  });
});

describe('--endorsing-orgs', () => {
  test('is split on commas and trimmed', () => {
    const options = new Map([['endorsing-orgs', 'CommunityMSP, UtilityMSP']]);
    expect(endorsingOrgsOf(options)).toEqual(['CommunityMSP', 'UtilityMSP']);
  });

  test('absent means the default', () => {
    expect(endorsingOrgsOf(new Map())).toBeUndefined();
  });

  test('without MSP IDs is a usage error', () => {
    expect(() => endorsingOrgsOf(new Map([['endorsing-orgs', true]]))).toThrow(UsageError);
  });
});
