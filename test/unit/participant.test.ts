/**
 * Participant: self-registration with private verification data, the admin-driven lifecycle,
 * and the queries.
 */
import { createHash } from 'node:crypto';
import { ConsortiumContract } from '../../chaincode/src/contracts/consortium';
import { ParticipantContract } from '../../chaincode/src/contracts/participant';
import { EventName } from '../../chaincode/src/lib/events';
import type { Page } from '../../chaincode/src/lib/pagination';
import { callerOf } from '../../chaincode/src/lib/caller';
import {
  type Participant,
  getParticipant,
  requireActiveParticipant,
} from '../../chaincode/src/participant/model';
import { MAX_VERIFICATION_BYTES } from '../../chaincode/src/participant/register';
import { TestLedger, type TestIdentity } from '../support/fixture';
import { adminOf, bootstrapConsortium, profileOf, registerParticipant } from '../support/world';

const participants = new ParticipantContract();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const text = (value: Uint8Array | null | undefined) => (value ? Buffer.from(value).toString('utf8') : value);

describe('Participant', () => {
  let ledger: TestLedger;
  let solar: TestIdentity; // CommunityMSP member
  let communityAdmin: TestIdentity;
  let utilityAdmin: TestIdentity;

  beforeEach(async () => {
    ledger = await TestLedger.create();
    await bootstrapConsortium(ledger);
    solar = await ledger.identity('CommunityMSP', 'solar1', ['member']);
    communityAdmin = await adminOf(ledger, 'CommunityMSP');
    utilityAdmin = await adminOf(ledger, 'UtilityMSP');
  });

  async function expectRejected(run: Promise<unknown>, code: RegExp): Promise<void> {
    const before = ledger.state();
    const privateBefore = ledger.privateState('_implicit_org_CommunityMSP');
    await expect(run).rejects.toThrow(code);
    expect(ledger.state()).toEqual(before);
    expect(ledger.privateState('_implicit_org_CommunityMSP')).toEqual(privateBefore);
  }

  /** Registers with `verification` in the transient map (null: without it). */
  const register = (caller: TestIdentity, input: unknown, verification: string | null = 'passport-scan') =>
    ledger.submit<Participant>(participants, 'Register', caller, input, {
      transient: verification === null ? {} : { verification },
    });

  describe('Register', () => {
    it('records the caller as PENDING with the hash of its private verification data', async () => {
      // When
      const tx = await register(
        solar,
        profileOf('solar1', {
          displayName: 'Rooftop Solar 1',
          commodities: ['HEAT', 'ELECTRICITY'],
          meterIds: ['MTR-2', 'MTR-1'],
          capacityW: 7200,
        }),
      );
      // Then the public record
      const expected: Participant = {
        id: 'CommunityMSP:solar1',
        mspId: 'CommunityMSP',
        enrollmentId: 'solar1',
        displayName: 'Rooftop Solar 1',
        kind: 'PROSUMER',
        commodities: ['ELECTRICITY', 'HEAT'],
        gridZone: 'ZONE-A',
        meterIds: [],
        requestedMeterIds: ['MTR-1', 'MTR-2'],
        capacityW: 7200,
        status: 'PENDING',
        verificationHash: sha256('passport-scan'),
        registeredAt: new Date(tx.timestampMs).toISOString(),
        updatedAt: new Date(tx.timestampMs).toISOString(),
      };
      expect(tx.result).toEqual(expected);
      expect(ledger.readRecord('Participant', 'CommunityMSP:solar1')).toEqual(expected);
      // And the indexes, and nothing else, are written publicly: the meters are only requested
      expect([...tx.writes.keys()].sort()).toEqual(
        [
          ledger.key('Participant', 'CommunityMSP:solar1'),
          ledger.key('participant~status', 'PENDING', 'CommunityMSP:solar1'),
          ledger.key('participant~msp~status', 'CommunityMSP', 'PENDING', 'CommunityMSP:solar1'),
        ].sort(),
      );
      for (const value of tx.writes.values()) expect(text(value)).not.toContain('passport-scan');
      // And the verification data stays in the org's implicit collection
      expect([...tx.privateWrites.keys()]).toEqual(['_implicit_org_CommunityMSP']);
      expect(text(ledger.privateState('_implicit_org_CommunityMSP').get('CommunityMSP:solar1'))).toBe(
        'passport-scan',
      );
      expect(tx.event).toEqual({
        name: EventName.ParticipantRegistered,
        payload: {
          id: 'CommunityMSP:solar1',
          mspId: 'CommunityMSP',
          kind: 'PROSUMER',
          status: 'PENDING',
          verificationHash: sha256('passport-scan'),
        },
      });
    });

    it('defaults meters to none and capacity to 0', async () => {
      const tx = await register(solar, {
        displayName: 'Heat user',
        kind: 'CONSUMER',
        commodities: ['HEAT'],
        gridZone: 'DH-1',
      });
      expect(tx.result).toMatchObject({ meterIds: [], capacityW: 0 });
    });

    it('lets any caller with an ESTP role register, e.g. a verifier', async () => {
      const verifier = await ledger.identity('EnterpriseMSP', 'mv1', ['verifier']);
      await expect(register(verifier, profileOf('mv1'))).resolves.toMatchObject({
        result: { id: 'EnterpriseMSP:mv1' },
      });
    });

    it('rejects a replay of the same registration', async () => {
      await register(solar, profileOf('solar1'));
      await expectRejected(
        register(solar, profileOf('solar1', { displayName: 'again' })),
        /ESTP_ALREADY_EXISTS: Participant CommunityMSP:solar1 already exists/,
      );
    });

    it('rejects a caller without any ESTP role', async () => {
      const nobody = await ledger.identity('CommunityMSP', 'nobody', ['mayor']);
      await expectRejected(
        register(nobody, profileOf('nobody')),
        /ESTP_FORBIDDEN: requires estp.role admin or member/,
      );
    });

    it('rejects an auditor: auditors only read the ledger', async () => {
      // Given an identity whose only ESTP role is auditor
      const auditor = await ledger.identity('CommunityMSP', 'auditor1', ['auditor']);
      // When it registers, Then it is refused and nothing is written
      await expectRejected(
        register(auditor, profileOf('auditor1')),
        /ESTP_FORBIDDEN: requires estp.role admin or member or meter or treasurer or verifier or arbiter; CommunityMSP:auditor1 has auditor/,
      );
      // An auditor that is also a member registers as that member
      const both = await ledger.identity('CommunityMSP', 'auditor2', ['auditor', 'member']);
      await expect(register(both, profileOf('auditor2'))).resolves.toMatchObject({
        result: { status: 'PENDING' },
      });
    });

    it('rejects a caller whose org is not ACTIVE on the ledger', async () => {
      const citizen = await ledger.identity('CityMSP', 'c1', ['member']);
      await expectRejected(
        register(citizen, profileOf('c1')),
        /ESTP_FORBIDDEN: CityMSP is not a recorded organisation; only identities of ACTIVE organisations act as member/,
      );
    });

    it('rejects a caller whose org is only PROPOSED', async () => {
      await ledger.submit(new ConsortiumContract(), 'ProposeOrganisation', utilityAdmin, {
        mspId: 'CityMSP',
        displayName: 'City',
        capabilities: ['admin', 'member'],
      });
      const citizen = await ledger.identity('CityMSP', 'c1', ['member']);
      await expectRejected(register(citizen, profileOf('c1')), /CityMSP is PROPOSED/);
    });

    it('rejects an enrolment ID that cannot be a participant ID', async () => {
      const spaced = await ledger.identity('CommunityMSP', 'jane doe', ['member']);
      await expectRejected(
        register(spaced, profileOf('jane')),
        /ESTP_FORBIDDEN: enrolment ID of CommunityMSP:jane doe cannot be a participant ID/,
      );
    });

    it('rejects a meter bound to another participant', async () => {
      await register(solar, profileOf('solar1', { meterIds: ['MTR-1'] }));
      await ledger.submit(participants, 'Approve', communityAdmin, { id: solar.participantId });
      const neighbour = await ledger.identity('CommunityMSP', 'solar2', ['member']);
      await expectRejected(
        register(neighbour, profileOf('solar2', { meterIds: ['MTR-9', 'MTR-1'] })),
        /ESTP_ALREADY_EXISTS: meter MTR-1 \(meterIds\[1\]\), bound to CommunityMSP:solar1, already exists/,
      );
    });

    it.each([
      ['missing', null, /ESTP_INVALID_INPUT: transient.verification is required/],
      ['empty', '', /ESTP_INVALID_INPUT: transient.verification is required/],
      [
        'oversized',
        'x'.repeat(MAX_VERIFICATION_BYTES + 1),
        /transient.verification must be at most 65536 bytes/,
      ],
    ])('rejects %s verification data', async (_case, verification, message) => {
      await expectRejected(register(solar, profileOf('solar1'), verification), message);
    });

    it('accepts verification data of exactly 64 KiB', async () => {
      const tx = await register(solar, profileOf('solar1'), 'v'.repeat(MAX_VERIFICATION_BYTES));
      expect(tx.result.verificationHash).toBe(sha256('v'.repeat(MAX_VERIFICATION_BYTES)));
    });

    it.each([
      [{ displayName: undefined }, /displayName is required/],
      [{ kind: 'TRADER' }, /kind must be one of SUPPLIER, CONSUMER, PROSUMER/],
      [{ commodities: [] }, /commodities must have at least 1 item/],
      [{ commodities: ['HEAT', 'HEAT'] }, /commodities\[1\] is a duplicate/],
      [{ commodities: 'HEAT' }, /commodities must be an array/],
      [{ gridZone: 'zone a' }, /gridZone must be a grid zone code/],
      [{ meterIds: ['ok', 'bad id'] }, /meterIds\[1\] must be an identifier/],
      [{ capacityW: -1 }, /capacityW must be ≥ 0/],
      [{ capacityW: 1.5 }, /capacityW must be a safe integer/],
      [{ capacityW: 10_000_000_001 }, /capacityW must be ≤ 10000000000/],
      [{ id: 'CommunityMSP:someone-else' }, /id is not a known field/],
    ])('rejects bad input %#', async (override, message) => {
      const input = { ...profileOf('solar1'), ...override };
      await expectRejected(register(solar, input), /ESTP_INVALID_INPUT/);
      await expect(register(solar, input)).rejects.toThrow(message);
    });
  });

  describe('lifecycle', () => {
    beforeEach(async () => {
      await registerParticipant(ledger, solar);
    });

    const change = (action: string, caller: TestIdentity, input: object) =>
      ledger.submit<Participant>(participants, action, caller, input);

    it('Approve: PENDING → ACTIVE by an admin of the same org, moving the index entries', async () => {
      // When
      const tx = await change('Approve', communityAdmin, { id: solar.participantId });
      // Then
      expect(tx.result).toMatchObject({ status: 'ACTIVE', statusChangedBy: 'CommunityMSP:admin' });
      expect(tx.result.statusReason).toBeUndefined();
      expect(new Map([...tx.writes].map(([key, value]) => [key, value === null ? null : 'written']))).toEqual(
        new Map([
          [ledger.key('participant~status', 'PENDING', solar.participantId), null],
          [ledger.key('participant~msp~status', 'CommunityMSP', 'PENDING', solar.participantId), null],
          [ledger.key('participant~status', 'ACTIVE', solar.participantId), 'written'],
          [ledger.key('participant~msp~status', 'CommunityMSP', 'ACTIVE', solar.participantId), 'written'],
          [ledger.key('Participant', solar.participantId), 'written'],
        ]),
      );
      expect(tx.event).toEqual({
        name: EventName.ParticipantApproved,
        payload: {
          id: solar.participantId,
          from: 'PENDING',
          status: 'ACTIVE',
          by: 'CommunityMSP:admin',
          meterIds: [],
        },
      });
    });

    it('Suspend, Reinstate and Revoke follow the lifecycle with one event each', async () => {
      await change('Approve', communityAdmin, { id: solar.participantId });
      const suspended = await change('Suspend', communityAdmin, {
        id: solar.participantId,
        reason: 'meter tampering',
      });
      expect(suspended.result).toMatchObject({ status: 'SUSPENDED', statusReason: 'meter tampering' });
      expect(suspended.event).toEqual({
        name: EventName.ParticipantSuspended,
        payload: {
          id: solar.participantId,
          from: 'ACTIVE',
          status: 'SUSPENDED',
          by: 'CommunityMSP:admin',
          reason: 'meter tampering',
        },
      });
      const reinstated = await change('Reinstate', communityAdmin, { id: solar.participantId });
      expect(reinstated.result.status).toBe('ACTIVE');
      expect(reinstated.result.statusReason).toBeUndefined();
      expect(reinstated.event?.name).toBe(EventName.ParticipantReinstated);
      const revoked = await change('Revoke', communityAdmin, {
        id: solar.participantId,
        reason: 'left the co-op',
      });
      expect(revoked.result).toMatchObject({ status: 'REVOKED', statusReason: 'left the co-op' });
      expect(revoked.event?.name).toBe(EventName.ParticipantRevoked);
      expect(ledger.readRecord<Participant>('Participant', solar.participantId)?.status).toBe('REVOKED');
    });

    it('Revoke works from PENDING and SUSPENDED too', async () => {
      await expect(
        change('Revoke', communityAdmin, { id: solar.participantId, reason: 'fake' }),
      ).resolves.toBeDefined();
      const other = await ledger.identity('CommunityMSP', 'solar2', ['member']);
      await registerParticipant(ledger, other);
      await change('Approve', communityAdmin, { id: other.participantId });
      await change('Suspend', communityAdmin, { id: other.participantId, reason: 'r' });
      await expect(
        change('Revoke', communityAdmin, { id: other.participantId, reason: 'r' }),
      ).resolves.toMatchObject({
        result: { status: 'REVOKED' },
      });
    });

    it.each([
      [[], 'Suspend', { reason: 'r' }, /is PENDING; Suspend needs ACTIVE/],
      [[], 'Reinstate', {}, /is PENDING; Reinstate needs SUSPENDED/],
      [['Approve'], 'Approve', {}, /is ACTIVE; Approve needs PENDING/],
      [['Approve'], 'Reinstate', {}, /is ACTIVE; Reinstate needs SUSPENDED/],
      [['Approve', 'Suspend'], 'Suspend', { reason: 'r' }, /is SUSPENDED; Suspend needs ACTIVE/],
      [['Approve', 'Suspend'], 'Approve', {}, /is SUSPENDED; Approve needs PENDING/],
      [['Revoke'], 'Approve', {}, /is REVOKED; Approve needs PENDING/],
      [['Revoke'], 'Reinstate', {}, /is REVOKED/],
      [['Revoke'], 'Revoke', { reason: 'r' }, /is REVOKED; Revoke needs PENDING or ACTIVE or SUSPENDED/],
    ])('after %j rejects %s as an illegal transition', async (steps, action, extra, message) => {
      for (const step of steps) await change(step, communityAdmin, { id: solar.participantId, reason: 'r' });
      await expectRejected(
        change(action, communityAdmin, { id: solar.participantId, ...extra }),
        /ESTP_ILLEGAL_STATE/,
      );
      await expect(change(action, communityAdmin, { id: solar.participantId, ...extra })).rejects.toThrow(
        message,
      );
    });

    it.each(['Approve', 'Suspend', 'Reinstate', 'Revoke'])(
      '%s rejects a non-admin of the same org',
      async (action) => {
        const member = await ledger.identity('CommunityMSP', 'peer', ['member', 'arbiter']);
        await expectRejected(
          change(action, member, { id: solar.participantId, reason: 'r' }),
          /ESTP_FORBIDDEN: requires estp.role admin/,
        );
      },
    );

    it.each(['Approve', 'Suspend', 'Reinstate', 'Revoke'])(
      '%s rejects an admin of another org',
      async (action) => {
        await expectRejected(
          change(action, utilityAdmin, { id: solar.participantId, reason: 'r' }),
          /ESTP_FORBIDDEN: Participant:\w+ of CommunityMSP:solar1 is limited to members of CommunityMSP; caller is of UtilityMSP/,
        );
      },
    );

    it('rejects an admin changing its own record', async () => {
      const tradingAdmin = await ledger.identity('CommunityMSP', 'boss', ['admin', 'member']);
      await registerParticipant(ledger, tradingAdmin);
      await expectRejected(
        change('Approve', tradingAdmin, { id: tradingAdmin.participantId }),
        /ESTP_FORBIDDEN: Participant:Approve of one's own record is not allowed/,
      );
      await expect(
        change('Approve', communityAdmin, { id: tradingAdmin.participantId }),
      ).resolves.toBeDefined();
    });

    it('rejects an unknown participant', async () => {
      await expectRejected(
        change('Approve', communityAdmin, { id: 'CommunityMSP:ghost' }),
        /ESTP_NOT_FOUND: Participant CommunityMSP:ghost does not exist/,
      );
    });

    it.each([
      ['Approve', {}, /id is required/],
      ['Approve', { id: 'solar1' }, /id must be a participant ID <mspId>:<enrollmentId>/],
      ['Approve', { id: 'CommunityMSP:solar1', note: 'x' }, /note is not a known field/],
      ['Suspend', { id: 'CommunityMSP:solar1' }, /reason is required/],
      ['Revoke', { id: 'CommunityMSP:solar1', reason: '' }, /reason must not be empty/],
      [
        'Revoke',
        { id: 'CommunityMSP:solar1', reason: 'x'.repeat(501) },
        /reason must have at most 500 characters/,
      ],
    ])('%s rejects bad input %j', async (action, input, message) => {
      await expectRejected(change(action, communityAdmin, input), /ESTP_INVALID_INPUT/);
      await expect(change(action, communityAdmin, input)).rejects.toThrow(message);
    });

    it('requireActiveParticipant lets only ACTIVE participants through', async () => {
      const check = (caller: TestIdentity) =>
        ledger.transact(caller, (ctx) => requireActiveParticipant(ctx, callerOf(ctx)), { commit: false });
      await expect(check(solar)).rejects.toThrow(
        /ESTP_FORBIDDEN: CommunityMSP:solar1 is PENDING; only ACTIVE/,
      );
      await change('Approve', communityAdmin, { id: solar.participantId });
      await expect(check(solar)).resolves.toMatchObject({ result: { status: 'ACTIVE' } });
      await change('Suspend', communityAdmin, { id: solar.participantId, reason: 'r' });
      await expect(check(solar)).rejects.toThrow(/is SUSPENDED/);
      const stranger = await ledger.identity('CommunityMSP', 'stranger', ['member']);
      await expect(check(stranger)).rejects.toThrow(
        /ESTP_FORBIDDEN: CommunityMSP:stranger is not a registered participant/,
      );
      await expect(
        ledger.transact(solar, (ctx) => getParticipant(ctx, 'CommunityMSP:nobody'), { commit: false }),
      ).rejects.toThrow(/ESTP_NOT_FOUND/);
    });
  });

  describe('meters: bound by the org admin, never squatted, released on revocation', () => {
    let squatter: TestIdentity;

    const approve = (id: string, extra: object = {}) =>
      ledger.submit<Participant>(participants, 'Approve', communityAdmin, { id, ...extra });
    const meterOwners = (meterId: string) =>
      [...ledger.state().keys()]
        .filter((key) => key.startsWith(ledger.key('meter~participant', meterId)))
        .map((key) => key.split('\u0000')[3]);

    beforeEach(async () => {
      squatter = await ledger.identity('CommunityMSP', 'squatter', ['member']);
    });

    it("Approve binds the requested meters: the index entries and the record's meterIds", async () => {
      // Given a PENDING registrant with two requested meters
      await register(solar, profileOf('solar1', { meterIds: ['MTR-2', 'MTR-1'] }));
      // When its admin approves it
      const tx = await approve(solar.participantId);
      // Then both are bound to it
      expect(tx.result).toMatchObject({ meterIds: ['MTR-1', 'MTR-2'], requestedMeterIds: [] });
      expect(tx.writes.get(ledger.key('meter~participant', 'MTR-1', solar.participantId))).toBeDefined();
      expect(tx.writes.get(ledger.key('meter~participant', 'MTR-2', solar.participantId))).toBeDefined();
      expect(tx.event?.payload).toMatchObject({ meterIds: ['MTR-1', 'MTR-2'] });
    });

    it("a PENDING registrant's request squats nothing: the owner whose admin approves first binds the meter", async () => {
      // Given a squatter registered first with the meter of the real owner
      await register(squatter, profileOf('squatter', { meterIds: ['MTR-1'] }));
      expect(meterOwners('MTR-1')).toEqual([]);
      // When the real owner registers the same meter and its admin approves it
      await register(solar, profileOf('solar1', { meterIds: ['MTR-1'] }));
      await approve(solar.participantId);
      // Then the meter is bound to the owner, and the squatter's approval with it is refused
      expect(meterOwners('MTR-1')).toEqual([solar.participantId]);
      await expectRejected(
        approve(squatter.participantId),
        /ESTP_ALREADY_EXISTS: meter MTR-1 \(meterIds\[0\]\), bound to CommunityMSP:solar1, already exists/,
      );
      // And its admin may approve it without that meter
      await expect(approve(squatter.participantId, { meterIds: [] })).resolves.toMatchObject({
        result: { status: 'ACTIVE', meterIds: [] },
      });
    });

    it('Approve binds only meters the participant requested', async () => {
      await register(solar, profileOf('solar1', { meterIds: ['MTR-1', 'MTR-2'] }));
      await expectRejected(
        approve(solar.participantId, { meterIds: ['MTR-1', 'MTR-3'] }),
        /ESTP_INVALID_INPUT: meterIds\[1\] was not requested by CommunityMSP:solar1/,
      );
      await expect(approve(solar.participantId, { meterIds: ['MTR-2'] })).resolves.toMatchObject({
        result: { meterIds: ['MTR-2'], requestedMeterIds: [] },
      });
    });

    it('Suspend keeps the meters bound; Revoke releases them for another participant', async () => {
      await register(solar, profileOf('solar1', { meterIds: ['MTR-1'] }));
      await approve(solar.participantId);
      await ledger.submit(participants, 'Suspend', communityAdmin, { id: solar.participantId, reason: 'r' });
      expect(meterOwners('MTR-1')).toEqual([solar.participantId]);
      // When the admin revokes it
      const revoked = await ledger.submit<Participant>(participants, 'Revoke', communityAdmin, {
        id: solar.participantId,
        reason: 'moved away',
      });
      // Then the meter is free, and the record keeps no meter
      expect(revoked.writes.get(ledger.key('meter~participant', 'MTR-1', solar.participantId))).toBeNull();
      expect(revoked.result.meterIds).toEqual([]);
      expect(revoked.event?.payload).toMatchObject({ releasedMeterIds: ['MTR-1'] });
      expect(meterOwners('MTR-1')).toEqual([]);
      // And the next occupant registers and gets it bound
      await register(squatter, profileOf('squatter', { meterIds: ['MTR-1'] }));
      await approve(squatter.participantId);
      expect(meterOwners('MTR-1')).toEqual([squatter.participantId]);
    });
  });

  describe('Get, Self and List', () => {
    let heat: TestIdentity;
    let factory: TestIdentity;

    beforeEach(async () => {
      heat = await ledger.identity('EnterpriseMSP', 'heat1', ['member']);
      factory = await ledger.identity('EnterpriseMSP', 'factory1', ['member']);
      const enterpriseAdmin = await adminOf(ledger, 'EnterpriseMSP');
      await registerParticipant(ledger, solar);
      await registerParticipant(ledger, heat);
      await registerParticipant(ledger, factory);
      await ledger.submit(participants, 'Approve', communityAdmin, { id: solar.participantId });
      await ledger.submit(participants, 'Approve', enterpriseAdmin, { id: heat.participantId });
    });

    const list = (input: object) => ledger.evaluate<Page<Participant>>(participants, 'List', solar, input);
    const ids = (page: Page<Participant>) => page.records.map((participant) => participant.id);

    it('Get returns any participant to any caller; unknown IDs fail', async () => {
      await expect(
        ledger.evaluate(participants, 'Get', solar, { id: heat.participantId }),
      ).resolves.toMatchObject({
        id: 'EnterpriseMSP:heat1',
        status: 'ACTIVE',
      });
      await expect(ledger.evaluate(participants, 'Get', solar, { id: 'EnterpriseMSP:none' })).rejects.toThrow(
        /ESTP_NOT_FOUND/,
      );
      await expect(ledger.evaluate(participants, 'Get', solar, { id: 42 })).rejects.toThrow(
        /ESTP_INVALID_INPUT: id must be a string/,
      );
    });

    it('Self returns the caller’s own record, or fails when unregistered', async () => {
      await expect(ledger.evaluate(participants, 'Self', factory, {})).resolves.toMatchObject({
        id: 'EnterpriseMSP:factory1',
        status: 'PENDING',
      });
      const stranger = await ledger.identity('UtilityMSP', 'stranger', ['member']);
      await expect(ledger.evaluate(participants, 'Self', stranger, {})).rejects.toThrow(
        /ESTP_NOT_FOUND: Participant UtilityMSP:stranger does not exist/,
      );
      await expect(ledger.evaluate(participants, 'Self', factory, { id: 'x' })).rejects.toThrow(
        /ESTP_INVALID_INPUT/,
      );
    });

    it('List filters by org, by status and by both, through the indexes', async () => {
      expect(ids(await list({}))).toEqual([
        'CommunityMSP:solar1',
        'EnterpriseMSP:factory1',
        'EnterpriseMSP:heat1',
      ]);
      expect(ids(await list({ mspId: 'EnterpriseMSP' }))).toEqual([
        'EnterpriseMSP:heat1',
        'EnterpriseMSP:factory1',
      ]);
      expect(ids(await list({ status: 'ACTIVE' }))).toEqual(['CommunityMSP:solar1', 'EnterpriseMSP:heat1']);
      expect(ids(await list({ mspId: 'EnterpriseMSP', status: 'PENDING' }))).toEqual([
        'EnterpriseMSP:factory1',
      ]);
      expect(ids(await list({ mspId: 'UtilityMSP' }))).toEqual([]);
    });

    it('List follows status changes (index entries move)', async () => {
      await ledger.submit(participants, 'Suspend', communityAdmin, { id: solar.participantId, reason: 'r' });
      expect(ids(await list({ status: 'ACTIVE' }))).toEqual(['EnterpriseMSP:heat1']);
      expect(ids(await list({ status: 'SUSPENDED' }))).toEqual(['CommunityMSP:solar1']);
      expect(ids(await list({ mspId: 'CommunityMSP', status: 'ACTIVE' }))).toEqual([]);
    });

    it('List pages to the last page with an empty bookmark', async () => {
      const walk: string[][] = [];
      let bookmark = '';
      do {
        const page = await list({ pageSize: 2, bookmark });
        walk.push(ids(page));
        bookmark = page.bookmark;
      } while (bookmark !== '');
      expect(walk).toEqual([['CommunityMSP:solar1', 'EnterpriseMSP:factory1'], ['EnterpriseMSP:heat1']]);
      const byIndex: string[][] = [];
      do {
        const page = await list({ status: 'ACTIVE', pageSize: 1, bookmark });
        byIndex.push(ids(page));
        bookmark = page.bookmark;
      } while (bookmark !== '');
      expect(byIndex).toEqual([['CommunityMSP:solar1'], ['EnterpriseMSP:heat1']]);
    });

    it('List rejects bad filters', async () => {
      await expect(list({ status: 'GONE' })).rejects.toThrow(/ESTP_INVALID_INPUT: status must be one of/);
      await expect(list({ mspId: '' })).rejects.toThrow(/ESTP_INVALID_INPUT: mspId must not be empty/);
      await expect(list({ pageSize: 'ten' })).rejects.toThrow(
        /ESTP_INVALID_INPUT: pageSize must be an integer/,
      );
    });
  });

  describe('through the contract API dispatch', () => {
    it('registers with the transient map and rejects a wrong argument count', async () => {
      const contracts = [ParticipantContract];
      const ok = await ledger.invoke(
        contracts,
        'Participant:Register',
        [JSON.stringify(profileOf('solar1'))],
        solar,
        {
          transient: { verification: 'doc' },
        },
      );
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.payload)).toMatchObject({
        id: 'CommunityMSP:solar1',
        verificationHash: sha256('doc'),
      });
      const extra = await ledger.invoke(contracts, 'Participant:Get', ['{}', '{}'], solar);
      expect(extra).toMatchObject({
        status: 500,
        message: 'Expected 1 parameters, but 2 have been supplied',
      });
      const unknown = await ledger.invoke(contracts, 'Participant:Delete', ['{}'], solar);
      expect(unknown.message).toMatch(/^ESTP_INVALID_INPUT: unknown transaction Participant:Delete/);
    });
  });
});
