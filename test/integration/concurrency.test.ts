/**
 * Concurrency on the real network. Fifty participants of the three orgs post offers into one
 * market at the same moment: each PostOffer writes only its owner's keys, so every one commits
 * (an MVCC conflict would be resubmitted, and is counted). One offer accepted by two buyers at the
 * same moment fills exactly once: the loser's endorsement read the offer OPEN, its commit lost the
 * race (MVCC) and its resubmission is refused because the offer is FILLED. Money stays conserved
 * across all of it. Sixteen deposits to one account, and sixteen fills of one offer posted in lots,
 * submitted at the same moment, all commit with at most a few MVCC resubmissions
 * (docs/trading.md#hot-accounts, #hot-offers).
 *
 * The 50 identities are registered with the CAs and on the ledger once; later runs reuse them.
 */
import type { EstpClient } from '../../application/src/gateway/client';
import { ChaincodeError } from '../../application/src/gateway/errors';
import { clearMarket } from '../../application/src/gateway/clearing';
import { acceptLot, firstLot, lotId } from '../../application/src/gateway/lots';
import { MAX_LOTS } from '../../chaincode/src/market/lots';
import {
  type AccountView,
  allPages,
  AUDITOR,
  ensureRegistered,
  holdings,
  newRunTag,
  openElectricityMarket,
  type ParticipantView,
  MARKET_OPERATOR,
  openElectricityMarketAs,
  totals,
  TREASURER,
  suiteClients,
  waitUntil,
} from './support/estp';
import { NO_RETRY } from '../../application/src/gateway/retry';
import { estp } from './support/cli';
import { LOADERS, loadTraderProfile } from './support/identities';

const RUN = newRunTag();
const clients = suiteClients();

const TRADERS = LOADERS.length;
const MARKET = `${RUN}-LOAD`;
const DEPOSIT = 5_000;

/** What the run saw, reported at the end. */
const seen = { retries: 0, conflicts: new Map<string, number>() };
function countRetry(error: unknown): void {
  seen.retries += 1;
  const code = error instanceof Error && 'code' in error ? String(error.code) : 'unknown';
  seen.conflicts.set(code, (seen.conflicts.get(code) ?? 0) + 1);
}

/** One client per trader, each counting the resubmissions it makes. */
const traders: EstpClient[] = [];
let participants: ParticipantView[] = [];
let holdingsBefore = 0;
let escrowedBefore = 0;

async function accountsOf(ids: readonly string[]): Promise<AccountView[]> {
  const auditor = await clients.of(AUDITOR);
  return Promise.all(ids.map((id) => auditor.evaluate('Settlement', 'GetAccount', { participantId: id })));
}

beforeAll(async () => {
  // Given 50 CA identities of the three orgs (global-setup.ts), registered and approved on the
  // ledger (once, ever)
  const started = Date.now();
  participants = await Promise.all(
    LOADERS.map((actor) => ensureRegistered(clients, actor, loadTraderProfile(actor))),
  );
  await clients.sync();
  const registeredMs = Date.now() - started;
  const activeBefore = participants.filter((record) => record.status === 'ACTIVE').length;
  participants = await Promise.all(
    participants.map(async (record) => {
      if (record.status === 'ACTIVE') return record;
      const org = LOADERS.find((actor) => record.id.endsWith(`:${actor.user}`))!.org;
      const admin = await clients.of({ org, user: 'admin' });
      return admin.submit('Participant', record.status === 'PENDING' ? 'Approve' : 'Reinstate', {
        id: record.id,
      });
    }),
  );
  // And money on every account, and a market open for ten minutes
  const treasurer = await clients.of(TREASURER);
  await Promise.all(
    participants.map((record) =>
      treasurer.submit('Settlement', 'Deposit', {
        accountId: record.id,
        amount: DEPOSIT,
        reference: `${RUN}-load`,
      }),
    ),
  );
  await openElectricityMarket(clients, MARKET, 10 * 60_000);
  for (const actor of LOADERS) traders.push(await clients.open(actor, { onRetry: countRetry }));
  await clients.sync();
  const accounts = await accountsOf(participants.map((record) => record.id));
  holdingsBefore = accounts.reduce((sum, account) => sum + holdings(account), 0);
  // Earlier runs' contested trades stay escrowed (their market never delivers).
  escrowedBefore = accounts.reduce((sum, account) => sum + account.escrowed, 0);
  console.log(
    `concurrency setup: ${TRADERS} traders ready in ${Date.now() - started} ms ` +
      `(ledger registration ${registeredMs} ms; ${activeBefore} ACTIVE from earlier runs)`,
  );
}, 600_000);

describe('concurrency on the real network', () => {
  test('50 participants post offers at the same moment: every one commits', async () => {
    // When all 50 post at once (odd traders sell, even ones buy, prices 10–34 per kWh)
    const started = Date.now();
    const results = await Promise.allSettled(
      traders.map((trader, index) =>
        trader.submitText('Market', 'PostOffer', {
          offerId: `${RUN}-o${index + 1}`,
          marketId: MARKET,
          side: index % 2 === 0 ? 'BUY' : 'SELL',
          quantityWh: 1_000 * (2 + (index % 5)),
          price: 10 + (index % 25),
        }),
      ),
    );
    const elapsed = Date.now() - started;

    // Then every submission committed
    const failures = results.filter((result) => result.status === 'rejected');
    expect(failures).toEqual([]);
    const committed = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const attempts = committed.reduce((sum, result) => sum + result.attempts, 0);
    const blocks = new Set(committed.map((result) => result.blockNumber));
    console.log(
      `50 concurrent PostOffers: ${committed.length} committed in ${elapsed} ms, ${attempts} submissions ` +
        `(${seen.retries} resubmissions: ${JSON.stringify(Object.fromEntries(seen.conflicts))}), ${blocks.size} blocks`,
    );
    expect(committed).toHaveLength(TRADERS);

    // And the market lists exactly those 50 offers, OPEN, over pages of 20 to the last page
    await clients.sync();
    const listed = await allPages(
      await clients.of({ org: 'community', user: 'member1' }),
      'Market',
      'ListOffers',
      { marketId: MARKET },
      20,
    );
    expect(listed.pages).toBe(3);
    expect(listed.records.map((offer) => offer.offerId).sort()).toEqual(
      Array.from({ length: TRADERS }, (_, index) => `${RUN}-o${index + 1}`).sort(),
    );
    expect(new Set(listed.records.map((offer) => offer.status))).toEqual(new Set(['OPEN']));

    // And an owner's offers, read from the range of its offer records (no index), page by page,
    // are its own: this run's one among those of earlier runs
    const owner = participants[0]!.id;
    const own = await allPages(traders[0]!, 'Market', 'ListOffers', { owner }, 1);
    expect(new Set(own.records.map((offer) => offer.owner))).toEqual(new Set([owner]));
    expect(own.records.filter((offer) => offer.marketId === MARKET).map((offer) => offer.offerId)).toEqual([
      `${RUN}-o1`,
    ]);
  });

  test('one offer accepted twice at the same moment fills exactly once', async () => {
    // Given a SELL offer of 1 kWh by trader 1 (community)
    const seller = traders[0]!;
    const offer = await seller.submit('Market', 'PostOffer', {
      offerId: `${RUN}-contested`,
      marketId: MARKET,
      side: 'SELL',
      quantityWh: 1_000,
      price: 30,
    });
    await clients.sync();
    // And two buyers of other orgs
    const buyers = [traders[1]!, traders[2]!];
    const before = await accountsOf(buyers.map((buyer) => buyer.participantId));
    const retriesBefore = seen.retries;

    // When both accept all of it at the same moment
    const results = await Promise.allSettled(
      buyers.map((buyer, index) =>
        buyer.submit('Market', 'AcceptOffer', {
          id: offer.id,
          quantityWh: 1_000,
          acceptId: `${RUN}-take-${index}`,
        }),
      ),
    );

    // Then exactly one fill succeeds; the other is refused because the offer is FILLED
    const won = results.flatMap((result, index) =>
      result.status === 'fulfilled' ? [{ index, value: result.value }] : [],
    );
    const lost = results.flatMap((result, index) =>
      result.status === 'rejected' ? [{ index, reason: result.reason as unknown }] : [],
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(ChaincodeError);
    expect(lost[0]!.reason).toMatchObject({
      code: 'ESTP_ILLEGAL_STATE',
      message: expect.stringContaining(`offer ${offer.id} is FILLED, not OPEN`) as unknown,
    });
    console.log(
      `double accept: buyer ${won[0]!.index + 1} won; the other was refused after ${seen.retries - retriesBefore} resubmission(s)`,
    );

    // And the ledger holds one trade for the offer, the offer FILLED once
    await clients.sync();
    const auditor = await clients.of(AUDITOR);
    await expect(auditor.evaluate('Market', 'GetOffer', { id: offer.id })).resolves.toMatchObject({
      status: 'FILLED',
      filledWh: 1_000,
      remainingWh: 0,
    });
    const trades = await allPages(auditor, 'Settlement', 'ListTrades', {
      marketId: MARKET,
    });
    expect(trades.records.filter((trade) => trade.sellOfferId === offer.id)).toHaveLength(1);
    // And the loser's account is untouched, the winner's escrows the trade's value
    const after = await accountsOf(buyers.map((buyer) => buyer.participantId));
    const winner = won[0]!.index;
    const loser = lost[0]!.index;
    expect(after[loser]).toMatchObject({
      available: before[loser]!.available,
      escrowed: before[loser]!.escrowed,
    });
    expect(after[winner]!.escrowed - before[winner]!.escrowed).toBe(won[0]!.value.trade.value);
  });

  test("one participant's trades settled at the same moment: every settlement commits at its first attempt", async () => {
    // Given trader 1's BUY of 8 kWh filled 1 kWh at a time by traders 2–9, in a market whose
    // report and dispute windows are seconds long (docs/trading.md#hot-accounts)
    const hotMarket = `${RUN}-HOT`;
    const { times } = await openElectricityMarketAs(await clients.of(MARKET_OPERATOR), hotMarket, 40_000, {
      settleable: true,
    });
    await clients.sync();
    const buyer = traders[0]!;
    const sellers = traders.slice(1, 9);
    const offer = await buyer.submit('Market', 'PostOffer', {
      offerId: `${RUN}-hot`,
      marketId: hotMarket,
      side: 'BUY',
      quantityWh: 1_000 * sellers.length,
      price: 40,
    });
    await clients.sync();
    const fills = [];
    for (const [index, seller] of sellers.entries()) {
      fills.push(
        (
          await seller.submit('Market', 'AcceptOffer', {
            id: offer.id,
            quantityWh: 1_000,
            acceptId: `${RUN}-hot-${index}`,
          })
        ).trade,
      );
    }
    const [before] = await accountsOf([buyer.participantId]);
    await waitUntil(times.settleAfter);
    await clients.sync();

    // When the treasurer settles all of them at the same moment (no meter report: defaults), none
    // resubmitted
    const treasurer = await clients.open(TREASURER, { retry: NO_RETRY });
    const settled = await Promise.allSettled(
      fills.map((trade) => treasurer.submitText('Settlement', 'Settle', { tradeId: trade.id })),
    );

    // Then every one committed at once: each paid the buyer through a delta of its own
    expect(settled.filter((result) => result.status === 'rejected')).toEqual([]);
    // And the buyer's account holds its escrow back plus every seller's collateral as penalty
    await clients.sync();
    const [after] = await accountsOf([buyer.participantId]);
    const escrow = fills.reduce((sum, trade) => sum + trade.value, 0);
    const collateral = fills.reduce((sum, trade) => sum + trade.collateral, 0);
    expect(after!.escrowed).toBe(before!.escrowed - escrow);
    expect(after!.available).toBe(before!.available + escrow + collateral);
  }, 180_000);

  /**
   * A dishonest clearer against the slices of `marketId`'s clearing (gate closed, nothing cleared
   * yet): a slice named before its round is planned, and one beyond the plan, are refused and
   * change nothing; a slice called again once done commits but changes nothing. Leaves the
   * first matching round planned with its slice 0 done.
   */
  async function expectSlicesOutsideThePlanRefused(marketId: string, clearer: EstpClient): Promise<void> {
    const auditor = await clients.of(AUDITOR);
    const step = (slice?: number) =>
      clearer.submit('Market', 'ClearMarket', {
        marketId,
        batchSize: 2,
        ...(slice === undefined ? {} : { slice }),
      });
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => new Error('the call was accepted'),
        (error: unknown) => error,
      );
    const ledger = async () => {
      await clients.sync();
      const market = await auditor.evaluate('Market', 'GetMarket', { marketId });
      const trades = await allPages(auditor, 'Settlement', 'ListTrades', { marketId }, 200);
      return { market, trades: trades.records };
    };

    const unplanned = await ledger();
    const early = await refusal(step(0));
    expect(early).toBeInstanceOf(ChaincodeError);
    expect((early as ChaincodeError).code).toBe('ESTP_ILLEGAL_STATE');
    expect(await ledger()).toEqual(unplanned);

    // Pricing, then the plan of the first round (bounded: a book of 24 offers needs two steps)
    let planned = await step();
    for (let steps = 1; !planned.clearing.match?.slices.length; steps += 1) {
      expect(steps).toBeLessThan(4);
      planned = await step();
    }
    const slices = planned.clearing.match.slices.length;
    expect(slices).toBeGreaterThan(1);
    const atPlan = await ledger();
    const beyond = await refusal(step(slices));
    expect(beyond).toBeInstanceOf(ChaincodeError);
    expect((beyond as ChaincodeError).code).toBe('ESTP_INVALID_INPUT');
    expect(await ledger()).toEqual(atPlan);

    let first = await step(0);
    while (first.batch.slice?.done === false) first = await step(0);
    const sliceDone = await ledger();
    expect(sliceDone.trades.length).toBeGreaterThan(atPlan.trades.length);
    const again = await step(0);
    expect(again.batch.slice).toEqual({ index: 0, done: true });
    expect(await ledger()).toEqual(sliceDone);
  }

  test('a market cleared by two clients at once, each submitting the slices of every step together, clears once', async () => {
    // Given 24 traders' offers of 1 kWh in one market, bids above asks (all cross)
    const sliced = `${RUN}-SLICED`;
    const times = await openElectricityMarket(clients, sliced, 40_000);
    await clients.sync();
    const posters = traders.slice(10, 34);
    await Promise.all(
      posters.map((trader, index) =>
        trader.submit('Market', 'PostOffer', {
          offerId: `${RUN}-sl${index}`,
          marketId: sliced,
          side: index % 2 === 0 ? 'BUY' : 'SELL',
          quantityWh: 1_000,
          price: index % 2 === 0 ? 30 + index : 10 + (index % 5),
        }),
      ),
    );
    await waitUntil(times.gateClosure);
    await clients.sync();
    await expectSlicesOutsideThePlanRefused(sliced, traders[2]!);

    // When two clients run the clearing driver at the same moment with batches of 2 pairs, so
    // that the matching round and the release are cut into slices both submit side by side
    // (from the round the dishonest clearer above left with its first slice done)
    const runs = await Promise.allSettled(
      [traders[0]!, traders[1]!].map((clearer) =>
        clearMarket((input) => clearer.submit('Market', 'ClearMarket', input), sliced, { batchSize: 2 }),
      ),
    );

    // Then at least one saw the market CLEARED; the other did too, or was refused once it was
    const done = runs.filter((run) => run.status === 'fulfilled');
    expect(done.length).toBeGreaterThan(0);
    for (const run of runs) {
      if (run.status === 'rejected') expect(String(run.reason)).toMatch(/ESTP_ILLEGAL_STATE|already CLEARED/);
    }
    await clients.sync();
    const auditor = await clients.of(AUDITOR);
    const market = await auditor.evaluate('Market', 'GetMarket', { marketId: sliced });
    expect(market.clearing).toMatchObject({ phase: 'DONE', trades: 12, matchedWh: 12_000, offersClosed: 24 });
    // And every trade exists once, numbered 1…12 without a gap
    const { records: trades } = await allPages(
      auditor,
      'Settlement',
      'ListTrades',
      { marketId: sliced },
      200,
    );
    expect(trades.map((trade) => trade.id).sort()).toEqual(
      Array.from({ length: 12 }, (_, n) => `${sliced}/c/${(n + 1).toString().padStart(8, '0')}`),
    );
    expect(trades.every((trade) => trade.price === market.clearing?.price)).toBe(true);
  }, 240_000);

  test('money is conserved: among the 50 accounts and on the whole ledger', async () => {
    // When every trader cancels its open offers at once (releasing their escrow and collateral)
    const cancelled = await Promise.allSettled(
      traders.map((trader, index) =>
        trader.submit('Market', 'CancelOffer', { id: `${trader.participantId}/${RUN}-o${index + 1}` }),
      ),
    );
    expect(cancelled.filter((result) => result.status === 'rejected')).toEqual([]);
    await clients.sync();

    // Then the 50 accounts hold together exactly what they held before any offer
    const accounts = await accountsOf(participants.map((record) => record.id));
    expect(accounts.reduce((sum, account) => sum + holdings(account), 0)).toBe(holdingsBefore);
    // And what stays escrowed is only what the trades still unsettled hold (buyer's value + seller's
    // collateral): the contested bilateral trade and the sliced clearing's 12
    const escrowed = accounts.reduce((sum, account) => sum + account.escrowed, 0);
    const auditor = await clients.of(AUDITOR);
    const trade = (await allPages(auditor, 'Settlement', 'ListTrades', { marketId: MARKET })).records.filter(
      (record) => record.origin === 'BILATERAL',
    );
    expect(trade).toHaveLength(1);
    const cleared = (await allPages(auditor, 'Settlement', 'ListTrades', { marketId: `${RUN}-SLICED` }, 200))
      .records;
    expect(cleared).toHaveLength(12);
    const held = [...trade, ...cleared].reduce((sum, record) => sum + record.value + record.collateral, 0);
    expect(escrowed - escrowedBefore).toBe(held);
    // And minted − burned = available + escrowed over the whole ledger
    const { conservation } = await totals(clients);
    expect(conservation.money.balanced).toBe(true);
    const money = conservation.money;
    expect(BigInt(money.minted) - BigInt(money.burned)).toBe(
      BigInt(money.available) + BigInt(money.escrowed),
    );
  });

  test('16 deposits to one account at the same moment all commit, with at most a few MVCC resubmissions', async () => {
    // Given one account (trader 1's) and a treasurer client that counts its resubmissions
    const account = traders[0]!.participantId;
    const [before] = await accountsOf([account]);
    const retries = { count: 0 };
    const treasurer = await clients.open(TREASURER, { onRetry: () => (retries.count += 1) });

    // When 16 deposits to it are submitted at once (docs/trading.md#hot-accounts: mint lanes)
    const deposits = await Promise.allSettled(
      Array.from({ length: 16 }, (_, index) =>
        treasurer.submit('Settlement', 'Deposit', {
          accountId: account,
          amount: 100 + index,
          reference: `${RUN}-hot-deposit-${index}`,
        }),
      ),
    );

    // Then every one committed, almost all at their first attempt (one account key: ~120)
    expect(deposits.filter((result) => result.status === 'rejected')).toEqual([]);
    console.log(`16 concurrent deposits to one account: ${retries.count} MVCC resubmission(s)`);
    expect(retries.count).toBeLessThanOrEqual(3);
    // And the account holds all of them, its minted total too; the ledger stays balanced
    await clients.sync();
    const [after] = await accountsOf([account]);
    const sum = Array.from({ length: 16 }, (_, index) => 100 + index).reduce((a, b) => a + b, 0);
    expect(after!.available - before!.available).toBe(sum);
    expect(after!.minted - before!.minted).toBe(sum);
    expect((await totals(clients)).conservation.money.balanced).toBe(true);
  });

  test('16 takers fill one offer posted in lots at the same moment: all commit, at most a few resubmissions; the CLI fills any lot', async () => {
    // Given trader 1's SELL of 160 kWh posted in 100 lots (docs/trading.md#hot-offers)
    const seller = traders[0]!;
    const first = await seller.submit('Market', 'PostOffer', {
      offerId: `${RUN}-lots`,
      marketId: MARKET,
      side: 'SELL',
      quantityWh: 200_000,
      price: 30,
      lots: MAX_LOTS,
    });
    expect(first.lot).toMatchObject({ index: 1, count: MAX_LOTS });
    const offerId = first.lot!.of;
    await clients.sync();
    const buyers = traders.slice(1, 17);
    const retriesBefore = seen.retries;

    // When 16 buyers take 1 kWh each at once, each from the lot its acceptId picks
    const fills = await Promise.allSettled(
      buyers.map((buyer, index) =>
        acceptLot(buyer, { offerId, quantityWh: 1_000, acceptId: `${RUN}-lot-${index}`, lots: MAX_LOTS }),
      ),
    );

    // Then every fill committed, with few resubmissions (one offer key: ~120)
    expect(fills.filter((result) => result.status === 'rejected')).toEqual([]);
    const resubmissions = seen.retries - retriesBefore;
    console.log(`16 concurrent fills of a 100-lot offer: ${resubmissions} MVCC resubmission(s)`);
    expect(resubmissions).toBeLessThanOrEqual(8);
    // And a resubmission of a fill is refused on any lot, never filled twice
    await expect(
      buyers[0]!.submit('Market', 'AcceptOffer', {
        id: lotId(offerId, 1 + (firstLot(`${RUN}-lot-0`, MAX_LOTS) % MAX_LOTS)),
        quantityWh: 1_000,
        acceptId: `${RUN}-lot-0`,
      }),
    ).rejects.toMatchObject({ code: 'ESTP_ALREADY_EXISTS' });
    // And a taker on the command line names the offer, not a lot: `--any-lot` fills one lot, once
    const taker = LOADERS[17]!;
    const fillOnTheCommandLine = () =>
      estp(
        ...['market', 'accept', '--id', offerId, '--quantity-wh', '1000', '--accept-id', `${RUN}-cli`],
        ...['--any-lot', '--json', '--org', taker.org, '--user', taker.user],
      );
    const cli = await fillOnTheCommandLine();
    expect(cli).toMatchObject({ code: 0 });
    expect(JSON.parse(cli.out)).toMatchObject({
      trade: { buyer: traders[17]!.participantId, quantityWh: 1_000 },
      offer: { lot: { of: offerId } },
    });
    const again = await fillOnTheCommandLine();
    expect(again.code).not.toBe(0);
    expect(again.err).toContain('ESTP_ALREADY_EXISTS');
    // And the lots together sold exactly 17 kWh; the ledger stays balanced
    await clients.sync();
    const lots = (
      await allPages(await clients.of(AUDITOR), 'Market', 'ListOffers', { owner: seller.participantId })
    ).records.filter((offer) => offer.lot?.of === offerId);
    expect(lots).toHaveLength(MAX_LOTS);
    expect(lots.reduce((sum, lot) => sum + lot.filledWh, 0)).toBe(17_000);
    expect((await totals(clients)).conservation.money.balanced).toBe(true);
  });
});
