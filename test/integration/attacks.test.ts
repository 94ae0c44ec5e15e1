/**
 * A dishonest member's client against ledger time and money, through the gateway on the real
 * network (issue 10): it chooses its proposal timestamps (support/stamped.ts) and its amounts.
 * Each attack is refused with an `ESTP_` error, changes nothing, and Audit:Totals balances after.
 *
 * - a PostOffer back-dated to before gate closure, submitted after it (beyond the 30 s tolerance,
 *   and within it once the clearing has started);
 * - a Settle forward-dated past the dispute window;
 * - a Deposit of 9 007 199 254 640 000, which used to brick Audit:Totals for ever.
 *
 * The honest path through the same stamped-proposal helper commits (the bilateral trade below),
 * so a refusal is the chaincode's answer, not an artefact of the helper.
 */
import type { Trade } from '../../chaincode/src/records';
import {
  type AccountView,
  AUDITOR,
  Clients,
  ensureActive,
  MARKET_OPERATOR,
  newRunTag,
  type ParticipantView,
  type Profile,
  totals,
  type TotalsView,
  TREASURER,
  waitUntil,
} from './support/estp';
import { ATTACK } from './support/identities';
import { Refused, submitAt } from './support/stamped';

const RUN = newRunTag();
const clients = new Clients();
afterAll(() => {
  clients.closeAll();
});

const { buyer: BUYER, seller: SELLER } = ATTACK;
const MARKET = `${RUN}-ATTACK`;
const MINUTE = 60_000;
/** The chaincode's tolerance between a timestamp and the endorsing peer's clock (lib/time.ts). */
const TOLERANCE_MS = 30_000;

const profile = (name: string): Profile => ({
  displayName: name,
  kind: 'PROSUMER',
  commodities: ['ELECTRICITY'],
  gridZone: 'ZONE-A',
});

let buyer: ParticipantView;
let seller: ParticipantView;
let times: { gateClosure: number; settleAfter: number };
let trade: Trade;

/** What must not change: the conservation totals and record counts, and the accounts involved. */
async function snapshot(): Promise<{ totals: TotalsView; accounts: AccountView[] }> {
  await clients.sync();
  const rest = { ...(await totals(clients)), asOf: '' };
  const auditor = await clients.of(AUDITOR);
  const accounts = await Promise.all(
    [buyer, seller].map((p) => auditor.evaluate('Settlement', 'GetAccount', { participantId: p.id })),
  );
  return { totals: rest, accounts: accounts.map((a) => ({ ...a, updatedAt: '' })) };
}

/** Runs the attack, expects its refusal with `code` (and `detail`), and that nothing changed. */
async function expectRefused(attack: () => Promise<unknown>, code: string, detail: RegExp): Promise<void> {
  const before = await snapshot();
  const refusal = await attack().then(
    () => new Error('the attack was accepted'),
    (error: unknown) => error,
  );
  expect(refusal).toBeInstanceOf(Refused);
  const messages = (refusal as Refused).messages;
  expect(messages.some((message) => message.includes(`${code}: `) && detail.test(message))).toBe(true);
  const after = await snapshot();
  expect(after).toEqual(before);
  expect(after.totals.conservation.money.balanced && after.totals.conservation.certificates.balanced).toBe(
    true,
  );
}

beforeAll(async () => {
  [buyer, seller] = await Promise.all([
    ensureActive(clients, BUYER, profile('e2e attack buyer')),
    ensureActive(clients, SELLER, profile('e2e attack seller')),
  ]);
  const treasurer = await clients.of(TREASURER);
  for (const record of [buyer, seller]) {
    await treasurer.submit('Settlement', 'Deposit', {
      accountId: record.id,
      amount: 100_000,
      reference: `${RUN}-fund`,
    });
  }
  // A market whose gate closes in 6 s and whose trades settle in an hour
  const gateClosure = Date.now() + 6_000;
  const reportDeadline = gateClosure + 2 * MINUTE;
  const disputeWindowMs = 60 * MINUTE;
  times = { gateClosure, settleAfter: reportDeadline + disputeWindowMs };
  await (
    await clients.of(MARKET_OPERATOR)
  ).submit('Market', 'OpenMarket', {
    marketId: MARKET,
    commodity: 'ELECTRICITY',
    gridZone: 'ZONE-A',
    gateClosure,
    deliveryStart: gateClosure,
    deliveryEnd: gateClosure + MINUTE,
    reportDeadline,
    disputeWindowMs,
  });
  await clients.sync();
  const offer = await (
    await clients.of(SELLER)
  ).submit('Market', 'PostOffer', {
    offerId: `${RUN}-s`,
    marketId: MARKET,
    side: 'SELL',
    quantityWh: 2_000,
    price: 50,
  });
  await clients.sync();
  // The honest path through the stamped-proposal helper: timestamped now, it commits.
  ({ trade } = await submitAt<{ trade: Trade }>(
    BUYER,
    'Market',
    'AcceptOffer',
    { id: offer.id, quantityWh: 1_000 },
    Date.now(),
  ));
}, 120_000);

describe('a dishonest client against ledger time and money, on the real network', () => {
  test('a Deposit of 9 007 199 254 640 000 is refused; Audit:Totals stays readable and balanced', async () => {
    // When the treasurer's client deposits an amount that, accepted, broke Audit:Totals for ever
    await expectRefused(
      () =>
        submitAt(
          TREASURER,
          'Settlement',
          'Deposit',
          { accountId: buyer.id, amount: 9_007_199_254_640_000, reference: `${RUN}-brick` },
          Date.now(),
        ),
      'ESTP_INVALID_INPUT',
      /amount must be ≤ 1000000000000/,
    );
  });

  test('a Settle forward-dated past the dispute window is refused, and the trade stays MATCHED', async () => {
    expect(trade.status).toBe('MATCHED');
    // When the buyer stamps its Settle just after settleAfter, an hour ahead of every peer's clock
    await expectRefused(
      () => submitAt(BUYER, 'Settlement', 'Settle', { tradeId: trade.id }, times.settleAfter + 1_000),
      'ESTP_BAD_TIMESTAMP',
      /is \d+\.\d{3} s ahead of the endorsing peer's clock .* \(tolerance 30\.000 s\)/,
    );
    // And within the tolerance the windows still hold: too early, a report is still awaited
    await expectRefused(
      () => submitAt(BUYER, 'Settlement', 'Settle', { tradeId: trade.id }, Date.now() + TOLERANCE_MS - 5_000),
      'ESTP_TOO_EARLY',
      /awaits its meter report/,
    );
    const after = await (await clients.of(AUDITOR)).evaluate('Settlement', 'GetTrade', { tradeId: trade.id });
    expect(after.status).toBe('MATCHED');
  });

  test('a PostOffer back-dated to before gate closure is refused once the clearing has started', async () => {
    // Given the gate closed and a member started the clearing
    await waitUntil(times.gateClosure);
    await clients.sync();
    const cleared = await (
      await clients.of(BUYER)
    ).submit('Market', 'ClearMarket', {
      marketId: MARKET,
    });
    expect(cleared.batch.done).toBe(true);
    // When the buyer stamps a PostOffer just before gate closure (within the peers' tolerance)
    const backDated = () =>
      submitAt(
        BUYER,
        'Market',
        'PostOffer',
        { offerId: `${RUN}-late`, marketId: MARKET, side: 'BUY', quantityWh: 1_000, price: 60 },
        times.gateClosure - 1,
      );
    // Then it is refused: the market recorded a later transaction (the clearing)
    await expectRefused(
      backDated,
      'ESTP_BAD_TIMESTAMP',
      new RegExp(`the latest transaction recorded on market ${MARKET}`),
    );
    await expect(
      (await clients.of(AUDITOR)).evaluate('Market', 'GetOffer', { id: `${buyer.id}/${RUN}-late` }),
    ).rejects.toMatchObject({ code: 'ESTP_NOT_FOUND' });
  });

  test("a PostOffer back-dated by more than the tolerance is refused by the peers' clock check", async () => {
    // Given more than 30 s have passed since gate closure
    await waitUntil(times.gateClosure + TOLERANCE_MS + 1_000);
    // When the buyer stamps a PostOffer just before gate closure
    await expectRefused(
      () =>
        submitAt(
          BUYER,
          'Market',
          'PostOffer',
          { offerId: `${RUN}-later`, marketId: MARKET, side: 'BUY', quantityWh: 1_000, price: 60 },
          times.gateClosure - 1,
        ),
      'ESTP_BAD_TIMESTAMP',
      /is \d+\.\d{3} s behind the endorsing peer's clock/,
    );
  }, 90_000);
});
