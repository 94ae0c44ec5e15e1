/**
 * Consortium: founding orgs at deployment, onboarding of new orgs by a majority of ACTIVE orgs.
 */
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import type { Organisation } from '../../chaincode/src/consortium/model';
import type { OrganisationView } from '../../chaincode/src/consortium/queries';
import { EventName } from '../../chaincode/src/lib/events';
import { RecordType } from '../../chaincode/src/lib/keys';
import type { Page } from '../../chaincode/src/lib/pagination';
import { DEFAULT_TIME_MS, TestLedger, type TestIdentity } from '../support/fixture';
import { FOUNDING_MSPS, adminOf, bootstrapConsortium } from '../support/world';

const consortium = new ConsortiumContract();
const ISO_START = new Date(DEFAULT_TIME_MS).toISOString();

interface Decision {
  organisation: Organisation;
  approvals: string[];
  requiredApprovals: number;
}

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

  describe('Bootstrap', () => {
    it('records the three founding orgs as ACTIVE with one event', async () => {
      // When
      const tx = await ledger.submit<{ created: boolean; organisations: Organisation[] }>(
        consortium,
        'Bootstrap',
        utilityAdmin,
        {},
      );
      // Then
      expect(tx.result.created).toBe(true);
      expect(tx.result.organisations.map((org) => [org.mspId, org.status, org.founding])).toEqual([
        ['UtilityMSP', 'ACTIVE', true],
        ['EnterpriseMSP', 'ACTIVE', true],
        ['CommunityMSP', 'ACTIVE', true],
      ]);
      expect([...tx.writes.keys()].sort()).toEqual(
        FOUNDING_MSPS.map((msp) => ledger.key('Organisation', msp)).sort(),
      );
      expect(tx.event).toEqual({
        name: EventName.OrganisationBootstrapped,
        payload: { by: 'UtilityMSP:admin', mspIds: [...FOUNDING_MSPS] },
      });
      expect(ledger.readRecord<Organisation>(RecordType.Organisation, 'CommunityMSP')).toMatchObject({
        displayName: 'Community (energy co-op)',
        status: 'ACTIVE',
        activatedAt: ISO_START,
        proposedBy: 'bootstrap:UtilityMSP:admin',
      });
    });

    it('is idempotent: a second call writes nothing and returns the existing records', async () => {
      // Given
      const first = await ledger.submit<{ organisations: Organisation[] }>(
        consortium,
        'Bootstrap',
        utilityAdmin,
        {},
      );
      // When
      const second = await ledger.submit<{ created: boolean; organisations: Organisation[] }>(
        consortium,
        'Bootstrap',
        enterpriseAdmin,
        {},
      );
      // Then
      expect(second.result).toEqual({ created: false, organisations: first.result.organisations });
      expect(second.writes.size).toBe(0);
      expect(second.event).toBeUndefined();
    });

    it('rejects a caller without the admin role', async () => {
      const member = await ledger.identity('UtilityMSP', 'm1', ['member', 'auditor']);
      await expectRejected(
        ledger.submit(consortium, 'Bootstrap', member, {}),
        /ESTP_FORBIDDEN: requires estp.role admin/,
      );
    });

    it('rejects an admin of an org that is not a founder', async () => {
      await expectRejected(
        ledger.submit(consortium, 'Bootstrap', cityAdmin, {}),
        /ESTP_FORBIDDEN: Bootstrap is limited to admins of the founding organisations/,
      );
    });

    it('rejects unknown fields', async () => {
      await expectRejected(
        ledger.submit(consortium, 'Bootstrap', utilityAdmin, { orgs: [] }),
        /ESTP_INVALID_INPUT: orgs is not a known field/,
      );
    });
  });

  describe('ProposeOrganisation', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
    });

    it('records a PROPOSED org with the proposer org as first approval', async () => {
      // When
      const tx = await ledger.submit<Decision>(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City energy office',
        roles: ['member', 'auditor', 'admin'],
      });
      // Then
      expect(tx.result.organisation).toEqual({
        mspId: 'CityMSP',
        displayName: 'City energy office',
        status: 'PROPOSED',
        roles: ['admin', 'auditor', 'member'],
        founding: false,
        proposedBy: 'UtilityMSP:admin',
        createdAt: new Date(tx.timestampMs).toISOString(),
        updatedAt: new Date(tx.timestampMs).toISOString(),
      });
      expect(tx.result.approvals).toEqual(['UtilityMSP']);
      expect(tx.result.requiredApprovals).toBe(2);
      expect([...tx.writes.keys()].sort()).toEqual(
        [
          ledger.key('Organisation', 'CityMSP'),
          ledger.key('OrganisationApproval', 'CityMSP', 'UtilityMSP'),
        ].sort(),
      );
      expect(tx.event).toEqual({
        name: EventName.OrganisationProposed,
        payload: {
          mspId: 'CityMSP',
          status: 'PROPOSED',
          approvals: ['UtilityMSP'],
          requiredApprovals: 2,
          by: 'UtilityMSP:admin',
        },
      });
    });

    it('defaults the roles to admin and member', async () => {
      const tx = await ledger.submit<Decision>(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
      });
      expect(tx.result.organisation.roles).toEqual(['admin', 'member']);
    });

    it('rejects a caller without the admin role', async () => {
      const member = await ledger.identity('UtilityMSP', 'm1', ['member']);
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', member, { mspId: 'CityMSP', displayName: 'City' }),
        /ESTP_FORBIDDEN/,
      );
    });

    it('rejects an admin of an org that is not ACTIVE on the ledger', async () => {
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', cityAdmin, {
          mspId: 'TownMSP',
          displayName: 'Town',
        }),
        /ESTP_FORBIDDEN: ProposeOrganisation requires an ACTIVE organisation; CityMSP is not a recorded organisation/,
      );
    });

    it('rejects an admin of a PROPOSED org', async () => {
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
      });
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', cityAdmin, {
          mspId: 'TownMSP',
          displayName: 'Town',
        }),
        /ESTP_FORBIDDEN: ProposeOrganisation requires an ACTIVE organisation; CityMSP is PROPOSED/,
      );
    });

    it('rejects an MSP ID that is recorded already (founder or proposed)', async () => {
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', enterpriseAdmin, {
          mspId: 'UtilityMSP',
          displayName: 'U',
        }),
        /ESTP_ALREADY_EXISTS: Organisation UtilityMSP already exists/,
      );
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
      });
      await expectRejected(
        ledger.submit(consortium, 'ProposeOrganisation', enterpriseAdmin, {
          mspId: 'CityMSP',
          displayName: 'City',
        }),
        /ESTP_ALREADY_EXISTS/,
      );
    });

    it.each([
      [{ displayName: 'City' }, /mspId is required/],
      [{ mspId: 'CityMSP' }, /displayName is required/],
      [{ mspId: '9City', displayName: 'City' }, /mspId must be an MSP ID/],
      [{ mspId: 'CityMSP', displayName: '' }, /displayName must not be empty/],
      [{ mspId: 'CityMSP', displayName: 'x'.repeat(101) }, /displayName must have at most 100 characters/],
      [{ mspId: 'CityMSP', displayName: 'City', roles: ['mayor'] }, /roles\[0\] must be one of/],
      [{ mspId: 'CityMSP', displayName: 'City', roles: ['admin', 'admin'] }, /roles\[1\] is a duplicate/],
      [{ mspId: 'CityMSP', displayName: 'City', status: 'ACTIVE' }, /status is not a known field/],
      ['{"mspId":', /input must be valid JSON/],
      ['[]', /must be a JSON object/],
      [
        JSON.stringify({ mspId: 'CityMSP', displayName: 'x'.repeat(70_000) }),
        /input must be at most 65536 bytes/,
      ],
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
    // Given a ledger whose only ACTIVE org is UtilityMSP (not reachable through Bootstrap)
    await ledger.transact(utilityAdmin, (ctx) =>
      ctx.stub.putState(
        ctx.stub.createCompositeKey('Organisation', ['UtilityMSP']),
        Buffer.from(JSON.stringify({ mspId: 'UtilityMSP', status: 'ACTIVE' })),
      ),
    );
    // When
    const tx = await ledger.submit<Decision>(consortium, 'ProposeOrganisation', utilityAdmin, {
      mspId: 'CityMSP',
      displayName: 'City',
    });
    // Then
    expect(tx.result).toMatchObject({
      organisation: { status: 'ACTIVE' },
      approvals: ['UtilityMSP'],
      requiredApprovals: 1,
    });
    expect(tx.event?.name).toBe(EventName.OrganisationActivated);
  });

  describe('ApproveOrganisation', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
      });
    });

    it('activates the org when a majority of ACTIVE orgs approved (2 of 3)', async () => {
      // When
      const tx = await ledger.submit<Decision>(consortium, 'ApproveOrganisation', enterpriseAdmin, {
        mspId: 'CityMSP',
      });
      // Then
      expect(tx.result.organisation.status).toBe('ACTIVE');
      expect(tx.result.organisation.activatedAt).toBe(new Date(tx.timestampMs).toISOString());
      expect(tx.result.approvals).toEqual(['EnterpriseMSP', 'UtilityMSP']);
      expect([...tx.writes.keys()].sort()).toEqual(
        [
          ledger.key('Organisation', 'CityMSP'),
          ledger.key('OrganisationApproval', 'CityMSP', 'EnterpriseMSP'),
        ].sort(),
      );
      expect(tx.event).toEqual({
        name: EventName.OrganisationActivated,
        payload: {
          mspId: 'CityMSP',
          status: 'ACTIVE',
          approvals: ['EnterpriseMSP', 'UtilityMSP'],
          requiredApprovals: 2,
          by: 'EnterpriseMSP:admin',
        },
      });
      // And the new org's admin can now take part
      const town = await ledger.submit<Decision>(consortium, 'ProposeOrganisation', cityAdmin, {
        mspId: 'TownMSP',
        displayName: 'Town',
      });
      expect(town.result.requiredApprovals).toBe(3);
    });

    it('needs floor(n/2)+1 votes: with 4 ACTIVE orgs, 2 votes keep it PROPOSED, the 3rd activates', async () => {
      // Given CityMSP is ACTIVE (4 orgs) and CityMSP proposes TownMSP
      await ledger.submit(consortium, 'ApproveOrganisation', communityAdmin, { mspId: 'CityMSP' });
      await ledger.submit(consortium, 'ProposeOrganisation', cityAdmin, {
        mspId: 'TownMSP',
        displayName: 'Town',
      });
      // When
      const second = await ledger.submit<Decision>(consortium, 'ApproveOrganisation', utilityAdmin, {
        mspId: 'TownMSP',
      });
      // Then
      expect(second.result.organisation.status).toBe('PROPOSED');
      expect(second.result.approvals).toEqual(['CityMSP', 'UtilityMSP']);
      expect([...second.writes.keys()]).toEqual([
        ledger.key('OrganisationApproval', 'TownMSP', 'UtilityMSP'),
      ]);
      expect(second.event?.name).toBe(EventName.OrganisationApproved);
      // When the third votes
      const third = await ledger.submit<Decision>(consortium, 'ApproveOrganisation', enterpriseAdmin, {
        mspId: 'TownMSP',
      });
      expect(third.result.organisation.status).toBe('ACTIVE');
      expect(third.event?.name).toBe(EventName.OrganisationActivated);
    });

    it('rejects a second vote of the same org (not double counted)', async () => {
      const colleague = await ledger.identity('UtilityMSP', 'admin2', ['admin']);
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', colleague, { mspId: 'CityMSP' }),
        /ESTP_ALREADY_EXISTS: OrganisationApproval CityMSP:UtilityMSP already exists/,
      );
      expect(ledger.readRecord<Organisation>('Organisation', 'CityMSP')?.status).toBe('PROPOSED');
    });

    it('rejects approving an org that is ACTIVE already', async () => {
      await ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, { mspId: 'CityMSP' });
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', communityAdmin, { mspId: 'CityMSP' }),
        /ESTP_ILLEGAL_STATE: organisation CityMSP is ACTIVE/,
      );
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', communityAdmin, { mspId: 'UtilityMSP' }),
        /ESTP_ILLEGAL_STATE/,
      );
    });

    it('rejects an unknown org', async () => {
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', enterpriseAdmin, { mspId: 'NowhereMSP' }),
        /ESTP_NOT_FOUND: Organisation NowhereMSP does not exist/,
      );
    });

    it('rejects a non-admin and an admin of a PROPOSED org', async () => {
      const member = await ledger.identity('EnterpriseMSP', 'm1', ['member']);
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', member, { mspId: 'CityMSP' }),
        /ESTP_FORBIDDEN/,
      );
      await expectRejected(
        ledger.submit(consortium, 'ApproveOrganisation', cityAdmin, { mspId: 'CityMSP' }),
        /ESTP_FORBIDDEN: ApproveOrganisation requires an ACTIVE organisation; CityMSP is PROPOSED/,
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

  describe('GetOrganisation and ListOrganisations', () => {
    beforeEach(async () => {
      await bootstrapConsortium(ledger);
    });

    it('returns an org with its approvals and the approvals it needs', async () => {
      await ledger.submit(consortium, 'ProposeOrganisation', communityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
      });
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
    });

    it('fails for an unknown org and bad input', async () => {
      await expect(
        ledger.evaluate(consortium, 'GetOrganisation', utilityAdmin, { mspId: 'NopeMSP' }),
      ).rejects.toThrow(/ESTP_NOT_FOUND/);
      await expect(ledger.evaluate(consortium, 'GetOrganisation', utilityAdmin, {})).rejects.toThrow(
        /ESTP_INVALID_INPUT: mspId is required/,
      );
    });

    it('pages through every org to an empty bookmark (exactly full last page)', async () => {
      await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
      });
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
    });

    it('lists with the default page size and rejects a bad page size', async () => {
      const page = await ledger.evaluate<Page<Organisation>>(
        consortium,
        'ListOrganisations',
        utilityAdmin,
        {},
      );
      expect(page.records).toHaveLength(3);
      expect(page.bookmark).toBe('');
      await expect(
        ledger.evaluate(consortium, 'ListOrganisations', utilityAdmin, { pageSize: 0 }),
      ).rejects.toThrow(/ESTP_INVALID_INPUT: pageSize must be ≥ 1/);
      await expect(
        ledger.evaluate(consortium, 'ListOrganisations', utilityAdmin, { pageSize: 201 }),
      ).rejects.toThrow(/pageSize must be ≤ 200/);
    });
  });

  describe('through the contract API dispatch', () => {
    const contracts = [ConsortiumContract];

    it('runs a transaction by its qualified name', async () => {
      const response = await ledger.invoke(contracts, 'Consortium:Bootstrap', ['{}'], utilityAdmin);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.payload)).toMatchObject({ created: true });
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
