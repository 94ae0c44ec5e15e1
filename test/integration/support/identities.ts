/**
 * Who the integration suites act as, besides the users network/config/topology.sh enrols: CA
 * identities with estp.role=member, and the trust matrix's identities of every role, registered
 * and enrolled once per network (global-setup.ts) and reused by every later run. Each suite keeps
 * to its own, so the suites stay independent.
 */
import { ROLES } from '../../../chaincode/src/lib/caller';
import type { Actor, Profile } from './estp';

/** An identity to enrol: an actor and the estp.role values its certificate claims. */
export interface Enrolment extends Actor {
  readonly roles: readonly string[];
}

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

/** The dishonest-client suite (attacks.test.ts): a buyer and a seller of a bilateral trade. */
export const ATTACK = {
  buyer: { org: 'community', user: 'e2e-attack-buyer' },
  seller: { org: 'enterprise', user: 'e2e-attack-seller' },
} as const satisfies Record<string, Actor>;

export const EVENTS = { holder: { org: 'community', user: 'e2e-events' } } as const satisfies Record<
  string,
  Actor
>;

/** The web API suite's traders: Utility members, acting through Utility's web service. */
export const WEB = {
  seller: { org: 'utility', user: 'e2e-web-seller' },
  buyer: { org: 'utility', user: 'e2e-web-buyer' },
} as const satisfies Record<string, Actor>;

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
  ...Object.values(ATTACK),
  ...Object.values(EVENTS),
  ...Object.values(WEB),
  ...LOADERS,
];

/**
 * The trust matrix's identities of one org (trust-matrix.test.ts): `trust-<role>` claiming exactly
 * that role, for every ESTP role (also those the org does not hold: they must be refused), and
 * two members kept PENDING and SUSPENDED; in Community also the maker of the matrix's offers and
 * the party of its dispute.
 */
export function trustMatrixIdentities(org: string): Enrolment[] {
  const member = (user: string): Enrolment => ({ org, user, roles: ['member'] });
  return [
    ...ROLES.map((role): Enrolment => ({ org, user: `trust-${role}`, roles: [role] })),
    member('trust-applicant'),
    member('trust-suspended'),
    ...(org === 'community' ? [member('trust-maker'), member('trust-disputant')] : []),
  ];
}
