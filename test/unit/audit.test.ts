/**
 * Audit: record history and ledger totals, for auditors and admins.
 */
import { AuditContract } from '../../chaincode/src/contracts/audit';
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import { ParticipantContract } from '../../chaincode/src/contracts/participant';
import { SettlementContract } from '../../chaincode/src/contracts/settlement';
import { MAX_HISTORY_LIMIT, type RecordHistory } from '../../chaincode/src/audit/history';
import { TOTALS_SECTIONS, type Totals } from '../../chaincode/src/audit/totals';
import { RECORD_TYPES, RecordType } from '../../chaincode/src/lib/keys';
import { MAX_ACCOUNT_TOTAL } from '../../chaincode/src/lib/money';
import type { Page } from '../../chaincode/src/lib/pagination';
import { emptyAccount } from '../../chaincode/src/lib/accounts';
import { MINT_LANE, MINT_LANES, MINT_LANE_CAP } from '../../chaincode/src/lib/mint-lanes';
import { TestLedger, type TestIdentity } from '../support/fixture';
import { adminOf, bootstrapConsortium, registerParticipant } from '../support/world';

const audit = new AuditContract();
const consortium = new ConsortiumContract();
const participants = new ParticipantContract();
const iso = (ms: number) => new Date(ms).toISOString();

describe('Audit', () => {
  let ledger: TestLedger;
  let auditor: TestIdentity;
  let member: TestIdentity;
  let communityAdmin: TestIdentity;

  beforeEach(async () => {
    ledger = await TestLedger.create();
    await bootstrapConsortium(ledger);
    auditor = await ledger.identity('UtilityMSP', 'auditor1', ['auditor']);
    member = await ledger.identity('CommunityMSP', 'solar1', ['member']);
    communityAdmin = await adminOf(ledger, 'CommunityMSP');
  });

  describe('History', () => {
    it('lists every version of a record newest first with tx ID, time and value', async () => {
      // Given a participant registered, approved and suspended
      const registered = await ledger.submit(
        participants,
        'Register',
        member,
        {
          displayName: 'Solar',
          kind: 'PROSUMER',
          commodities: ['ELECTRICITY'],
          gridZone: 'Z1',
        },
        { transient: { verification: 'doc' } },
      );
      const approved = await ledger.submit(participants, 'Approve', communityAdmin, {
        id: member.participantId,
      });
      const suspended = await ledger.submit(participants, 'Suspend', communityAdmin, {
        id: member.participantId,
        reason: 'audit',
      });
      // When
      const history = await ledger.evaluate<RecordHistory>(audit, 'History', auditor, {
        recordType: 'Participant',
        id: member.participantId,
      });
      // Then
      expect(history.truncated).toBe(false);
      expect(history.versions.map((version) => [version.txId, version.timestamp, version.isDelete])).toEqual([
        [suspended.txId, iso(suspended.timestampMs), false],
        [approved.txId, iso(approved.timestampMs), false],
        [registered.txId, iso(registered.timestampMs), false],
      ]);
      expect(history.versions.map((version) => (version.value as { status: string }).status)).toEqual([
        'SUSPENDED',
        'ACTIVE',
        'PENDING',
      ]);
    });

    it('caps the versions at limit and says so', async () => {
      await registerParticipant(ledger, member);
      await ledger.submit(participants, 'Approve', communityAdmin, { id: member.participantId });
      const history = await ledger.evaluate<RecordHistory>(audit, 'History', communityAdmin, {
        recordType: 'Participant',
        id: member.participantId,
        limit: 1,
      });
      expect(history.versions).toHaveLength(1);
      expect(history.truncated).toBe(true);
    });

    it('shows deletes with a null value', async () => {
      await registerParticipant(ledger, member);
      const deleted = await ledger.transact(member, (ctx) =>
        ctx.stub.deleteState(ctx.stub.createCompositeKey('Participant', [member.participantId])),
      );
      const history = await ledger.evaluate<RecordHistory>(audit, 'History', auditor, {
        recordType: 'Participant',
        id: member.participantId,
      });
      expect(history.versions[0]).toEqual({
        txId: deleted.txId,
        timestamp: iso(deleted.timestampMs),
        isDelete: true,
        value: null,
      });
    });

    it('reads organisation approvals by <proposalId>:<approverMspId>', async () => {
      const utilityAdmin = await adminOf(ledger, 'UtilityMSP');
      const proposed = await ledger.submit(consortium, 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
        capabilities: ['admin', 'member'],
      });
      const history = await ledger.evaluate<RecordHistory>(audit, 'History', auditor, {
        recordType: 'OrganisationApproval',
        id: 'CityMSP/0/ADMIT:UtilityMSP',
      });
      expect(history.versions).toEqual([
        {
          txId: proposed.txId,
          timestamp: iso(proposed.timestampMs),
          isDelete: false,
          value: {
            proposalId: 'CityMSP/0/ADMIT',
            approverMspId: 'UtilityMSP',
            approvedBy: 'UtilityMSP:admin',
            approvedAt: iso(proposed.timestampMs),
          },
        },
      ]);
      await expect(
        ledger.evaluate(audit, 'History', auditor, {
          recordType: 'OrganisationApproval',
          id: 'CityMSP/0/ADMIT',
        }),
      ).rejects.toThrow(
        /ESTP_INVALID_INPUT: id of an OrganisationApproval must be <proposalId>:<approverMspId>/,
      );
    });

    it('reads records whose IDs contain a slash (trades, offers, treasury operations)', async () => {
      // Given a deposit, recorded as TreasuryOperation `<accountId>/<reference>`
      await registerParticipant(ledger, member);
      const treasurer = await ledger.identity('UtilityMSP', 'treasurer1', ['treasurer']);
      const deposit = await ledger.submit(new SettlementContract(), 'Deposit', treasurer, {
        accountId: member.participantId,
        amount: 500,
        reference: 'r-1',
      });
      // When the auditor asks for its history
      const history = await ledger.evaluate<RecordHistory>(audit, 'History', auditor, {
        recordType: 'TreasuryOperation',
        id: `${member.participantId}/r-1`,
      });
      // Then it is found
      expect(history.versions).toHaveLength(1);
      expect(history.versions[0]).toMatchObject({
        txId: deposit.txId,
        value: { amount: 500, kind: 'DEPOSIT' },
      });
      // And a trade ID is a valid ID (no such trade: no versions)
      await expect(
        ledger.evaluate(audit, 'History', auditor, { recordType: 'Trade', id: 'M-1/c/00000001' }),
      ).resolves.toMatchObject({ versions: [] });
    });

    it('returns no versions for a record that never existed', async () => {
      await expect(
        ledger.evaluate(audit, 'History', auditor, { recordType: 'Offer', id: 'never' }),
      ).resolves.toEqual({ recordType: 'Offer', id: 'never', versions: [], truncated: false });
    });

    it('is refused to callers without the auditor or admin role', async () => {
      await expect(
        ledger.evaluate(audit, 'History', member, { recordType: 'Participant', id: member.participantId }),
      ).rejects.toThrow(
        /ESTP_FORBIDDEN: requires estp.role auditor or admin; CommunityMSP:solar1 has member/,
      );
    });

    it.each([
      [{ id: 'x' }, /recordType is required/],
      [{ recordType: 'Wallet', id: 'x' }, /recordType must be one of/],
      [{ recordType: 'Participant' }, /id is required/],
      [{ recordType: 'Participant', id: 'a b' }, /id must be a record ID of letters, digits and \._:@\/-/],
      [{ recordType: 'Participant', id: 'x', limit: 0 }, /limit must be ≥ 1/],
      [{ recordType: 'Participant', id: 'x', limit: MAX_HISTORY_LIMIT + 1 }, /limit must be ≤ 1000/],
      [{ recordType: 'Participant', id: 'x', from: 1 }, /from is not a known field/],
    ])('rejects bad input %j', async (input, message) => {
      await expect(ledger.evaluate(audit, 'History', auditor, input)).rejects.toThrow(/ESTP_INVALID_INPUT/);
      await expect(ledger.evaluate(audit, 'History', auditor, input)).rejects.toThrow(message);
    });
  });

  describe('List', () => {
    it('lists every record of a type in key order, paged to the last page', async () => {
      // Given the three founding organisations and one proposed org
      await ledger.submit(consortium, 'ProposeOrganisation', communityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
        capabilities: ['admin', 'member'],
      });
      // When the auditor pages through the Organisation records two at a time
      const first = await ledger.evaluate<Page<{ mspId: string }>>(audit, 'List', auditor, {
        recordType: 'Organisation',
        pageSize: 2,
      });
      const second = await ledger.evaluate<Page<{ mspId: string }>>(audit, 'List', auditor, {
        recordType: 'Organisation',
        pageSize: 2,
        bookmark: first.bookmark,
      });
      // Then every record comes once, in key order, and the last page ends with an empty bookmark
      expect([...first.records, ...second.records].map((org) => org.mspId)).toEqual([
        'CityMSP',
        'CommunityMSP',
        'EnterpriseMSP',
        'UtilityMSP',
      ]);
      expect(first.bookmark).not.toBe('');
      expect(second.bookmark).toBe('');
    });

    it('lists only the type asked for (index entries and other types are not records)', async () => {
      await registerParticipant(ledger, member);
      const page = await ledger.evaluate<Page<{ id: string }>>(audit, 'List', communityAdmin, {
        recordType: 'Participant',
      });
      expect(page).toEqual({
        records: [expect.objectContaining({ id: member.participantId })],
        bookmark: '',
      });
      await expect(
        ledger.evaluate(audit, 'List', auditor, { recordType: 'TreasuryOperation' }),
      ).resolves.toEqual({ records: [], bookmark: '' });
    });

    it('is refused to members, and rejects unknown types and bad page sizes', async () => {
      await expect(ledger.evaluate(audit, 'List', member, { recordType: 'Participant' })).rejects.toThrow(
        /ESTP_FORBIDDEN: requires estp.role auditor or admin/,
      );
      await expect(ledger.evaluate(audit, 'List', auditor, { recordType: 'Wallet' })).rejects.toThrow(
        /ESTP_INVALID_INPUT: recordType must be one of/,
      );
      await expect(
        ledger.evaluate(audit, 'List', auditor, { recordType: 'Participant', pageSize: 201 }),
      ).rejects.toThrow(/ESTP_INVALID_INPUT: pageSize must be ≤ 200/);
    });
  });

  describe('Totals', () => {
    it('counts the records of every type now', async () => {
      // Given 3 founders (their declaration confirmed by 3 approvals), 1 proposed org with 1
      // approval, and 1 participant
      await ledger.submit(consortium, 'ProposeOrganisation', await adminOf(ledger, 'EnterpriseMSP'), {
        mspId: 'CityMSP',
        displayName: 'City',
        capabilities: ['admin', 'member'],
      });
      await registerParticipant(ledger, member);
      // When
      const totals = await ledger.evaluate<Totals>(audit, 'Totals', auditor, {});
      // Then
      const expected = Object.fromEntries(RECORD_TYPES.map((type) => [type, 0]));
      expect(totals).toEqual({
        asOf: iso(ledger.now() - 1000),
        records: {
          ...expected,
          [RecordType.Organisation]: 4,
          [RecordType.OrganisationProposal]: 2,
          [RecordType.OrganisationApproval]: 4,
          [RecordType.Participant]: 1,
        },
        conservation: {
          accounts: 0,
          money: { minted: 0, burned: 0, available: 0, escrowed: 0, balanced: true },
          certificates: { issuedWh: 0, retiredWh: 0, heldWh: 0, escrowedWh: 0, balanced: true },
        },
      });
    });

    it("stays exact beyond 2⁵³ and beyond the peer's totalQueryLimit: BigInt sums, paged reads", async () => {
      // Given ten accounts each minted the per-account cap (Σ 10¹⁶ > 2⁵³), written directly (the
      // record and every mint lane full)
      await ledger.transact(auditor, async (ctx) => {
        for (let n = 0; n < 10; n += 1) {
          const id = `CommunityMSP:whale${n}`;
          const whale = { ...emptyAccount(id, ''), available: MAX_ACCOUNT_TOTAL, minted: MAX_ACCOUNT_TOTAL };
          await ctx.stub.putState(
            ctx.stub.createCompositeKey('Account', [id]),
            Buffer.from(JSON.stringify(whale)),
          );
          for (let lane = 0; lane < MINT_LANES; lane++) {
            await ctx.stub.putState(
              ctx.stub.createCompositeKey(MINT_LANE, [id, String(lane).padStart(3, '0')]),
              Buffer.from(JSON.stringify({ accountId: id, lane, minted: MINT_LANE_CAP })),
            );
          }
        }
      });
      // When the auditor reads the totals
      const totals = await ledger.evaluate<Totals>(audit, 'Totals', auditor, {});
      // Then they are exact decimal strings beyond the safe range, and still balance
      expect(totals.conservation).toMatchObject({
        accounts: 10,
        money: { minted: '10000000000000000', available: '10000000000000000', burned: 0, balanced: true },
      });
    });

    it('includes every registered section (as Settlement adds its conservation figures)', async () => {
      TOTALS_SECTIONS.push({ name: 'extra', compute: () => Promise.resolve({ balanced: true }) });
      try {
        const totals = await ledger.evaluate<Totals>(audit, 'Totals', communityAdmin, {});
        expect(totals.extra).toEqual({ balanced: true });
        expect(Object.keys(totals).sort()).toEqual(['asOf', 'conservation', 'extra', 'records']);
      } finally {
        TOTALS_SECTIONS.pop();
      }
    });

    it('is refused to members and rejects fields', async () => {
      await expect(ledger.evaluate(audit, 'Totals', member, {})).rejects.toThrow(/ESTP_FORBIDDEN/);
      await expect(ledger.evaluate(audit, 'Totals', auditor, { at: 1 })).rejects.toThrow(
        /ESTP_INVALID_INPUT: at is not a known field/,
      );
    });
  });
});
