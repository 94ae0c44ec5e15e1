/**
 * Which profile, which wallet, which identity: explicit options win over the environment, which
 * wins over each org's own directory (.fabric/orgs/<org>); the profile names its org.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError } from '../../../../application/src/gateway/errors';
import { parseProfile } from '../../../../application/src/gateway/profile';
import {
  DEFAULT_ORGS_DIR,
  isLocalNetwork,
  orgShortName,
  resolveSettings,
} from '../../../../application/src/gateway/settings';

const PEM = '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n';

/** A minimal profile of `org` (its key in organizations is `Org`). */
function profileOf(org: string, mspId: string): Record<string, unknown> {
  const key = org[0]!.toUpperCase() + org.slice(1);
  const peer = `peer0.${org}.estp.local`;
  return {
    client: { organization: key },
    organizations: { [key]: { mspid: mspId, peers: [peer] } },
    channels: { estp: { orderers: [], chaincodes: ['estp'] } },
    peers: { [peer]: { url: 'grpcs://127.0.1.1:7100', tlsCACerts: { pem: PEM } } },
  };
}

describe('resolveSettings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'estp-settings-'));
    // Given utility's org home with its profile
    mkdirSync(path.join(dir, 'utility'));
    writeFileSync(
      path.join(dir, 'utility/connection-utility.json'),
      JSON.stringify(profileOf('utility', 'UtilityMSP')),
    );
    writeFileSync(path.join(dir, 'elsewhere.json'), JSON.stringify(profileOf('community', 'CommunityMSP')));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("--org alone: the org's own profile and wallet in its org home", () => {
    const home = path.join(dir, 'utility');
    const settings = resolveSettings({ org: 'UtilityMSP', user: 'member1', orgHome: home, env: {} });
    expect(settings.profile.file).toBe(path.join(home, 'connection-utility.json'));
    expect(settings.org.mspId).toBe('UtilityMSP');
    expect(settings).toMatchObject({ wallet: path.join(home, 'wallet'), orgHome: home, user: 'member1' });
  });

  test('the org home defaults to .fabric/orgs/<org> of the repository', () => {
    // An org no network of this repository has, so the test holds whether a network is up or not
    expect(() => resolveSettings({ org: 'NowhereMSP', env: {} })).toThrow(
      `no connection profile at ${path.join(DEFAULT_ORGS_DIR, 'nowhere', 'connection-nowhere.json')}`,
    );
  });

  test("a profile names the org: its client organisation, the wallet in that org's home", () => {
    const settings = resolveSettings({ profile: path.join(dir, 'elsewhere.json'), env: {} });
    expect(settings.org.mspId).toBe('CommunityMSP');
    expect(settings.orgHome).toBe(path.join(DEFAULT_ORGS_DIR, 'community'));
    expect(settings.wallet).toBe(path.join(DEFAULT_ORGS_DIR, 'community', 'wallet'));
  });

  test('options win over ESTP_PROFILE, ESTP_WALLET, ESTP_ORG_HOME and ESTP_USER, which win over defaults', () => {
    const env = {
      ESTP_PROFILE: path.join(dir, 'elsewhere.json'),
      ESTP_WALLET: '/env/wallet',
      ESTP_ORG_HOME: '/env/home',
      ESTP_USER: 'member2',
    };
    expect(resolveSettings({ env })).toMatchObject({
      wallet: '/env/wallet',
      orgHome: '/env/home',
      user: 'member2',
      org: { mspId: 'CommunityMSP' },
    });
    expect(
      resolveSettings({
        env,
        profile: path.join(dir, 'utility/connection-utility.json'),
        wallet: '/flag/wallet',
        user: 'admin',
      }),
    ).toMatchObject({ wallet: '/flag/wallet', user: 'admin', org: { mspId: 'UtilityMSP' } });
  });

  test('an org the profile does not know is refused', () => {
    expect(() =>
      resolveSettings({ profile: path.join(dir, 'elsewhere.json'), org: 'utility', env: {} }),
    ).toThrow('unknown org "utility"');
  });

  test('neither org nor profile is a configuration error saying what to give', () => {
    expect(() => resolveSettings({ env: {} })).toThrow(ConfigError);
    expect(() => resolveSettings({ env: {} })).toThrow('give --org (or ESTP_ORG), or a connection profile');
  });

  test.each([
    ['utility', 'utility'],
    ['UtilityMSP', 'utility'],
    ['CITYMSP', 'city'],
  ])('orgShortName(%p) is %p', (name, short) => {
    expect(orgShortName(name)).toBe(short);
  });
});

describe('isLocalNetwork: whether "npm run network:up" is the advice for an unreachable peer', () => {
  const at = (file: string, url = 'grpcs://127.0.1.1:7100') => {
    const raw = profileOf('utility', 'UtilityMSP') as { peers: Record<string, { url: string }> };
    raw.peers['peer0.utility.estp.local']!.url = url;
    return parseProfile(raw, file);
  };

  test("a profile this repository's network wrote, its peers on loopback: this machine's network", () => {
    expect(isLocalNetwork(at(path.join(DEFAULT_ORGS_DIR, 'utility/connection-utility.json')))).toBe(true);
  });

  test('a profile from elsewhere, or naming a peer on another host, is not', () => {
    expect(isLocalNetwork(at(path.join(tmpdir(), 'connection-utility.json')))).toBe(false);
    const remote = at(
      path.join(DEFAULT_ORGS_DIR, 'utility/connection-utility.json'),
      'grpcs://peer0.utility.example:7051',
    );
    expect(isLocalNetwork(remote)).toBe(false);
  });
});
