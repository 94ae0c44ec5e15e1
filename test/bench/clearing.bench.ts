/**
 * Clearing benchmark (`npm run bench:clearing`): in-process time of the call auction for 1k, 10k
 * and 100k offers, printed as a table. Not a timed test: numbers depend on the machine.
 *
 * Two measurements per size:
 * - **auction** — the pure core (market/auction.ts): sort both sides and match them.
 * - **ClearMarket** — the real transactions on the unit-test ledger (test/support: in-memory stub,
 *   real X.509 caller): pricing steps walk at most 4 × batchSize book entries per side each, then
 *   each transaction applies the next batch of at most `batchSize` pairs/closures (market/clear.ts).
 *   Reported: the pricing transactions, the first transaction, the mean and slowest later one, the
 *   most book entries one transaction took from a range, the number of transactions and the
 *   total. The stub re-sorts its key space after each commit that precedes a range scan, which a
 *   LevelDB peer does not do; that cost is included, and shown apart.
 *
 * The book is seeded directly (records written as PostOffer writes them), not through 100k PostOffer
 * transactions. Options: `ESTP_BENCH_SIZES=1000,10000` limits the sizes, `ESTP_BENCH_BATCH=2000`
 * sets the batch size.
 */
import '../support/setup-env';
import { performance } from 'node:perf_hooks';
import { MarketContract } from '../../chaincode/src/contracts/market';
import { RecordType } from '../../chaincode/src/lib/keys';
import { collateral, value } from '../../chaincode/src/lib/money';
import { writeIndex, writeRecord } from '../../chaincode/src/lib/state';
import { type Order, runAuction } from '../../chaincode/src/market/auction';
import { putBookEntry } from '../../chaincode/src/market/book';
import type { ClearMarketResult } from '../../chaincode/src/market/clear';
import { DEFAULT_CLEARING_BATCH } from '../../chaincode/src/market/clear';
import { type Market, OFFERS_BY_MARKET, type Offer } from '../../chaincode/src/market/model';
import { emptyAccount } from '../../chaincode/src/lib/accounts';
import type { Account } from '../../chaincode/src/lib/accounts';
import type { Participant } from '../../chaincode/src/participant/model';
import { TestLedger } from '../support/fixture';
import { WorldState } from '../support/stub';
import { activeParticipant, bootstrapConsortium } from '../support/world';

const HOUR = 3_600_000;

/**
 * Time spent in the stub's WorldState.range, which re-sorts the whole key space after a commit
 * (a LevelDB peer keeps its keys sorted): measured so the table can show the chaincode's own time.
 */
let rangeMs = 0;
const originalRange = WorldState.prototype.range;
WorldState.prototype.range = function (this: WorldState, startKey: string, endKey: string) {
  const t0 = performance.now();
  try {
    return originalRange.call(this, startKey, endKey);
  } finally {
    rangeMs += performance.now() - t0;
  }
};
const SIZES = (process.env.ESTP_BENCH_SIZES ?? '1000,10000,100000').split(',').map(Number);
const BATCH = Number(process.env.ESTP_BENCH_BATCH ?? DEFAULT_CLEARING_BATCH);

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same books. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface GeneratedOffer {
  owner: string;
  offerId: string;
  side: 'BUY' | 'SELL';
  quantityWh: number;
  price: number;
  time: number;
}

/** n offers, half bids and half asks, prices 50–150 per kWh (about half of the volume crosses), 1–10 kWh. */
function generate(n: number, start: number): GeneratedOffer[] {
  const random = prng(n);
  const owners = Math.max(10, Math.floor(n / 10));
  return Array.from({ length: n }, (_, i) => ({
    owner: `CommunityMSP:trader${i % owners}`,
    offerId: `o${i}`,
    side: i % 2 === 0 ? 'BUY' : 'SELL',
    quantityWh: 1000 * (1 + Math.floor(random() * 10)),
    price: 50 + Math.floor(random() * 101),
    time: start + i,
  }));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function benchAuction(offers: GeneratedOffer[]): {
  ms: number;
  pairs: number;
  volume: number;
  price: number | undefined;
} {
  const orders = (side: 'BUY' | 'SELL'): Order[] =>
    offers
      .filter((o) => o.side === side)
      .map((o) => ({ id: `${o.owner}/${o.offerId}`, price: o.price, quantity: o.quantityWh, time: o.time }));
  const bids = orders('BUY');
  const asks = orders('SELL');
  const times: number[] = [];
  let result = runAuction(bids, asks);
  for (let run = 0; run < 5; run += 1) {
    const t0 = performance.now();
    result = runAuction(bids, asks);
    times.push(performance.now() - t0);
  }
  return { ms: median(times), pairs: result.pairs.length, volume: result.volume, price: result.price };
}

interface ClearingRun {
  firstMs: number;
  batchMeanMs: number;
  batchMaxMs: number;
  /** Mean of the later transactions without the stub's key re-sorting. */
  batchOwnMs: number;
  /** Largest write set of one transaction: Σ key + value bytes. */
  maxWriteBytes: number;
  /** Σ write-set bytes of all the clearing's transactions (≈ one transaction clearing it all). */
  totalWriteBytes: number;
  totalWriteKeys: number;
  transactions: number;
  /** Transactions that walked the book to price the auction. */
  pricing: number;
  /** The most book entries one transaction took from one range read. */
  maxTaken: number;
  totalMs: number;
  trades: number;
  price: number | undefined;
  volume: number;
}

async function benchClearMarket(n: number): Promise<ClearingRun> {
  const ledger = await TestLedger.create();
  const { admins } = await bootstrapConsortium(ledger);
  const clerk = await activeParticipant(ledger, 'UtilityMSP', 'clerk', ['member'], {
    commodities: ['ELECTRICITY'],
    gridZone: 'Z',
  });
  const start = ledger.now();
  const contract = new MarketContract();
  const { result: market } = await ledger.submit<Market>(contract, 'OpenMarket', admins.UtilityMSP, {
    marketId: 'BENCH',
    commodity: 'ELECTRICITY',
    gridZone: 'Z',
    gateClosure: start + HOUR,
    deliveryStart: start + 2 * HOUR,
    deliveryEnd: start + 3 * HOUR,
  });
  // Seed the book in chunks, exactly as PostOffer would have written it.
  const offers = generate(n, start + 1000);
  const accounts = new Map<string, Account>();
  const iso = new Date(start).toISOString();
  for (let from = 0; from < offers.length; from += 20_000) {
    await ledger.transact(clerk, async (ctx) => {
      for (const o of offers.slice(from, from + 20_000)) {
        const locked =
          o.side === 'BUY'
            ? value(o.quantityWh, o.price)
            : collateral(o.quantityWh, o.price, market.collateralBps);
        const offer: Offer = {
          id: `${o.owner}/${o.offerId}`,
          offerId: o.offerId,
          owner: o.owner,
          ownerMspId: 'CommunityMSP',
          marketId: market.id,
          commodity: market.commodity,
          side: o.side,
          quantityWh: o.quantityWh,
          price: o.price,
          filledWh: 0,
          remainingWh: o.quantityWh,
          moneyLocked: locked,
          certificatesLockedWh: 0,
          status: 'OPEN',
          postedAtMs: o.time,
          postedAt: iso,
          postedTxId: 'seed',
          updatedAt: iso,
        };
        await writeRecord(ctx, RecordType.Offer, offer.id, offer);
        await writeIndex(ctx, OFFERS_BY_MARKET, [offer.marketId, offer.id]);
        await putBookEntry(ctx, market, offer);
        const account = accounts.get(o.owner) ?? { ...emptyAccount(o.owner, iso), available: 0, minted: 0 };
        account.escrowed += locked;
        account.minted += locked;
        accounts.set(o.owner, account);
      }
    });
  }
  // The traders' accounts, and their participant records: the clearing trades only ACTIVE owners.
  await ledger.transact(clerk, async (ctx) => {
    for (const account of accounts.values()) {
      await writeRecord(ctx, RecordType.Account, account.id, account);
      const participant: Participant = {
        id: account.id,
        mspId: 'CommunityMSP',
        enrollmentId: account.id.split(':')[1] ?? '',
        displayName: account.id,
        kind: 'PROSUMER',
        commodities: ['ELECTRICITY'],
        gridZone: 'Z',
        meterIds: [],
        requestedMeterIds: [],
        capacityW: 0,
        status: 'ACTIVE',
        verificationHash: '0'.repeat(64),
        registeredAt: iso,
        updatedAt: iso,
      };
      await writeRecord(ctx, RecordType.Participant, participant.id, participant);
    }
  });

  ledger.setTime(market.gateClosureMs);
  const times: number[] = [];
  const own: number[] = [];
  let maxWriteBytes = 0;
  let totalWriteBytes = 0;
  let totalWriteKeys = 0;
  let pricing = 0;
  let maxTaken = 0;
  let last: ClearMarketResult | undefined;
  const t0 = performance.now();
  do {
    const t = performance.now();
    rangeMs = 0;
    const tx = await ledger.submit<ClearMarketResult>(contract, 'ClearMarket', clerk, {
      marketId: market.id,
      batchSize: BATCH,
    });
    const elapsed = performance.now() - t;
    times.push(elapsed);
    own.push(elapsed - rangeMs);
    let bytes = 0;
    for (const [key, written] of tx.writes) bytes += Buffer.byteLength(key) + (written?.length ?? 0);
    maxWriteBytes = Math.max(maxWriteBytes, bytes);
    totalWriteBytes += bytes;
    totalWriteKeys += tx.writes.size;
    if (tx.result.batch.priced > 0) pricing += 1;
    maxTaken = Math.max(maxTaken, ...tx.ranges.map((range) => range.consumed));
    last = tx.result;
  } while (!last.batch.done);
  const totalMs = performance.now() - t0;
  const later = times.slice(1);
  const laterOwn = own.slice(1);
  return {
    batchOwnMs: laterOwn.length ? laterOwn.reduce((a, b) => a + b, 0) / laterOwn.length : 0,
    maxWriteBytes,
    totalWriteBytes,
    totalWriteKeys,
    firstMs: times[0] ?? 0,
    batchMeanMs: later.length ? later.reduce((a, b) => a + b, 0) / later.length : 0,
    batchMaxMs: later.length ? Math.max(...later) : 0,
    transactions: times.length,
    pricing,
    maxTaken,
    totalMs,
    trades: last.clearing.trades,
    price: last.clearing.price,
    volume: last.clearing.volumeWh,
  };
}

function row(cells: (string | number)[]): string {
  return `| ${cells.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US', { maximumFractionDigits: 1 }) : c)).join(' | ')} |`;
}

async function main(): Promise<void> {
  console.log(`Clearing benchmark — node ${process.version}, batch size ${BATCH}\n`);
  console.log(
    row([
      'offers',
      'auction ms',
      'pairs',
      'volume MWh',
      'price',
      'ClearMarket txs',
      'pricing txs',
      'max entries taken / range',
      'first tx ms',
      'later tx mean ms',
      'later tx max ms',
      'later tx mean ms w/o stub sort',
      'max write set MB',
      'Σ write sets MB',
      'Σ keys written',
      'total ms',
    ]),
  );
  console.log(row(Array.from({ length: 16 }, () => '---')));
  for (const n of SIZES) {
    const pure = benchAuction(generate(n, 0));
    const clearing = await benchClearMarket(n);
    if (clearing.trades !== pure.pairs || clearing.price !== pure.price || clearing.volume !== pure.volume) {
      throw new Error(`contract and pure auction disagree at ${n}: ${JSON.stringify({ pure, clearing })}`);
    }
    console.log(
      row([
        n,
        pure.ms,
        pure.pairs,
        pure.volume / 1e6,
        pure.price ?? '—',
        clearing.transactions,
        clearing.pricing,
        clearing.maxTaken,
        clearing.firstMs,
        clearing.batchMeanMs,
        clearing.batchMaxMs,
        clearing.batchOwnMs,
        (clearing.maxWriteBytes / 1e6).toFixed(2),
        (clearing.totalWriteBytes / 1e6).toFixed(2),
        clearing.totalWriteKeys,
        clearing.totalMs,
      ]),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
