/**
 * Access control on the real network: the chaincode reads the caller's MSP and the estp.role
 * attribute of its CA-issued certificate and refuses, before writing anything, an admin acting on
 * another org's participant, a member minting money, an auditor changing state and a suspended
 * participant trading. Each refusal reaches the client as a ChaincodeError with the chaincode's
 * code and message, and the CLI prints it as one line naming the peer and org, exit code 1.
 */
import { run } from '../../application/src/cli/run';
import { ChaincodeError } from '../../application/src/gateway/errors';
import {
  AUDITOR,
  ensureActive,
  ensureRegistered,
  newRunTag,
  openElectricityMarket,
  type ParticipantView,
  TREASURER,
  type Profile,
  suiteClients,
} from './support/estp';
import { ACCESS } from './support/identities';

const RUN = newRunTag();
const clients = suiteClients();

/** An enterprise applicant left PENDING for good, and a community member kept SUSPENDED. */
const { applicant: APPLICANT, suspended: SUSPENDED, member: MEMBER } = ACCESS;
const MARKET = `${RUN}-ACL`;

const electricityProfile = (name: string): Profile => ({
  displayName: name,
  kind: 'CONSUMER' as const,
  commodities: ['ELECTRICITY'],
  gridZone: 'ZONE-A',
});

let applicant: ParticipantView;
let member: ParticipantView;

/** Matches a ChaincodeError with `code` whose message contains `text`. */
function refusal(code: string, text: string) {
  return { name: 'ChaincodeError', code, message: expect.stringContaining(text) as unknown };
}

beforeAll(async () => {
  // Given an applicant PENDING in Enterprise, an ACTIVE and a SUSPENDED community member
  applicant = await ensureRegistered(clients, APPLICANT, electricityProfile('e2e applicant'));
  member = await ensureActive(clients, MEMBER, electricityProfile('e2e member'));
  const suspended = await ensureActive(clients, SUSPENDED, electricityProfile('e2e suspended'));
  await clients.sync();
  await (
    await clients.of({ org: 'community', user: 'admin' })
  ).submit('Participant', 'Suspend', {
    id: suspended.id,
    reason: 'e2e: meter tampering under investigation',
  });
  // And a market open for offers, and some money on the member's account
  await openElectricityMarket(clients, MARKET, 10 * 60_000);
  await (
    await clients.of(TREASURER)
  ).submit('Settlement', 'Deposit', {
    accountId: member.id,
    amount: 1_000,
    reference: `${RUN}-acl`,
  });
  await clients.sync();
});

describe('access control on the real network', () => {
  test('a Community admin cannot approve an Enterprise participant', async () => {
    expect(applicant.status).toBe('PENDING');
    // When the community admin tries to approve the enterprise applicant
    const attempt = (await clients.of({ org: 'community', user: 'admin' })).submit('Participant', 'Approve', {
      id: applicant.id,
    });
    // Then the chaincode refuses: status changes stay within the participant's own org
    await expect(attempt).rejects.toBeInstanceOf(ChaincodeError);
    await expect(attempt).rejects.toMatchObject(
      refusal(
        'ESTP_FORBIDDEN',
        `Participant:Approve of ${applicant.id} is limited to members of EnterpriseMSP`,
      ),
    );
    // And the utility peer still sees it PENDING
    await expect(
      (await clients.of(AUDITOR)).evaluate('Participant', 'Get', { id: applicant.id }),
    ).resolves.toMatchObject({ status: 'PENDING' });
  });

  test('a member cannot deposit (mint) money, not even into its own account', async () => {
    const self = await clients.of(MEMBER);
    const before = await self.evaluate('Settlement', 'GetAccount', {});
    // When the member deposits into its own account
    const attempt = self.submit('Settlement', 'Deposit', {
      accountId: member.id,
      amount: 1_000_000,
      reference: `${RUN}-mint-myself`,
    });
    // Then only a treasurer may
    await expect(attempt).rejects.toMatchObject(
      refusal('ESTP_FORBIDDEN', `requires estp.role treasurer; ${member.id} has member`),
    );
    expect(await self.evaluate('Settlement', 'GetAccount', {})).toEqual(before);
  });

  test.each([
    [
      'Settlement',
      'Deposit',
      () => ({ accountId: member.id, amount: 1, reference: `${RUN}-auditor` }),
      'treasurer',
    ],
    [
      'Market',
      'OpenMarket',
      () => ({
        marketId: `${RUN}-AUD`,
        commodity: 'HEAT',
        gridZone: 'ZONE-A',
        deliveryStart: Date.now() + 60_000,
        deliveryEnd: Date.now() + 120_000,
        gateClosure: Date.now() + 60_000,
      }),
      'admin',
    ],
    [
      'Market',
      'PostOffer',
      () => ({ offerId: `${RUN}-aud`, marketId: MARKET, side: 'BUY', quantityWh: 1000, price: 10 }),
      'member',
    ],
    ['Participant', 'Suspend', () => ({ id: member.id, reason: 'auditor overreach' }), 'admin'],
  ] as const)('an auditor cannot submit %s:%s', async (contract, transaction, input, role) => {
    // Given the utility's auditor (estp.role=auditor), who may read everything
    const auditor = await clients.of(AUDITOR);
    await expect(auditor.evaluate('Audit', 'Totals')).resolves.toHaveProperty('conservation');
    // When it submits a state change, Then the chaincode refuses it for lack of the role
    await expect(auditor.submitText(contract, transaction, input())).rejects.toMatchObject(
      refusal('ESTP_FORBIDDEN', `requires estp.role ${role}`),
    );
  });

  test('a suspended participant cannot post an offer', async () => {
    const suspended = await clients.of(SUSPENDED);
    await expect(suspended.evaluate('Participant', 'Self')).resolves.toMatchObject({ status: 'SUSPENDED' });
    // When it posts a BUY offer
    const attempt = suspended.submit('Market', 'PostOffer', {
      offerId: `${RUN}-while-suspended`,
      marketId: MARKET,
      side: 'BUY',
      quantityWh: 1_000,
      price: 10,
    });
    // Then a suspended participant submits nothing
    await expect(attempt).rejects.toMatchObject(
      refusal(
        'ESTP_FORBIDDEN',
        `${suspended.participantId} is SUSPENDED; a SUSPENDED or REVOKED participant submits nothing`,
      ),
    );
    // And an ACTIVE member can post in the same market
    await expect(
      (await clients.of(MEMBER)).submit('Market', 'PostOffer', {
        offerId: `${RUN}-active`,
        marketId: MARKET,
        side: 'BUY',
        quantityWh: 1_000,
        price: 10,
      }),
    ).resolves.toMatchObject({ status: 'OPEN' });
  });

  test('the CLI prints a refusal as one line naming the transaction, code, message, peer and org; exit 1', async () => {
    // When the member runs `estp settlement deposit` with --json
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(
      [
        'settlement',
        'deposit',
        '--org',
        'community',
        '--user',
        MEMBER.user,
        '--account-id',
        member.id,
        '--amount',
        '5',
        '--reference',
        `${RUN}-cli`,
        '--json',
      ],
      { out: (text) => out.push(text), err: (text) => err.push(text) },
    );
    // Then: exit code 1, nothing on stdout, the error line and its JSON twin on stderr (the gateway
    // asks the rejecting org's other peer too: "and 1 other peer(s)")
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err[0]).toMatch(
      /^error: Settlement:Deposit: ESTP_FORBIDDEN: requires estp\.role treasurer; CommunityMSP:e2e-member has member \(rejected by \S+ \((UtilityMSP|EnterpriseMSP|CommunityMSP)\)( and \d+ other peer\(s\))?\)$/,
    );
    expect(JSON.parse(err[1] ?? '')).toMatchObject({
      error: {
        code: 'ESTP_FORBIDDEN',
        exitCode: 1,
        transactionId: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown,
      },
    });
  });
});
