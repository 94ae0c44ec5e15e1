/**
 * Ready-made consortium states for contract tests: the founding orgs bootstrapped, participants
 * registered and approved through the real Consortium and Participant transactions.
 *
 * @example
 *   const ledger = await TestLedger.create();
 *   const { admins } = await bootstrapConsortium(ledger);
 *   const seller = await activeParticipant(ledger, 'CommunityMSP', 'solar1', ['member'], { kind: 'PROSUMER' });
 */
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import { ParticipantContract } from '../../chaincode/src/contracts/participant';
import type { Participant } from '../../chaincode/src/participant/model';
import type { TestIdentity, TestLedger, TxOptions } from './fixture';

export const FOUNDING_MSPS = ['UtilityMSP', 'EnterpriseMSP', 'CommunityMSP'] as const;
export type FoundingMsp = (typeof FOUNDING_MSPS)[number];

/** A Consortium:Bootstrap declaration entry. */
export interface Declaration {
  mspId: string;
  displayName: string;
  capabilities: string[];
  selfMeteringZones?: string[];
}

/**
 * The founding declaration of the unit tests, as network/config/topology.sh declares the network's:
 * Utility meters (also its own members, in ZONE-A), mints and verifies; Enterprise verifies.
 */
export const FOUNDING_DECLARATION: readonly Declaration[] = [
  {
    mspId: 'UtilityMSP',
    displayName: 'Utility (grid operator)',
    capabilities: ['admin', 'member', 'meter', 'treasurer', 'verifier', 'arbiter', 'auditor'],
    selfMeteringZones: ['ZONE-A'],
  },
  {
    mspId: 'EnterpriseMSP',
    displayName: 'Enterprise (industrial members)',
    capabilities: ['admin', 'member', 'verifier', 'arbiter', 'auditor'],
  },
  {
    mspId: 'CommunityMSP',
    displayName: 'Community (energy co-op)',
    capabilities: ['admin', 'member', 'arbiter', 'auditor'],
  },
];

export const consortiumContract = new ConsortiumContract();
export const participantContract = new ParticipantContract();

/** The Participant:Register input fields. */
export interface Profile {
  displayName: string;
  kind: 'SUPPLIER' | 'CONSUMER' | 'PROSUMER';
  commodities: ('ELECTRICITY' | 'HEAT' | 'SAVINGS_CERT')[];
  gridZone: string;
  meterIds?: string[];
  capacityW?: number;
}

/** A valid profile for `enrollmentId` (override any field). */
export function profileOf(enrollmentId: string, overrides: Partial<Profile> = {}): Profile {
  return {
    displayName: `Participant ${enrollmentId}`,
    kind: 'PROSUMER',
    commodities: ['ELECTRICITY'],
    gridZone: 'ZONE-A',
    meterIds: [],
    capacityW: 5000,
    ...overrides,
  };
}

/** The admin (`<org>:admin`, role admin) of an org. */
export function adminOf(ledger: TestLedger, mspId: string): Promise<TestIdentity> {
  return ledger.identity(mspId, 'admin', ['admin']);
}

/**
 * Founds the consortium: the admin of every founding org confirms `declaration` (default
 * {@link FOUNDING_DECLARATION}); returns their admins.
 */
export async function bootstrapConsortium(
  ledger: TestLedger,
  declaration: readonly Declaration[] = FOUNDING_DECLARATION,
): Promise<{ admins: Record<FoundingMsp, TestIdentity> }> {
  const admins = {
    UtilityMSP: await adminOf(ledger, 'UtilityMSP'),
    EnterpriseMSP: await adminOf(ledger, 'EnterpriseMSP'),
    CommunityMSP: await adminOf(ledger, 'CommunityMSP'),
  };
  for (const { mspId } of declaration) {
    const admin = await adminOf(ledger, mspId);
    await ledger.submit(consortiumContract, 'Bootstrap', admin, { organisations: declaration });
  }
  return { admins };
}

/**
 * A ProposeChange by `proposer`'s admin, adopted by the approval of `approver`'s admin (2 of the 3
 * founding orgs); returns the proposal's ID.
 */
export async function adoptChange(
  ledger: TestLedger,
  proposer: string,
  approver: string,
  change: object,
): Promise<string> {
  const { result } = await ledger.submit<{ proposal: { id: string } }>(
    consortiumContract,
    'ProposeChange',
    await adminOf(ledger, proposer),
    change,
  );
  await ledger.submit(consortiumContract, 'ApproveChange', await adminOf(ledger, approver), {
    proposalId: result.proposal.id,
  });
  return result.proposal.id;
}

/** Registers `identity` (PENDING) with verification data in the transient map. */
export async function registerParticipant(
  ledger: TestLedger,
  identity: TestIdentity,
  profile: Partial<Profile> = {},
  options: TxOptions = {},
): Promise<Participant> {
  const { result } = await ledger.submit<Participant>(
    participantContract,
    'Register',
    identity,
    profileOf(identity.enrollmentId, profile),
    { transient: { verification: `kyc:${identity.participantId}` }, ...options },
  );
  return result;
}

/**
 * A registered and approved (ACTIVE) participant `<mspId>:<enrollmentId>` with `roles`; the
 * consortium must be bootstrapped. Returns its identity.
 */
export async function activeParticipant(
  ledger: TestLedger,
  mspId: string,
  enrollmentId: string,
  roles: string[] = ['member'],
  profile: Partial<Profile> = {},
): Promise<TestIdentity> {
  const identity = await ledger.identity(mspId, enrollmentId, roles);
  await registerParticipant(ledger, identity, profile);
  await ledger.submit(participantContract, 'Approve', await adminOf(ledger, mspId), {
    id: identity.participantId,
  });
  return identity;
}
