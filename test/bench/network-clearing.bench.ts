/**
 * Clearing on the real network (`npm run bench:network`): posts ESTP_BENCH_OFFERS offers (default
 * 10 000) from the integration tests' 50 traders into one market through the gateway, then clears
 * it with ClearMarket transactions until the last batch, and prints a table: posting throughput,
 * and per ClearMarket transaction its wall time (endorsement by a majority of peers, ordering,
 * commit), book entries its pricing read, trades written and offers closed. The batch bound keeps every transaction far inside
 * the peer's 30 s chaincode execute timeout (core.yaml `chaincode.executetimeout`).
 *
 * Not a test: numbers depend on the machine. Each trader posts its offers one after another (every
 * PostOffer writes its owner's account), 50 traders in parallel. Gate closure must lie after the
 * last post, so a first round of 500 offers into a probe market measures the posting rate and the
 * main market's gate closure is set from it. Options: ESTP_BENCH_OFFERS, ESTP_BENCH_BATCH (batch
 * size, default the chaincode's 1000).
 */
import { performance } from 'node:perf_hooks';
import type { EstpClient } from '../../application/src/gateway/client';
import type { ClearMarketResult } from '../../chaincode/src/records';
import {
  Clients,
  ensureActive,
  newRunTag,
  openElectricityMarket,
  TREASURER,
  waitUntil,
} from '../integration/support/estp';
import globalSetup from '../integration/support/global-setup';
import { LOADERS, loadTraderProfile } from '../integration/support/identities';

const OFFERS = Number(process.env.ESTP_BENCH_OFFERS ?? 10_000);
const BATCH = process.env.ESTP_BENCH_BATCH ? Number(process.env.ESTP_BENCH_BATCH) : undefined;
const PROBE_OFFERS = 500;
const RUN = newRunTag();
const clients = new Clients();

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function onboardTraders(): Promise<EstpClient[]> {
  await globalSetup();
  // Registered and approved once per network; later runs find them ACTIVE.
  const records = await Promise.all(
    LOADERS.map((actor) => ensureActive(clients, actor, loadTraderProfile(actor))),
  );
  const treasurer = await clients.of(TREASURER);
  // Enough for every bid of the run (value(1 000 Wh, ≤ 150 per kWh) ≤ 150 each) and collateral.
  const perTrader = Math.ceil(OFFERS / LOADERS.length) * 160 + PROBE_OFFERS * 4;
  await Promise.all(
    records.map((record) =>
      treasurer.submit('Settlement', 'Deposit', {
        accountId: record.id,
        amount: perTrader,
        reference: `${RUN}-bench`,
      }),
    ),
  );
  await clients.sync();
  return Promise.all(LOADERS.map((actor) => clients.open(actor)));
}

async function openMarket(marketId: string, offersMs: number): Promise<number> {
  const { gateClosure } = await openElectricityMarket(clients, marketId, offersMs);
  await clients.sync();
  return gateClosure;
}

/**
 * Posts `count` offers, trader i posting offers i, i + 50, … in turn: bids 80–150 and asks 50–120
 * per kWh over 1 000 Wh each, so about half the volume crosses. Returns the wall time in ms.
 */
async function postOffers(traders: readonly EstpClient[], marketId: string, count: number): Promise<number> {
  const started = performance.now();
  let done = 0;
  await Promise.all(
    traders.map(async (trader, lane) => {
      for (let n = lane; n < count; n += traders.length) {
        const buy = n % 2 === 0;
        await trader.submitText('Market', 'PostOffer', {
          offerId: `${marketId}-o${n}`,
          marketId,
          side: buy ? 'BUY' : 'SELL',
          quantityWh: 1_000,
          price: buy ? 80 + ((n * 7) % 71) : 50 + ((n * 11) % 71),
        });
        done += 1;
        if (done % 1_000 === 0) log(`  posted ${done} of ${count}`);
      }
    }),
  );
  return performance.now() - started;
}

interface BatchRow {
  batch: number;
  ms: number;
  /** Book entries the step's pricing read. */
  priced: number;
  trades: number;
  closed: number;
}

async function clear(marketId: string): Promise<{ rows: BatchRow[]; result: ClearMarketResult }> {
  const clearer = await clients.of({ org: 'utility', user: LOADERS[2]!.user });
  const rows: BatchRow[] = [];
  for (;;) {
    const started = performance.now();
    const result = await clearer.submit('Market', 'ClearMarket', {
      marketId,
      ...(BATCH ? { batchSize: BATCH } : {}),
    });
    rows.push({
      batch: result.batch.number,
      ms: performance.now() - started,
      priced: result.batch.priced,
      trades: result.batch.trades,
      closed: result.batch.offersClosed,
    });
    log(
      `  batch ${result.batch.number}: priced ${result.batch.priced}, ${result.batch.trades} trades, ` +
        `${result.batch.offersClosed} closed`,
    );
    if (result.batch.done) return { rows, result };
  }
}

function table(rows: readonly (readonly (string | number)[])[]): string {
  const text = rows.map((row) =>
    row.map((cell) => (typeof cell === 'number' ? cell.toLocaleString('en') : cell)),
  );
  return text.map((row) => `| ${row.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  log(`network clearing benchmark: ${OFFERS} offers from ${LOADERS.length} traders (run ${RUN})`);
  const traders = await onboardTraders();

  log('probe: posting rate');
  const probeMarket = `${RUN}-PROBE`;
  await openMarket(probeMarket, 10 * 60_000);
  const probeMs = await postOffers(traders, probeMarket, PROBE_OFFERS);
  const rate = PROBE_OFFERS / (probeMs / 1000);
  log(`  ${rate.toFixed(0)} offers/s`);

  const market = `${RUN}-BENCH`;
  const budgetMs = Math.ceil((OFFERS / rate) * 1.5 * 1000) + 20_000;
  const gateClosure = await openMarket(market, budgetMs);
  log(`main market ${market}: gate closure in ${(budgetMs / 1000).toFixed(0)} s`);
  const postMs = await postOffers(traders, market, OFFERS);
  log(`  posted ${OFFERS} in ${(postMs / 1000).toFixed(1)} s; waiting for gate closure`);
  await waitUntil(gateClosure);

  const { rows, result } = await clear(market);
  const { clearing } = result;
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  const slowest = Math.max(...rows.map((row) => row.ms));

  console.log(
    `\nClearing on the real network — ${OFFERS.toLocaleString('en')} offers, ${LOADERS.length} traders\n`,
  );
  console.log(
    table([
      [
        'posting',
        'offers/s',
        'clearing price',
        'volume MWh',
        'trades',
        'ClearMarket txs',
        'slowest tx ms',
        'total ms',
      ],
      ['---', '---', '---', '---', '---', '---', '---', '---'],
      [
        `${(postMs / 1000).toFixed(1)} s`,
        Math.round(OFFERS / (postMs / 1000)),
        clearing.price ?? '—',
        (clearing.volumeWh / 1e6).toFixed(1),
        clearing.trades,
        rows.length,
        Math.round(slowest),
        Math.round(total),
      ],
    ]),
  );
  console.log('\nper transaction (submit → committed):\n');
  console.log(
    table([
      ['batch', 'ms', 'book entries priced', 'trades', 'offers closed'],
      ['---', '---', '---', '---', '---'],
      ...rows.map((row) => [row.batch, Math.round(row.ms), row.priced, row.trades, row.closed]),
    ]),
  );
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    clients.closeAll();
  });
