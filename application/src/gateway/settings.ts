/**
 * Which profile, which wallet, which identity: the one place the library resolves them, from
 * explicit options (the CLI's flags, a settings file), the environment, and the layout
 * `npm run network:up` writes. Every org has its own directory (`.fabric/orgs/<org>`, the "org
 * home") holding its connection profile (`connection-<org>.json`), its wallet (`wallet/`) and its
 * Fabric admin (`crypto/users/Admin@…/msp`); a tool acting for an org reads only that directory
 * (and a profile, which is public).
 */
import * as path from 'node:path';
import { ConfigError } from './errors';
import { clientOrg, type ConnectionProfile, loadProfile, type OrgInfo, resolveOrg } from './profile';

/** `<repo>/.fabric/orgs`, relative to this package (application/dist/gateway → repo). */
export const DEFAULT_ORGS_DIR = path.resolve(__dirname, '../../../.fabric/orgs');

/** What to resolve; every field falls back to the environment, then to the default layout. */
export interface SettingsOptions {
  /**
   * Org short name (`utility`) or MSP ID (`UtilityMSP`); default `ESTP_ORG`, else the profile's own
   * org (`client.organization`).
   */
  readonly org?: string;
  /** A wallet label of the org; default `ESTP_USER`. */
  readonly user?: string;
  /**
   * A common connection profile, loaded or its path; default `ESTP_PROFILE`, else
   * `<org home>/connection-<org>.json`.
   */
  readonly profile?: ConnectionProfile | string;
  /** The org's wallet directory; default `ESTP_WALLET`, else `<org home>/wallet`. */
  readonly wallet?: string;
  /** The org's own directory; default `ESTP_ORG_HOME`, else `<repo>/.fabric/orgs/<org>`. */
  readonly orgHome?: string;
  readonly env?: NodeJS.ProcessEnv;
}

/** The resolved settings of one org's client. */
export interface ClientSettings {
  readonly profile: ConnectionProfile;
  /** The org acting (its peer is the gateway). */
  readonly org: OrgInfo;
  /** The org's wallet directory. */
  readonly wallet: string;
  /** The org's own directory (its Fabric admin for `estp admin`). */
  readonly orgHome: string;
  /** The user, when one was named. */
  readonly user: string | undefined;
}

/**
 * Whether a profile describes this machine's own network: one `npm run network:up` wrote into this
 * repository, whose peers listen on loopback addresses. Only then is starting the network the
 * advice for a peer that cannot be reached.
 */
export function isLocalNetwork(profile: ConnectionProfile): boolean {
  const inRepository = !path.relative(DEFAULT_ORGS_DIR, profile.file).startsWith('..');
  const loopback = (endpoint: string): boolean => /^(127\.|localhost:|\[::1\]:)/.test(endpoint);
  return (
    inRepository &&
    Object.values(profile.orgs).every((org) => org.peers.every((peer) => loopback(peer.endpoint)))
  );
}

/** `UtilityMSP` → `utility`; `utility` stays. */
export function orgShortName(org: string): string {
  return org.replace(/MSP$/i, '').toLowerCase();
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Resolves the profile, org, wallet, org home and user of a client.
 * @throws {ConfigError} when neither an org nor a profile is given, or the profile is missing or
 *   invalid, or does not know the org.
 */
export function resolveSettings(options: SettingsOptions = {}): ClientSettings {
  const env = options.env ?? process.env;
  const wanted = nonEmpty(options.org) ?? nonEmpty(env['ESTP_ORG']);
  const homeOption = nonEmpty(options.orgHome) ?? nonEmpty(env['ESTP_ORG_HOME']);
  const profileOption = options.profile ?? nonEmpty(env['ESTP_PROFILE']);
  let profile: ConnectionProfile;
  if (typeof profileOption === 'object') {
    profile = profileOption;
  } else if (profileOption !== undefined) {
    profile = loadProfile(profileOption);
  } else {
    if (wanted === undefined) {
      throw new ConfigError(
        'no org: give --org (or ESTP_ORG), or a connection profile (--profile, ESTP_PROFILE)',
      );
    }
    const name = orgShortName(wanted);
    profile = loadProfile(
      path.join(homeOption ?? path.join(DEFAULT_ORGS_DIR, name), `connection-${name}.json`),
    );
  }
  const org = wanted === undefined ? clientOrg(profile) : resolveOrg(profile, wanted);
  const orgHome = path.resolve(homeOption ?? path.join(DEFAULT_ORGS_DIR, org.name));
  return {
    profile,
    org,
    wallet: path.resolve(
      nonEmpty(options.wallet) ?? nonEmpty(env['ESTP_WALLET']) ?? path.join(orgHome, 'wallet'),
    ),
    orgHome,
    user: nonEmpty(options.user) ?? nonEmpty(env['ESTP_USER']),
  };
}
