/**
 * Who the integration suites act as, besides the users network/config/topology.sh enrols: CA
 * identities with estp.role=member, registered and enrolled once per network (global-setup.ts)
 * and reused by every later run. Each suite keeps to its own, so the suites stay independent.
 */
import type { Actor, Profile } from './estp';

export const LIFECYCLE = {
  seller: { org: 'community', user: 'e2e-pv-seller' },
  household: { org: 'community', user: 'e2e-household' },
  factory: { org: 'enterprise', user: 'e2e-factory' },
  saver: { org: 'utility', user: 'e2e-saver' },
} as const satisfies Record<string, Actor>;

export const ACCESS = {
  /** Registered on the ledger, never approved. */
  applicant: { org: 'enterprise', user: 'e2e-applicant' },
  /** Suspended by its admin on every run. */
  suspended: { org: 'community', user: 'e2e-suspended' },
  member: { org: 'community', user: 'e2e-member' },
} as const satisfies Record<string, Actor>;

export const RETRY = {
  buyer: { org: 'community', user: 'e2e-retry-buyer' },
  seller: { org: 'enterprise', user: 'e2e-retry-seller' },
} as const satisfies Record<string, Actor>;

export const EVENTS = { holder: { org: 'community', user: 'e2e-events' } } as const satisfies Record<
  string,
  Actor
>;

const ORGS = ['community', 'enterprise', 'utility'] as const;

/** The concurrency suite's 50 traders, spread over the three orgs. */
export const LOADERS: readonly Actor[] = Array.from({ length: 50 }, (_, index) => ({
  org: ORGS[index % ORGS.length]!,
  user: `e2e-load-${String(index + 1).padStart(2, '0')}`,
}));

/** The participant profile every load trader registers with (one market zone, electricity). */
export function loadTraderProfile(actor: Actor): Profile {
  return {
    displayName: `load trader ${actor.user}`,
    kind: 'PROSUMER',
    commodities: ['ELECTRICITY'],
    gridZone: 'ZONE-A',
  };
}

/** Every identity above. */
export const E2E_MEMBERS: readonly Actor[] = [
  ...Object.values(LIFECYCLE),
  ...Object.values(ACCESS),
  ...Object.values(RETRY),
  ...Object.values(EVENTS),
  ...LOADERS,
];
