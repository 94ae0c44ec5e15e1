/**
 * Connection profiles (test-network's connection-org1.json format) are validated at load, with
 * errors naming the file and the field; TLS roots come inline or from a file next to the profile.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../../application/src/gateway/errors';
import {
  clientOrg,
  loadProfile,
  parseProfile,
  resolveOrg,
} from '../../../../application/src/gateway/profile';

const FILE = '/repo/.fabric/orgs/utility/connection-utility.json';
const PEM = (name: string) => `-----BEGIN CERTIFICATE-----\n${name}\n-----END CERTIFICATE-----\n`;
const options = (alias: string) => ({ 'ssl-target-name-override': alias, hostnameOverride: alias });

/** Utility's profile as network/scripts/profile.sh writes it (two member orgs). */
function valid(): Record<string, unknown> {
  return {
    name: 'estp-utility',
    version: '1.0.0',
    client: { organization: 'Utility', connection: { timeout: { peer: { endorser: '300' } } } },
    organizations: {
      Utility: {
        mspid: 'UtilityMSP',
        peers: ['peer0.utility.estp.local'],
        certificateAuthorities: ['ca.utility.estp.local'],
      },
      Community: { mspid: 'CommunityMSP', peers: ['peer0.community.estp.local'] },
    },
    channels: {
      estp: {
        orderers: ['orderer1.estp.local'],
        peers: { 'peer0.utility.estp.local': { endorsingPeer: true } },
        chaincodes: ['estp'],
      },
    },
    peers: {
      'peer0.utility.estp.local': {
        url: 'grpcs://127.0.1.1:7100',
        tlsCACerts: { pem: PEM('utility-tls') },
        grpcOptions: options('peer0.utility.estp.local'),
      },
      'peer0.community.estp.local': {
        url: 'grpcs://127.0.3.1:7300',
        tlsCACerts: { pem: PEM('community-tls') },
        grpcOptions: options('peer0.community.estp.local'),
      },
    },
    orderers: {
      'orderer1.estp.local': {
        url: 'grpcs://127.0.0.11:7010',
        tlsCACerts: { pem: PEM('orderer-tls') },
        grpcOptions: options('orderer1.estp.local'),
      },
    },
    certificateAuthorities: {
      'ca.utility.estp.local': {
        url: 'https://127.0.1.1:7104',
        caName: 'ca-utility',
        tlsCACerts: { pem: [PEM('utility-tls')] },
        httpOptions: { verify: true },
      },
    },
  };
}

const DELETE = Symbol('delete');

/** A deep copy of the valid profile with the field at `keys` set or deleted. */
function withChange(keys: readonly string[], value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(valid())) as Record<string, unknown>;
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (value === DELETE) Reflect.deleteProperty(target, last);
  else target[last] = value;
  return copy;
}

function failure(raw: unknown): string {
  try {
    parseProfile(raw, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseProfile', () => {
  test('reads the channel, chaincode, orgs with peers and CA, and orderers', () => {
    const profile = parseProfile(valid(), FILE);

    expect(profile).toMatchObject({
      file: FILE,
      channel: 'estp',
      chaincode: 'estp',
      clientMspId: 'UtilityMSP',
    });
    expect(Object.keys(profile.orgs)).toEqual(['CommunityMSP', 'UtilityMSP']);
    expect(profile.orgs['UtilityMSP']).toEqual({
      mspId: 'UtilityMSP',
      name: 'utility',
      peers: [
        {
          endpoint: '127.0.1.1:7100',
          hostAlias: 'peer0.utility.estp.local',
          tlsRootCert: PEM('utility-tls'),
        },
      ],
      peer: {
        endpoint: '127.0.1.1:7100',
        hostAlias: 'peer0.utility.estp.local',
        tlsRootCert: PEM('utility-tls'),
      },
      ca: { url: 'https://127.0.1.1:7104', caName: 'ca-utility', tlsRootCert: PEM('utility-tls') },
    });
    // Another org's entry names its peer only: its CA belongs to its own profile.
    expect(profile.orgs['CommunityMSP']?.ca).toBeUndefined();
    expect(profile.orderers).toEqual([
      { endpoint: '127.0.0.11:7010', hostAlias: 'orderer1.estp.local', tlsRootCert: PEM('orderer-tls') },
    ]);
    expect(clientOrg(profile).mspId).toBe('UtilityMSP');
  });

  test('a chaincode in the old "name:version" form, or none, is understood', () => {
    expect(parseProfile(withChange(['channels', 'estp', 'chaincodes'], ['estp:1.0']), FILE).chaincode).toBe(
      'estp',
    );
    expect(parseProfile(withChange(['channels', 'estp', 'chaincodes'], DELETE), FILE).chaincode).toBe('estp');
  });

  test('a peer without grpcOptions is checked against its own name', () => {
    const profile = parseProfile(
      withChange(['peers', 'peer0.community.estp.local', 'grpcOptions'], DELETE),
      FILE,
    );
    expect(profile.orgs['CommunityMSP']?.peer.hostAlias).toBe('peer0.community.estp.local');
  });

  test.each([
    ['no channel', ['channels'], {}, 'channels must name exactly one channel'],
    ['no organizations', ['organizations'], {}, 'organizations must name at least one org'],
    [
      'an org without MSP ID',
      ['organizations', 'Community', 'mspid'],
      DELETE,
      'organizations.Community.mspid must be a non-empty string',
    ],
    [
      'an org naming an undefined peer',
      ['organizations', 'Community', 'peers'],
      ['peer9'],
      'organizations.Community.peers[0] names peer "peer9", which peers does not define',
    ],
    [
      'a peer URL without port',
      ['peers', 'peer0.utility.estp.local', 'url'],
      'grpcs://127.0.1.1',
      'peers.peer0.utility.estp.local.url must be grpcs://host:port, got "grpcs://127.0.1.1"',
    ],
    [
      'a peer without TLS root',
      ['peers', 'peer0.utility.estp.local', 'tlsCACerts'],
      {},
      'peers.peer0.utility.estp.local.tlsCACerts must have a PEM certificate (pem) or a file (path)',
    ],
    [
      'a CA URL that is not http(s)',
      ['certificateAuthorities', 'ca.utility.estp.local', 'url'],
      '127.0.1.1:7104',
      'certificateAuthorities.ca.utility.estp.local.url must be an http(s) URL',
    ],
    [
      'a client org the profile does not define',
      ['client', 'organization'],
      'Nowhere',
      'client.organization names "Nowhere", which organizations does not define',
    ],
    [
      'an undefined orderer',
      ['channels', 'estp', 'orderers'],
      ['orderer9'],
      'channels.estp.orderers names orderer "orderer9", which orderers does not define',
    ],
  ])('%s is rejected naming the field', (_case, keys, value, expected) => {
    const message = failure(withChange(keys, value));
    expect(message).toContain(`invalid connection profile ${FILE}: `);
    expect(message).toContain(expected);
  });

  test('a top level that is not an object is rejected', () => {
    expect(failure([])).toContain('the top level must be an object');
  });
});

describe('loadProfile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'estp-profile-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a missing file says the network may not be running and how to start it', () => {
    const file = path.join(dir, 'connection-utility.json');
    expect(() => loadProfile(file)).toThrow(
      new ConfigError(`no connection profile at ${file}: network not running? run \`npm run network:up\``),
    );
  });

  test('a file that is not JSON is named', () => {
    const file = path.join(dir, 'connection-utility.json');
    writeFileSync(file, '{ "name": ');
    expect(() => loadProfile(file)).toThrow(`${file} is not valid JSON`);
  });

  test('a TLS root given as a path is read relative to the profile', () => {
    const file = path.join(dir, 'connection-utility.json');
    writeFileSync(path.join(dir, 'community-tls.pem'), PEM('from-file'));
    const raw = withChange(['peers', 'peer0.community.estp.local', 'tlsCACerts'], {
      path: 'community-tls.pem',
    });
    writeFileSync(file, JSON.stringify(raw));
    expect(loadProfile(file).orgs['CommunityMSP']?.peer.tlsRootCert).toBe(PEM('from-file'));
  });
});

describe('resolveOrg', () => {
  const profile = parseProfile(valid(), FILE);

  test.each(['utility', 'UtilityMSP', 'UTILITY', 'utilitymsp'])('finds %s', (name) => {
    expect(resolveOrg(profile, name).mspId).toBe('UtilityMSP');
  });

  test('an unknown org lists the known ones', () => {
    expect(() => resolveOrg(profile, 'city')).toThrow(
      `unknown org "city" in ${FILE}; known: community (CommunityMSP), utility (UtilityMSP)`,
    );
  });
});
