/**
 * Consortium: the founding declaration confirmed by every founding org, admission of new orgs and
 * every later change (capabilities, suspension) adopted by a majority of the ACTIVE orgs — one
 * proposal machinery (docs/trust.md).
 */
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import type { BootstrapResult } from '../../chaincode/src/consortium/bootstrap';
import type { Organisation } from '../../chaincode/src/consortium/model';
import { foundingProposalId } from '../../chaincode/src/consortium/proposals';
import type { OrganisationDecision } from '../../chaincode/src/consortium/propose';
import type { OrganisationView, ProposalView } from '../../chaincode/src/consortium/queries';
import { EventName } from '../../chaincode/src/lib/events';
import type { Page } from '../../chaincode/src/lib/pagination';
import { TestLedger, type TestIdentity } from '../support/fixture';
import {
  type Declaration,
  FOUNDING_DECLARATION,
  FOUNDING_MSPS,
  adminOf,
  bootstrapConsortium,
} from '../support/world';

const consortium = new ConsortiumContract();

/** The founding declaration in canonical form (MSP ID order, capabilities and zones sorted). */
const CANONICAL = [...FOUNDING_DECLARATION]
  .map((org) => ({
    mspId: org.mspId,
    displayName: org.displayName,
    capabilities: [...org.capabilities].sort(),
    selfMeteringZones: [...(org.selfMeteringZones ?? [])].sort(),
  }))
  .sort((a, b) => a.mspId.localeCompare(b.mspId));
const FOUNDING_ID = foundingProposalId(CANONICAL as never);

describe('Consortium', () => {
  let ledger: TestLedger;
  let utilityAdmin: TestIdentity;
  let enterpriseAdmin: TestIdentity;
  let communityAdmin: TestIdentity;
  let cityAdmin: TestIdentity;

  beforeEach(async () => {
    ledger = await TestLedger.create();
    utilityAdmin = await adminOf(ledger, 'UtilityMSP');
    enterpriseAdmin = await adminOf(ledger, 'EnterpriseMSP');
    communityAdmin = await adminOf(ledger, 'CommunityMSP');
    cityAdmin = await adminOf(ledger, 'CityMSP');
  });

  /** Asserts `run` fails with `code` and leaves the committed state as it was. */
  async function expectRejected(run: Promise<unknown>, code: RegExp): Promise<void> {
    const before = ledger.state();
    await expect(run).rejects.toThrow(code);
    expect(ledger.state()).toEqual(before);
  }

  const confirm = (admin: TestIdentity, organisations: readonly Declaration[] = FOUNDING_DECLARATION) =>
    ledger.submit<BootstrapResult>(consortium, 'Bootstrap', admin, { organisations });
  const organisation = (mspId: string) => ledger.readRecord<Organisation>('Organisation', mspId);

  describe('Bootstrap: the founding declaration', () => {
    it('takes effect only when the admin of every org it lists confirmed it, with one event each', async () => {
      // When Utility's admin confirms the declaration
      const first = await confirm(utilityAdmin);
      // Then it is an OPEN proposal with one approval; no organisation is recorded yet
      expect(first.result).toMatchObject({
        founded: false,
        changed: true,
        approvals: ['UtilityMSP'],
        requiredApprovals: 3,
        organisations: [],
        proposal: { id: FOUNDING_ID, kind: 'FOUND', status: 'OPEN', organisations: CANONICAL },
      });
      expect([...first.writes.keys()].sort()).toEqual(
        [
          ledger.key('OrganisationProposal', FOUNDING_ID),
          ledger.key('OrganisationApproval', FOUNDING_ID, 'UtilityMSP'),
        ].sort(),
      );
      expect(first.event).toEqual({
        name: EventName.FoundingConfirmed,
        payload: {
          proposalId: FOUNDING_ID,
          kind: 'FOUND',
          mspIds: [...FOUNDING_MSPS].sort(),
          approvals: ['UtilityMSP'],
          requiredApprovals: 3,
          adopted: false,
          by: 'UtilityMSP:admin',
        },
      });
      // When Enterprise's admin confirms it: two of three, still nothing recorded
      const second = await confirm(enterpriseAdmin);
      expect(second.result.founded).toBe(false);
      expect(ledger.records('Organisation')).toEqual([]);
      // When Community's admin confirms it
      const third = await confirm(communityAdmin);
      // Then the founders are ACTIVE with the capabilities the declaration states
      expect(third.result.founded).toBe(true);
      expect(third.result.proposal.status).toBe('ADOPTED');
      expect(third.event?.name).toBe(EventName.OrganisationBootstrapped);
      const at = new Date(third.timestampMs).toISOString();
      expect(organisation('UtilityMSP')).toEqual({
        mspId: 'UtilityMSP',
        displayName: 'Utility (grid operator)',
        capabilities: ['admin', 'arbiter', 'auditor', 'member', 'meter', 'treasurer', 'verifier'],
        selfMeteringZones: ['ZONE-A'],
        status: 'ACTIVE',
        founding: true,
        proposedBy: 'UtilityMSP:admin',
        revision: 1,
        createdAt: at,
        updatedAt: at,
        activatedAt: at,
      });
      expect(organisation('CommunityMSP')).toMatchObject({
        capabilities: ['admin', 'arbiter', 'auditor', 'member'],
        selfMeteringZones: [],
      });
      expect([...third.writes.keys()].sort()).toEqual(
        [
          ...FOUNDING_MSPS.map((msp) => ledger.key('Organisation', msp)),
          ledger.key('OrganisationProposal', FOUNDING_ID),
          ledger.key('OrganisationApproval', FOUNDING_ID, 'CommunityMSP'),
        ].sort(),
      );
    });

    it('is the same declaration in any order of orgs and capabilities (canonical JSON, one ID)', async () => {
      await confirm(utilityAdmin);
      const shuffled = [...FOUNDING_DECLARATION]
        .reverse()
        .map((org) => ({ ...org, capabilities: [...org.capabilities].reverse() }));
      const tx = await confirm(enterpriseAdmin, shuffled);
      expect(tx.result).toMatchObject({
        proposal: { id: FOUNDING_ID },
        approvals: ['EnterpriseMSP', 'UtilityMSP'],
      });
    });

    it('is idempotent: a repeated confirmation, before or after the founding, writes nothing', async () => {
      await confirm(utilityAdmin);
      const again = await confirm(utilityAdmin);
      expect(again.result).toMatchObject({ founded: false, changed: false, approvals: ['UtilityMSP'] });
      expect(again.writes.size).toBe(0);
      expect(again.event).toBeUndefined();
      await confirm(enterpriseAdmin);
      await confirm(communityAdmin);
      const after = await confirm(enterpriseAdmin);
      expect(after.result).toMatchObject({ founded: true, changed: false });
      expect(after.result.organisations.map((org) => org.mspId)).toEqual([
        'CommunityMSP',
        'EnterpriseMSP',
        'UtilityMSP',
      ]);
      expect(after.writes.size).toBe(0);
    });

    it('no founding org decides alone: a self-serving declaration never takes effect without the others', async () => {
      // Given Community's admin confirms a declaration granting Community the treasurer capability
      const greedy = FOUNDING_DECLARATION.map((org) =>
        org.mspId === 'CommunityMSP' ? { ...org, capabilities: [...org.capabilities, 'treasurer'] } : org,
      );
      const attempt = await confirm(communityAdmin, greedy);
      // Then it is only a proposal awaiting the two other orgs
      expect(attempt.result).toMatchObject({
        founded: false,
        approvals: ['CommunityMSP'],
        requiredApprovals: 3,
      });
      expect(ledger.records('Organisation')).toEqual([]);
      // And when the others found the consortium with the honest declaration, the greedy one is dead
      await bootstrapConsortium(ledger);
      expect(organisation('CommunityMSP')?.capabilities).not.toContain('treasurer');
      await expectRejected(
        confirm(utilityAdmin, greedy),
        /ESTP_ILLEGAL_STATE: the consortium was founded already, by another declaration than FOUND\//,
      );
    });

    it('competing declarations cannot both win: the founding reads every Organisation record', async () => {
      // Given two declarations, each confirmed by two of the three orgs
      const other = FOUNDING_DECLARATION.map((org) => ({ ...org, displayName: `${org.displayName}!` }));
      await confirm(utilityAdmin);
      await confirm(enterpriseAdmin);
      await confirm(utilityAdmin, other);
      await confirm(enterpriseAdmin, other);
      // When Community's admin confirms the first, it is founded; the second can no longer be
      const founding = await confirm(communityAdmin);
      expect(founding.result.founded).toBe(true);
      await expectRejected(
        confirm(communityAdmin, other),
        /ESTP_ILLEGAL_STATE: the consortium was founded already/,
      );
      // And the founding transaction read the whole Organisation range: two foundings endorsed
      // concurrently conflict at validation (phantom read), so only one can commit
      expect(founding.ranges.map((range) => range.startKey)).toContain(ledger.key('Organisation'));
    });

    it('rejects a caller without the admin role, and an admin of an org the declaration does not list', async () => {
      const member = await ledger.identity('UtilityMSP', 'm1', ['member', 'auditor']);
      await expectRejected(
        confirm(member),
        /ESTP_FORBIDDEN: requires estp.role admin; UtilityMSP:m1 has auditor,member/,
      );
      await expectRejected(
        confirm(cityAdmin),
        /ESTP_FORBIDDEN: CityMSP is not listed in the founding declaration; only admins of the orgs it lists confirm it/,
      );
    });

    it.each([
      [{}, /organisations is required/],
      [{ organisations: [FOUNDING_DECLARATION[0]] }, /organisations must have at least 2 items/],
      [
        {
          organisations: [FOUNDING_DECLARATION[0], { ...FOUNDING_DECLARATION[1], capabilities: ['member'] }],
        },
        /organisations\[1\]\.capabilities must include admin/,
      ],
      [
        {
          organisations: [
            FOUNDING_DECLARATION[0],
            { ...FOUNDING_DECLARATION[1], selfMeteringZones: ['ZONE-A'] },
          ],
        },
        /organisations\[1\]\.selfMeteringZones needs the meter capability/,
      ],
      [
        { organisations: [FOUNDING_DECLARATION[0], FOUNDING_DECLARATION[0]] },
        /organisations\[1\]\.mspId lists UtilityMSP twice/,
      ],
      [
        {
          organisations: [
            FOUNDING_DECLARATION[0],
            { ...FOUNDING_DECLARATION[1], capabilities: ['admin', 'mayor'] },
          ],
        },
        /organisations\[1\]\.capabilities\[1\] must be one of/,
      ],
      [{ organisations: FOUNDING_DECLARATION, orgs: [] }, /orgs is not a known field/],
    ])('rejects a malformed declaration %#', async (input, message) => {
      await expectRejected(ledger.submit(consortium, 'Bootstrap', utilityAdmin, input), /ESTP_INVALID_INPUT/);
      await expect(ledger.submit(consortium, 'Bootstrap', utilityAdmin, input)).rejects.toThrow(message);
    });
  });

  const CITY = {
    mspId: 'CityMSP',
    displayName: 'City energy office',
    capabilities: ['member', 'auditor', 'admin', 'arbiter'],
  };

  describe('ProposeOrganisation', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
    });

    it('records a PROPOSED org with its capabilities; the proposer org is the first approval', async () => {
      // When
      const tx = await ledger.submit<OrganisationDecision>(
        consortium,
        'ProposeOrganisation',
        utilityAdmin,
        CITY,
      );
      // Then
      const at = new Date(tx.timestampMs).toISOString();
      expect(tx.result.organisation).toEqual({
        mspId: 'CityMSP',
        displayName: 'City energy office',
        status: 'PROPOSED',
        capabilities: ['admin', 'arbiter', 'auditor', 'member'],
        selfMeteringZones: [],
        founding: false,
        proposedBy: 'UtilityMSP:admin',
        revision: 0,
        createdAt: at,
        updatedAt: at,
      });
      expect(tx.result.proposal).toEqual({
        id: 'CityMSP/0/ADMIT',
        kind: 'ADMIT',
        mspId: 'CityMSP',
        baseRevision: 0,
        status: 'OPEN',
        proposedBy: 'UtilityMSP:admin',
        proposedAt: at,
      });
      expect(tx.result.approvals).toEqual(['UtilityMSP']);
      expect(tx.result.requiredApprovals).toBe(2);
      expect([...tx.writes.keys()].sort()).toEqual(
        [
          ledger.key('Organisation', 'CityMSP'),
          ledger.key('OrganisationProposal', 'CityMSP/0/ADMIT'),
          ledger.key('OrganisationApproval', 'CityMSP/0/ADMIT', 'UtilityMSP'),
        ].sort(),
      );
      expect(tx.event).toEqual({
        name: EventName.OrganisationProposed,
        payload: {
          proposalId: 'CityMSP/0/ADMIT',
          kind: 'ADMIT',
          mspIds: ['CityMSP'],
          approvals: ['UtilityMSP'],
          requiredApprovals: 2,
          adopted: false,
          by: 'UtilityMSP:admin',
        },
      });
    });

    it('rejects a caller without the admin role, and admins of orgs that are not ACTIVE', async () => {
      const member = await ledger.identity('UtilityMSP', 'm1', ['member']);
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', member, CITY),
        /ESTP_FORBIDDEN: requires estp.role admin/,
      );
      const town = { mspId: 'TownMSP', displayName: 'Town', capabilities: ['admin'] };
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', cityAdmin, town),
        /ESTP_FORBIDDEN: CityMSP is not a recorded organisation; only identities of ACTIVE organisations act as admin/,
      );
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, CITY);
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', cityAdmin, town),
        /ESTP_FORBIDDEN: CityMSP is PROPOSED; only identities of ACTIVE organisations act as admin/,
      );
    });

    it('rejects an MSP ID that is recorded already (founder or proposed)', async () => {
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', enterpriseAdmin, { ...CITY, mspId: 'UtilityMSP' }),
        /ESTP_ALREADY_EXISTS: Organisation UtilityMSP already exists/,
      );
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, CITY);
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', enterpriseAdmin, CITY),
        /ESTP_ALREADY_EXISTS/,
      );
    });

    it.each([
      [{ displayName: 'City', capabilities: ['admin'] }, /mspId is required/],
      [{ mspId: 'CityMSP', capabilities: ['admin'] }, /displayName is required/],
      [{ mspId: 'CityMSP', displayName: 'City' }, /capabilities is required/],
      [{ ...CITY, capabilities: ['member', 'auditor'] }, /capabilities must include admin/],
      [{ ...CITY, selfMeteringZones: ['ZONE-A'] }, /selfMeteringZones needs the meter capability/],
      [{ ...CITY, mspId: '9City' }, /mspId must be an MSP ID/],
      [{ ...CITY, displayName: '' }, /displayName must not be empty/],
      [{ ...CITY, capabilities: ['mayor'] }, /capabilities\[0\] must be one of/],
      [{ ...CITY, capabilities: ['admin', 'admin'] }, /capabilities\[1\] is a duplicate/],
      [{ ...CITY, roles: ['admin'] }, /roles is not a known field/],
      [{ ...CITY, status: 'ACTIVE' }, /status is not a known field/],
      ['{"mspId":', /input must be valid JSON/],
      [JSON.stringify({ ...CITY, displayName: 'x'.repeat(70_000) }), /input must be at most 65536 bytes/],
    ])('rejects bad input %#', async (input, message) => {
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, input),
        /ESTP_INVALID_INPUT/,
      );
      await expect(ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, input)).rejects.toThrow(
        message,
      );
    });
  });

  it('ProposeOrganisation activates at once when the proposer alone is a majority (one ACTIVE org)', async () => {
    // Given a ledger whose only org is an ACTIVE UtilityMSP (not reachable through Bootstrap)
    await ledger.transact(utilityAdmin, (ctx) =>
      ctx.stub.putState(
        ctx.stub.createCompositeKey('Organisation', ['UtilityMSP']),
        Buffer.from(JSON.stringify({ ...FOUNDING_DECLARATION[0], status: 'ACTIVE', revision: 1 })),
      ),
    );
    // When
    const tx = await ledger.submit<OrganisationDecision>(
      consortium,
      'ProposeOrganisation',
      utilityAdmin,
      CITY,
    );
    // Then
    expect(tx.result).toMatchObject({
      organisation: { status: 'ACTIVE', revision: 1 },
      proposal: { status: 'ADOPTED' },
      approvals: ['UtilityMSP'],
      requiredApprovals: 1,
    });
    expect(organisation('CityMSP')?.status).toBe('ACTIVE');
    expect(tx.event?.name).toBe(EventName.OrganisationActivated);
  });

  describe('ApproveOrganisation', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, CITY);
    });

    it('activates the org when a majority of ACTIVE orgs approved (2 of 3)', async () => {
      // When
      const tx = await ledger.submit<OrganisationDecision>(
        consortium,
        'ApproveOrganisation',
        enterpriseAdmin,
        {
          mspId: 'CityMSP',
        },
      );
      // Then
      expect(tx.result.organisation).toMatchObject({ status: 'ACTIVE', revision: 1 });
      expect(tx.result.organisation.activatedAt).toBe(new Date(tx.timestampMs).toISOString());
      expect(tx.result.approvals).toEqual(['EnterpriseMSP', 'UtilityMSP']);
      expect([...tx.writes.keys()].sort()).toEqual(
        [
          ledger.key('Organisation', 'CityMSP'),
          ledger.key('OrganisationProposal', 'CityMSP/0/ADMIT'),
          ledger.key('OrganisationApproval', 'CityMSP/0/ADMIT', 'EnterpriseMSP'),
        ].sort(),
      );
      expect(tx.event).toMatchObject({
        name: EventName.OrganisationActivated,
        payload: { mspIds: ['CityMSP'], adopted: true, approvals: ['EnterpriseMSP', 'UtilityMSP'] },
      });
      // And the new org's admin can now take part
      const town = await ledger.submit<OrganisationDecision>(consortium, 'ProposeOrganisation', cityAdmin, {
        mspId: 'TownMSP',
        displayName: 'Town',
        capabilities: ['admin', 'member'],
      });
      expect(town.result.requiredApprovals).toBe(3);
    });

    it('needs floor(n/2)+1 votes: with 4 ACTIVE orgs, 2 votes keep it PROPOSED, the 3rd activates', async () => {
      await ledger.submit(consortium, 'ApproveOrganisation', communityAdmin, { mspId: 'CityMSP' });
      await ledger.submit(consortium, 'ProposeOrganisation', cityAdmin, {
        mspId: 'TownMSP',
        displayName: 'Town',
        capabilities: ['admin'],
      });
      const second = await ledger.submit<OrganisationDecision>(
        consortium,
        'ApproveOrganisation',
        utilityAdmin,
        {
          mspId: 'TownMSP',
        },
      );
      expect(second.result.organisation.status).toBe('PROPOSED');
      expect(second.result.approvals).toEqual(['CityMSP', 'UtilityMSP']);
      expect([...second.writes.keys()]).toEqual([
        ledger.key('OrganisationApproval', 'TownMSP/0/ADMIT', 'UtilityMSP'),
      ]);
      expect(second.event?.name).toBe(EventName.OrganisationApproved);
      const third = await ledger.submit<OrganisationDecision>(
        consortium,
        'ApproveOrganisation',
        enterpriseAdmin,
        {
          mspId: 'TownMSP',
        },
      );
      expect(third.result.organisation.status).toBe('ACTIVE');
      expect(third.event?.name).toBe(EventName.OrganisationActivated);
    });

    it('reads the approval range and every Organisation: concurrent votes and electorate changes conflict', async () => {
      const tx = await ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, {
        mspId: 'CityMSP',
      });
      const ranges = tx.ranges.map((range) => range.startKey);
      expect(ranges).toContain(ledger.key('Organisation'));
      expect(ranges).toContain(ledger.key('OrganisationApproval', 'CityMSP/0/ADMIT'));
    });

    it('rejects a second vote of the same org (not double counted)', async () => {
      const colleague = await ledger.identity('UtilityMSP', 'admin2', ['admin']);
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', colleague, { mspId: 'CityMSP' }),
        /ESTP_ALREADY_EXISTS: OrganisationApproval CityMSP\/0\/ADMIT:UtilityMSP already exists/,
      );
      expect(organisation('CityMSP')?.status).toBe('PROPOSED');
    });

    it('rejects approving an org that is ACTIVE already, and an unknown org', async () => {
      await ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, { mspId: 'CityMSP' });
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', communityAdmin, { mspId: 'CityMSP' }),
        /ESTP_ILLEGAL_STATE: organisation CityMSP is ACTIVE/,
      );
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, { mspId: 'NowhereMSP' }),
        /ESTP_NOT_FOUND: Organisation NowhereMSP does not exist/,
      );
    });

    it('rejects a non-admin and an admin of a PROPOSED org', async () => {
      const member = await ledger.identity('EnterpriseMSP', 'm1', ['member']);
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', member, { mspId: 'CityMSP' }),
        /ESTP_FORBIDDEN: requires estp.role admin/,
      );
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', cityAdmin, { mspId: 'CityMSP' }),
        /ESTP_FORBIDDEN: CityMSP is PROPOSED/,
      );
    });

    it('rejects bad input', async () => {
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, {}),
        /ESTP_INVALID_INPUT: mspId is required/,
      );
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, { mspId: 'CityMSP', vote: 'yes' }),
        /ESTP_INVALID_INPUT: vote is not a known field/,
      );
    });
  });

  describe('ProposeChange and ApproveChange: capabilities and suspension by a majority', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
    });

    const propose = (admin: TestIdentity, input: object) =>
      ledger.submit<OrganisationDecision>(consortium, 'ProposeChange', admin, input);
    const approve = (admin: TestIdentity, proposalId: string) =>
      ledger.submit<OrganisationDecision>(consortium, 'ApproveChange', admin, { proposalId });

    it('GRANT: proposed by one org, adopted by the second approval (2 of 3); the record gets a new revision', async () => {
      // When Utility's admin proposes to grant Community the verifier capability
      const proposed = await propose(utilityAdmin, {
        mspId: 'CommunityMSP',
        change: 'GRANT',
        capability: 'verifier',
        reason: 'the co-op runs an accredited M&V desk',
      });
      // Then it is a proposal named after the change and the revision it changes; nothing granted yet
      expect(proposed.result).toMatchObject({
        proposal: {
          id: 'CommunityMSP/1/GRANT/verifier',
          kind: 'GRANT',
          mspId: 'CommunityMSP',
          baseRevision: 1,
          capability: 'verifier',
          status: 'OPEN',
        },
        organisation: { revision: 1, capabilities: ['admin', 'arbiter', 'auditor', 'member'] },
        approvals: ['UtilityMSP'],
        requiredApprovals: 2,
      });
      expect(proposed.event?.name).toBe(EventName.OrganisationChangeProposed);
      expect(organisation('CommunityMSP')?.capabilities).not.toContain('verifier');
      // When Enterprise's admin approves it
      const adopted = await approve(enterpriseAdmin, 'CommunityMSP/1/GRANT/verifier');
      // Then Community holds the capability, at revision 2
      expect(adopted.result.proposal.status).toBe('ADOPTED');
      expect(organisation('CommunityMSP')).toMatchObject({
        revision: 2,
        capabilities: ['admin', 'arbiter', 'auditor', 'member', 'verifier'],
        updatedAt: new Date(adopted.timestampMs).toISOString(),
      });
      expect(adopted.event).toMatchObject({
        name: EventName.OrganisationChanged,
        payload: {
          kind: 'GRANT',
          mspIds: ['CommunityMSP'],
          approvals: ['EnterpriseMSP', 'UtilityMSP'],
          adopted: true,
        },
      });
    });

    it('REVOKE removes a capability; revoking meter also drops the self-metering zones', async () => {
      await propose(enterpriseAdmin, { mspId: 'UtilityMSP', change: 'REVOKE', capability: 'meter' });
      await approve(communityAdmin, 'UtilityMSP/1/REVOKE/meter');
      expect(organisation('UtilityMSP')).toMatchObject({
        revision: 2,
        selfMeteringZones: [],
        capabilities: ['admin', 'arbiter', 'auditor', 'member', 'treasurer', 'verifier'],
      });
    });

    it('GRANT and REVOKE of meter with a grid zone change only the self-metering grant', async () => {
      await propose(enterpriseAdmin, {
        mspId: 'UtilityMSP',
        change: 'GRANT',
        capability: 'meter',
        gridZone: 'ZONE-B',
      });
      await approve(communityAdmin, 'UtilityMSP/1/GRANT/meter/ZONE-B');
      expect(organisation('UtilityMSP')?.selfMeteringZones).toEqual(['ZONE-A', 'ZONE-B']);
      await propose(communityAdmin, {
        mspId: 'UtilityMSP',
        change: 'REVOKE',
        capability: 'meter',
        gridZone: 'ZONE-A',
      });
      await approve(enterpriseAdmin, 'UtilityMSP/2/REVOKE/meter/ZONE-A');
      expect(organisation('UtilityMSP')).toMatchObject({ revision: 3, selfMeteringZones: ['ZONE-B'] });
      expect(organisation('UtilityMSP')?.capabilities).toContain('meter');
      // And granting a zone to an org without meter grants meter with it
      await propose(utilityAdmin, {
        mspId: 'CommunityMSP',
        change: 'GRANT',
        capability: 'meter',
        gridZone: 'ZONE-C',
      });
      await approve(enterpriseAdmin, 'CommunityMSP/1/GRANT/meter/ZONE-C');
      expect(organisation('CommunityMSP')).toMatchObject({
        capabilities: ['admin', 'arbiter', 'auditor', 'member', 'meter'],
        selfMeteringZones: ['ZONE-C'],
      });
    });

    it('SUSPEND and REINSTATE a whole org by a majority; a SUSPENDED org neither proposes nor votes', async () => {
      // When Utility and Enterprise suspend Community
      await propose(utilityAdmin, { mspId: 'CommunityMSP', change: 'SUSPEND', reason: 'unpaid fees' });
      const suspended = await approve(enterpriseAdmin, 'CommunityMSP/1/SUSPEND');
      // Then it is SUSPENDED
      expect(suspended.result.organisation).toMatchObject({
        status: 'SUSPENDED',
        revision: 2,
        suspendedAt: new Date(suspended.timestampMs).toISOString(),
      });
      // And its admin can neither propose nor vote
      await expectRejected(
        propose(communityAdmin, { mspId: 'UtilityMSP', change: 'SUSPEND' }),
        /ESTP_FORBIDDEN: CommunityMSP is SUSPENDED; only identities of ACTIVE organisations act as admin/,
      );
      const pending = await propose(utilityAdmin, {
        mspId: 'EnterpriseMSP',
        change: 'GRANT',
        capability: 'meter',
      });
      await expectRejected(approve(communityAdmin, pending.result.proposal.id), /CommunityMSP is SUSPENDED/);
      // And the electorate is the two ACTIVE orgs (2 of 2)
      expect(pending.result.requiredApprovals).toBe(2);
      // When both reinstate it
      await propose(enterpriseAdmin, { mspId: 'CommunityMSP', change: 'REINSTATE' });
      const reinstated = await approve(utilityAdmin, 'CommunityMSP/2/REINSTATE');
      expect(reinstated.result.organisation).toMatchObject({ status: 'ACTIVE', revision: 3 });
    });

    it('votes of an org suspended since no longer count', async () => {
      // Given Community proposed a grant, then Community was suspended
      await propose(communityAdmin, { mspId: 'EnterpriseMSP', change: 'GRANT', capability: 'meter' });
      await propose(utilityAdmin, { mspId: 'CommunityMSP', change: 'SUSPEND' });
      await approve(enterpriseAdmin, 'CommunityMSP/1/SUSPEND');
      // When Utility approves the grant, Then only Utility's vote counts (1 of 2): not adopted
      const vote = await approve(utilityAdmin, 'EnterpriseMSP/1/GRANT/meter');
      expect(vote.result).toMatchObject({
        approvals: ['UtilityMSP'],
        requiredApprovals: 2,
        proposal: { status: 'OPEN' },
      });
      expect(vote.event?.name).toBe(EventName.OrganisationChangeApproved);
      // And Enterprise's approval adopts it
      const adopted = await approve(enterpriseAdmin, 'EnterpriseMSP/1/GRANT/meter');
      expect(adopted.result.proposal.status).toBe('ADOPTED');
    });

    it('competing proposals on one org: the first adopted wins, the other is outdated and proposed again', async () => {
      // Given two proposals made against Community's revision 1
      await propose(utilityAdmin, { mspId: 'CommunityMSP', change: 'GRANT', capability: 'verifier' });
      await propose(enterpriseAdmin, { mspId: 'CommunityMSP', change: 'SUSPEND' });
      // When the grant is adopted first
      await approve(enterpriseAdmin, 'CommunityMSP/1/GRANT/verifier');
      // Then the suspension can no longer be approved: Community changed since it was proposed
      await expectRejected(
        approve(utilityAdmin, 'CommunityMSP/1/SUSPEND'),
        /ESTP_ILLEGAL_STATE: proposal CommunityMSP\/1\/SUSPEND changes revision 1 of CommunityMSP, which is at revision 2 since .*: propose the change again/,
      );
      // And proposed again, it names revision 2
      const again = await propose(enterpriseAdmin, { mspId: 'CommunityMSP', change: 'SUSPEND' });
      expect(again.result.proposal.id).toBe('CommunityMSP/2/SUSPEND');
    });

    it('the same change proposed twice is one proposal: the second proposer approves it instead', async () => {
      await propose(utilityAdmin, { mspId: 'CommunityMSP', change: 'GRANT', capability: 'verifier' });
      await expectRejected(
        propose(enterpriseAdmin, { mspId: 'CommunityMSP', change: 'GRANT', capability: 'verifier' }),
        /ESTP_ALREADY_EXISTS: OrganisationProposal CommunityMSP\/1\/GRANT\/verifier already exists/,
      );
      await expectRejected(
        approve(utilityAdmin, 'CommunityMSP/1/GRANT/verifier'),
        /ESTP_ALREADY_EXISTS: OrganisationApproval CommunityMSP\/1\/GRANT\/verifier:UtilityMSP already exists/,
      );
      await approve(enterpriseAdmin, 'CommunityMSP/1/GRANT/verifier');
      await expectRejected(
        approve(communityAdmin, 'CommunityMSP/1/GRANT/verifier'),
        /ESTP_ILLEGAL_STATE: proposal CommunityMSP\/1\/GRANT\/verifier is ADOPTED already/,
      );
    });

    it.each([
      [
        { mspId: 'CommunityMSP', change: 'GRANT', capability: 'member' },
        /ESTP_ILLEGAL_STATE: CommunityMSP holds the capability member already/,
      ],
      [
        { mspId: 'CommunityMSP', change: 'REVOKE', capability: 'treasurer' },
        /ESTP_ILLEGAL_STATE: CommunityMSP does not hold the capability treasurer/,
      ],
      [
        { mspId: 'UtilityMSP', change: 'GRANT', capability: 'meter', gridZone: 'ZONE-A' },
        /ESTP_ILLEGAL_STATE: UtilityMSP holds the meter capability for grid zone ZONE-A already/,
      ],
      [
        { mspId: 'UtilityMSP', change: 'REVOKE', capability: 'meter', gridZone: 'ZONE-Q' },
        /ESTP_ILLEGAL_STATE: UtilityMSP holds no meter capability for grid zone ZONE-Q/,
      ],
      [
        { mspId: 'CommunityMSP', change: 'REINSTATE' },
        /ESTP_ILLEGAL_STATE: organisation CommunityMSP is ACTIVE, not SUSPENDED/,
      ],
      [{ mspId: 'NowhereMSP', change: 'SUSPEND' }, /ESTP_NOT_FOUND: Organisation NowhereMSP does not exist/],
      [
        { mspId: 'CommunityMSP', change: 'REVOKE', capability: 'admin' },
        /ESTP_INVALID_INPUT: capability admin is held by every organisation and never revoked/,
      ],
      [{ mspId: 'CommunityMSP', change: 'GRANT' }, /ESTP_INVALID_INPUT: capability is required for GRANT/],
      [
        { mspId: 'CommunityMSP', change: 'GRANT', capability: 'treasurer', gridZone: 'ZONE-A' },
        /ESTP_INVALID_INPUT: gridZone goes with the meter capability only/,
      ],
      [
        { mspId: 'CommunityMSP', change: 'SUSPEND', capability: 'member' },
        /ESTP_INVALID_INPUT: capability is not taken by SUSPEND/,
      ],
      [
        { mspId: 'CommunityMSP', change: 'SUSPEND', gridZone: 'ZONE-A' },
        /ESTP_INVALID_INPUT: gridZone is not taken by SUSPEND/,
      ],
      [
        { mspId: 'CommunityMSP', change: 'DISSOLVE' },
        /ESTP_INVALID_INPUT: change must be one of GRANT, REVOKE, SUSPEND, REINSTATE/,
      ],
    ])('rejects a change that does not apply %#', async (input, message) => {
      await expectRejected(propose(utilityAdmin, input), message);
    });

    it('rejects changes of a PROPOSED org, and suspending the last ACTIVE org', async () => {
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, CITY);
      await expectRejected(
        propose(utilityAdmin, { mspId: 'CityMSP', change: 'GRANT', capability: 'verifier' }),
        /ESTP_ILLEGAL_STATE: organisation CityMSP is PROPOSED: admit it first/,
      );
      // Given only Utility remains ACTIVE
      await propose(utilityAdmin, { mspId: 'CommunityMSP', change: 'SUSPEND' });
      await approve(enterpriseAdmin, 'CommunityMSP/1/SUSPEND');
      await propose(utilityAdmin, { mspId: 'EnterpriseMSP', change: 'SUSPEND' });
      await approve(enterpriseAdmin, 'EnterpriseMSP/1/SUSPEND');
      // Then it cannot suspend itself: nobody would be left to vote
      await expectRejected(
        propose(utilityAdmin, { mspId: 'UtilityMSP', change: 'SUSPEND' }),
        /ESTP_ILLEGAL_STATE: suspending UtilityMSP would leave no ACTIVE organisation to vote/,
      );
    });

    it('rejects non-admins, unknown proposals and founding declarations', async () => {
      const member = await ledger.identity('UtilityMSP', 'm1', ['member']);
      await expectRejected(
        propose(member, { mspId: 'CommunityMSP', change: 'SUSPEND' }),
        /ESTP_FORBIDDEN: requires estp.role admin; UtilityMSP:m1 has member/,
      );
      await expectRejected(
        approve(utilityAdmin, 'CommunityMSP/1/SUSPEND'),
        /ESTP_NOT_FOUND: OrganisationProposal CommunityMSP\/1\/SUSPEND does not exist/,
      );
      await expectRejected(
        approve(utilityAdmin, FOUNDING_ID),
        /ESTP_ILLEGAL_STATE: FOUND\/\w+ is a founding declaration/,
      );
      await expectRejected(
        ledger.submit(consortium, 'ApproveChange', utilityAdmin, { proposalId: 'no such thing' }),
        /ESTP_INVALID_INPUT: proposalId must be a proposal ID/,
      );
    });
  });

  describe('queries', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
    });

    it('GetOrganisation returns an org with the approvals of its admission and the approvals a vote needs', async () => {
      await ledger.submit(consortium, 'ProposeOrganisation', communityAdmin, CITY);
      const reader = await ledger.identity('EnterpriseMSP', 'reader', ['member']);
      const view = await ledger.evaluate<OrganisationView>(consortium, 'GetOrganisation', reader, {
        mspId: 'CityMSP',
      });
      expect(view).toMatchObject({
        mspId: 'CityMSP',
        status: 'PROPOSED',
        approvals: ['CommunityMSP'],
        requiredApprovals: 2,
      });
      await expect(
        ledger.evaluate(consortium, 'GetOrganisation', reader, { mspId: 'NopeMSP' }),
      ).rejects.toThrow(/ESTP_NOT_FOUND/);
      await expect(ledger.evaluate(consortium, 'GetOrganisation', reader, {})).rejects.toThrow(
        /ESTP_INVALID_INPUT: mspId is required/,
      );
    });

    it('GetProposal and ListProposals show every proposal with its votes', async () => {
      await ledger.submit(consortium, 'ProposeChange', utilityAdmin, {
        mspId: 'CommunityMSP',
        change: 'SUSPEND',
      });
      const reader = await ledger.identity('CommunityMSP', 'reader', ['member']);
      await expect(
        ledger.evaluate<ProposalView>(consortium, 'GetProposal', reader, {
          proposalId: 'CommunityMSP/1/SUSPEND',
        }),
      ).resolves.toMatchObject({
        kind: 'SUSPEND',
        status: 'OPEN',
        approvals: ['UtilityMSP'],
        requiredApprovals: 2,
      });
      await expect(
        ledger.evaluate<ProposalView>(consortium, 'GetProposal', reader, { proposalId: FOUNDING_ID }),
      ).resolves.toMatchObject({
        kind: 'FOUND',
        status: 'ADOPTED',
        approvals: [...FOUNDING_MSPS].sort(),
        requiredApprovals: 3,
      });
      const page = await ledger.evaluate<Page<ProposalView>>(consortium, 'ListProposals', reader, {});
      expect(page.records.map((proposal) => proposal.id)).toEqual(['CommunityMSP/1/SUSPEND', FOUNDING_ID]);
      expect(page.bookmark).toBe('');
    });

    it('ListOrganisations pages through every org to an empty bookmark (exactly full last page)', async () => {
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, CITY);
      const seen: string[] = [];
      const bookmarks: string[] = [];
      let bookmark = '';
      do {
        const page = await ledger.evaluate<Page<Organisation>>(
          consortium,
          'ListOrganisations',
          utilityAdmin,
          {
            pageSize: 2,
            bookmark,
          },
        );
        seen.push(...page.records.map((org) => org.mspId));
        bookmarks.push(page.bookmark);
        bookmark = page.bookmark;
      } while (bookmark !== '');
      expect(seen).toEqual(['CityMSP', 'CommunityMSP', 'EnterpriseMSP', 'UtilityMSP']);
      expect(bookmarks).toHaveLength(2);
      expect(bookmarks[1]).toBe('');
      await expect(
        ledger.evaluate(consortium, 'ListOrganisations', utilityAdmin, { pageSize: 201 }),
      ).rejects.toThrow(/pageSize must be ≤ 200/);
    });
  });

  describe('through the contract API dispatch', () => {
    const contracts = [ConsortiumContract];

    it('runs a transaction by its qualified name', async () => {
      const response = await ledger.invoke(
        contracts,
        'Consortium:Bootstrap',
        [JSON.stringify({ organisations: FOUNDING_DECLARATION })],
        utilityAdmin,
      );
      expect(response.status).toBe(200);
      expect(JSON.parse(response.payload)).toMatchObject({ founded: false, changed: true });
    });

    it('rejects an unknown transaction and a wrong argument count', async () => {
      const unknown = await ledger.invoke(contracts, 'Consortium:RemoveOrganisation', ['{}'], utilityAdmin);
      expect(unknown).toMatchObject({ status: 500 });
      expect(unknown.message).toMatch(
        /^ESTP_INVALID_INPUT: unknown transaction Consortium:RemoveOrganisation/,
      );
      const extra = await ledger.invoke(contracts, 'Consortium:Bootstrap', ['{}', '{}'], utilityAdmin);
      expect(extra).toMatchObject({
        status: 500,
        message: 'Expected 1 parameters, but 2 have been supplied',
      });
      const none = await ledger.invoke(contracts, 'Consortium:Bootstrap', [], utilityAdmin);
      expect(none).toMatchObject({ status: 500, message: 'Expected 1 parameters, but 0 have been supplied' });
      expect(ledger.state().size).toBe(0);
    });
  });
});
