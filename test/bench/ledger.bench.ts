/**
 * `npm run bench:ledger [-- options]`: ESTP against a baseline chaincode on the real network
 * (docs/performance.md). Deploys the baseline (test/bench/baseline: CreateAsset, ReadAsset,
 * UpdateAsset; network/scripts/baseline.sh) beside estp, then runs, per operation and
 * concurrency, a block of the baseline and a block of ESTP, interleaved, and reports goodput
 * (VALID commits/s), p50/p95 submit→commit, failures by reason, CPU ms per VALID transaction by
 * process kind and the ratio to the baseline. Then clears markets of the `--clear` sizes.
 *
 * Options: `--json` (one JSON object on stdout instead of the table), `--duration <s>` per block
 * (default 10), `--concurrency 8,32,128` (PostOffer's), `--single-concurrency <n>` (in flight for
 * the operations measured at one concurrency: reads and hot paths; default 32), `--only
 * PostOffer,Deposit,…`, `--rounds <n>` (baseline and ESTP blocks alternate n times; default 1),
 * `--clear 1000,10000` (default 1000; `0` skips), `--posting-rate <offers/s>` (the posting rate
 * the clearing markets' gate closure allows for; default 8), `--book <n>` (posts n offers into one
 * market and reports posting goodput as the book grows, without clearing it), `--batch-size <n>`
 * and `--slices-in-flight <n>` (the clearing's pairs per transaction and slices submitted at once;
 * the chaincode's and the driver's defaults unless given), `--smoke` (see
 * {@link SMOKE}; later options override its values). Progress goes to stderr; every result also
 * lands in bench-results/ledger-<time>.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type ClearingOptions, clearMarket } from '../../application/src/gateway/clearing';
import { firstLot, lotId } from '../../application/src/gateway/lots';
import { ensureIdentity } from '../../application/src/gateway/provision';
import type { Pacing } from '../../application/src/demo/timeline';
import { MAX_LOTS } from '../../chaincode/src/market/lots';
import { resolveSettings } from '../../application/src/gateway/settings';
import {
  type Actor,
  Clients,
  ensureActive,
  mapLimit,
  newRunTag,
  openElectricityMarketAs,
  type Timeline,
  TREASURER,
  MARKET_OPERATOR,
  waitUntil,
} from '../integration/support/estp';
import globalSetup from '../integration/support/global-setup';
import { loadTraderProfile } from '../integration/support/identities';
import {
  type BlockResult,
  type Call,
  closeGateways,
  cpuWindow,
  evaluate,
  Exhausted,
  Failure,
  type LaneContracts,
  openContracts,
  runBlock,
  stateDbMb,
  submit,
} from './load';
import { probePoints, spreadOf, type Trend, trendOf } from './probes';

const ROOT = path.resolve(__dirname, '../..');

interface Options {
  json: boolean;
  smoke: boolean;
  duration: number;
  concurrency: number[];
  singleConcurrency: number;
  only: string[] | undefined;
  rounds: number;
  clear: number[];
  postingRate: number;
  book: number;
  /** Seconds of each block of a {@link BookProbe} while the book grows (`--probe`; 0: none). */
  probeSeconds: number;
  clearingTuning: ClearingTuning;
}

/** How the measured clearings run: the driver's own options (`--batch-size`, `--slices-in-flight`). */
type ClearingTuning = Pick<ClearingOptions, 'batchSize' | 'inFlight'>;

/** How much the run prepares: {@link FULL}, or {@link SMOKE_SCALE} with `--smoke`. */
interface Scale {
  /** The bench's traders, at most {@link TRADERS}' 128 (lanes never share one up to this many in flight). */
  readonly traders: number;
  /**
   * How many of the traders, in order, the blocks, the popular offer (its seller), the Settle book
   * and the ClearMarket books use when they run side by side ({@link Scale.alongside}): an offer
   * locks its owner's account, so two postings at once by one trader would conflict. Without it,
   * each uses all the traders (the popular offer's seller and the Settle book's is trader 0).
   */
  readonly split?: {
    readonly blocks: number;
    readonly popular: number;
    readonly settle: number;
    readonly clearing: number;
  };
  /** Trades of one seller for the Settle blocks. */
  readonly settleTrades: number;
  /** How long the Settle and ClearMarket markets take offers beyond the posting's expected time. */
  readonly settleMarginMs: number;
  readonly clearMarginMs: number;
  /** The markets' delivery, report and dispute spans (the integration timeline's unless given). */
  readonly pacing: Partial<Pacing>;
  /**
   * Whether the preparations run alongside the blocks instead of one thing at a time: when the
   * bench starts, every operation's {@link Operation.post} (the Settle book: post, clear, wait for
   * settleAfter; the popular offer's market) and every ClearMarket book (post, clear at gate
   * closure) start together, each on traders of its own ({@link Scale.split}); an operation's
   * baseline block runs beside its ESTP block, and a block waits only for its own preparation.
   * The full run keeps that load out of the measured blocks.
   */
  readonly alongside: boolean;
}

const FULL: Scale = {
  traders: 128,
  settleTrades: 800,
  settleMarginMs: 15_000,
  clearMarginMs: 60_000,
  pacing: {},
  alongside: false,
};

/**
 * `--smoke`: every operation and its baseline once, in blocks of a quarter of a second (each lane
 * makes one call) at 4 in flight, 8 trades to settle and a 10-offer ClearMarket, with the
 * preparations {@link Scale.alongside} the blocks on 16 traders (bench-001 to bench-016, so a later
 * full run reuses them): 5 for the blocks, 1 for the popular offer, 5 for the Settle book, 5 for the
 * ClearMarket book. It
 * checks that the bench works end to end (test/integration/bench-smoke.test.ts in `npm test`); its
 * numbers measure nothing.
 */
const SMOKE: Partial<Options> = { duration: 0.25, concurrency: [4], singleConcurrency: 4, clear: [10] };
const SMOKE_SCALE: Scale = {
  traders: 16,
  split: { blocks: 5, popular: 1, settle: 5, clearing: 5 },
  settleTrades: 8,
  // Gate closures 6.5 and 7.5 s after opening: the opening and two rounds of offers (one per
  // trader at a time) committed 3.7–5.7 s after it at load 8–14 (the last proposals a second or
  // more earlier); a proposal after gate closure fails the run. The Settle book's is on the
  // smoke's longest path (post, clear, settle), the ClearMarket book's is not.
  settleMarginMs: 5_500,
  clearMarginMs: 5_500,
  // Delivery and dispute window of half a second each: the Settle market's trades are settleable
  // about when its clearing has committed.
  pacing: { deliveryMs: 500, reportsMs: 0, disputeWindowMs: 500 },
  alongside: true,
};

function parseOptions(argv: readonly string[]): Options {
  const options: Options = {
    json: false,
    smoke: false,
    duration: 10,
    concurrency: [8, 32, 128],
    singleConcurrency: 32,
    only: undefined,
    rounds: 1,
    clear: [1000],
    postingRate: 8,
    book: 0,
    probeSeconds: 10,
    clearingTuning: {},
  };
  const list = (text: string | undefined): string[] => (text ?? '').split(',').filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--json':
        options.json = true;
        break;
      case '--smoke':
        Object.assign(options, SMOKE, { smoke: true });
        break;
      case '--single-concurrency':
        options.singleConcurrency = Number(value());
        break;
      case '--duration':
        options.duration = Number(value());
        break;
      case '--concurrency':
        options.concurrency = list(value()).map(Number);
        break;
      case '--only':
        options.only = list(value());
        break;
      case '--rounds':
        options.rounds = Number(value());
        break;
      case '--clear':
        options.clear = list(value())
          .map(Number)
          .filter((size) => size > 0);
        break;
      case '--posting-rate':
        options.postingRate = Number(value());
        break;
      case '--book':
        options.book = Number(value());
        break;
      case '--probe':
        options.probeSeconds = Number(value());
        break;
      case '--batch-size':
        options.clearingTuning = { ...options.clearingTuning, batchSize: Number(value()) };
        break;
      case '--slices-in-flight':
        options.clearingTuning = { ...options.clearingTuning, inFlight: Number(value()) };
        break;
      default:
        throw new Error(`unknown option ${flag} (see test/bench/ledger.bench.ts)`);
    }
  }
  if (
    !(options.duration > 0) ||
    [...options.concurrency, options.singleConcurrency].some((n) => !(n > 0)) ||
    !(options.rounds > 0) ||
    !(options.postingRate > 0) ||
    !(Number.isSafeInteger(options.book) && options.book >= 0) ||
    !(options.probeSeconds >= 0) ||
    Object.values(options.clearingTuning).some((n) => !(Number.isSafeInteger(n) && n > 0))
  ) {
    throw new Error(
      '--duration, --concurrency, --single-concurrency, --rounds, --posting-rate, --book, --batch-size and --slices-in-flight take positive numbers, --probe zero or more',
    );
  }
  return options;
}

/** When the run started: progress lines carry the seconds since (where the time goes). */
const runStarted = performance.now();

const log = (line: string): void => {
  process.stderr.write(`${((performance.now() - runStarted) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);
};

/** The bench's own traders, 128 so that 128 lanes never share an account; a run uses the first {@link Scale.traders}. */
const TRADERS: readonly Actor[] = Array.from({ length: 128 }, (_, index) => ({
  org: ['community', 'enterprise', 'utility'][index % 3]!,
  user: `bench-${String(index + 1).padStart(3, '0')}`,
}));
const FUNDS = 10_000_000;

let scale: Scale = FULL;
let traders: readonly Actor[] = TRADERS;

const RUN = newRunTag();
const clients = new Clients();

/** One row of the report: an ESTP operation at one concurrency, beside its baseline. */
interface OperationResult extends BlockResult {
  name: string;
  baseline?: BlockResult & { name: string };
  ratio?: number;
  note?: string;
}

interface Operation {
  readonly name: string;
  readonly concurrencies: (options: Options) => number[];
  readonly baseline?: { readonly name: string; readonly call: Call };
  readonly call: Call;
  /**
   * Prepares what its blocks need (the popular offer, the trades to settle) in a market of their
   * own, on traders of its own ({@link Scale.split}); with {@link Scale.alongside} from the start
   * of the bench, else at its turn. Runs once.
   */
  readonly post?: () => Promise<void>;
  readonly note?: string;
}

/**
 * Enrols, registers and funds the traders; returns their participant IDs and the indexes of those
 * this run deposited to.
 */
async function onboard(): Promise<{ ids: string[]; funded: number[] }> {
  // The integration setup reports on stdout, which is the report's (--json): send it to stderr.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  try {
    await globalSetup();
  } finally {
    process.stdout.write = write;
  }
  (https.globalAgent as https.Agent & { keepAlive: boolean }).keepAlive = false;
  const started = performance.now();
  await mapLimit(traders, 2, (actor) =>
    ensureIdentity(resolveSettings({ org: actor.org }), { user: actor.user, roles: ['member'] }),
  );
  const records = await mapLimit(traders, 16, (actor) =>
    ensureActive(clients, actor, loadTraderProfile(actor)),
  );
  const treasurer = await clients.of(TREASURER);
  // Funds once per network, topped up when a run spent half of them: a run spends far less.
  const accounts = await mapLimit(records, 32, (record) =>
    treasurer.evaluate('Settlement', 'GetAccount', { participantId: record.id }),
  );
  const funded = records.flatMap((_, index) => (accounts[index]!.available < FUNDS / 2 ? [index] : []));
  const poor = funded.map((index) => records[index]!);
  await mapLimit(poor, 32, (record) =>
    treasurer.submit('Settlement', 'Deposit', {
      accountId: record.id,
      amount: FUNDS,
      reference: `${RUN}-funds`,
    }),
  );
  if (poor.length > 0) await clients.sync();
  log(
    `  ${traders.length} traders ACTIVE and funded (${poor.length} deposits) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { ids: records.map((record) => record.id), funded };
}

/**
 * A Deposit is a delta that the account's next debit merges into its record (docs/trading.md,
 * "Hot accounts"): a trader's first PostOffer after its funding also reads and deletes the
 * delta. Each trader funded this run posts one offer into the write market before the blocks, so
 * that they measure PostOffer, not the funding's deferred merge (docs/performance.md).
 */
async function foldDeposits(
  lanes: readonly LaneContracts[],
  funded: readonly number[],
  market: string,
): Promise<void> {
  if (funded.length === 0) return;
  const started = performance.now();
  await mapLimit(funded, 32, (index) =>
    submit(lanes[index]!.estp('Market'), 'PostOffer', [
      json({ offerId: `${RUN}-fold`, marketId: market, side: 'BUY', quantityWh: 1_000, price: 80 }),
    ]),
  );
  log(
    `  ${funded.length} deposits folded into their accounts (one offer each) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

function deployBaseline(): void {
  execFileSync('bash', [path.join(ROOT, 'network/scripts/baseline.sh'), 'up'], {
    stdio: ['ignore', process.stderr, process.stderr],
  });
}

/**
 * A ZONE-A market taking offers for `offersMs`, then 1 s of delivery, 5 s for reports, 1 s of
 * disputes (or the {@link Scale.pacing}).
 */
async function openMarket(marketId: string, offersMs: number): Promise<Timeline> {
  const operator = await clients.of(MARKET_OPERATOR);
  const { times } = await openElectricityMarketAs(operator, marketId, offersMs, {
    settleable: true,
    pacing: scale.pacing,
  });
  await clients.sync();
  return times;
}

const json = (value: object): string => JSON.stringify(value);
const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/** Posting goodput while the book held `book` − 1 000 to `book` offers. */
interface PostingSegment {
  book: number;
  goodput: number;
  /**
   * CPU ms the network's processes (peers, orderers, chaincode services) used per offer posted.
   * Unlike goodput it does not move when other processes take the cores; when the machine itself
   * runs slower it rises as goodput falls (a saturated machine's CPU per second is fixed), so only
   * a change in both that the machine's speed does not explain is the book's or the ledger's.
   */
  cpuMsPerOffer: number;
}

/** CPU ms of the network's processes in `msPer` (by process kind), without the bench's own. */
function networkCpu(msPer: Record<string, number>): number {
  const used = Object.entries(msPer).reduce((sum, [kind, ms]) => (kind === 'driver' ? sum : sum + ms), 0);
  return Math.round(used * 10) / 10;
}

/** Offers per segment of the posting's goodput-by-book-size report. */
const SEGMENT = 1000;

/** PostOffers in flight while a book is posted and probed (one per trader at most). */
const BOOK_IN_FLIGHT = 64;

/**
 * The PostOffer input of a book's `n`th offer: BUY and SELL in turn, their prices spread so that
 * about half the volume crosses (`price` overrides it).
 */
function bookOffer(marketId: string, offerId: string, n: number, price?: number): string {
  const buy = n % 2 === 0;
  return json({
    offerId,
    marketId,
    side: buy ? 'BUY' : 'SELL',
    quantityWh: 1_000,
    price: price ?? (buy ? 80 + ((n * 7) % 71) : 50 + ((n * 11) % 71)),
  });
}

/**
 * A queue per lane: `work` starts after the lane's earlier work has ended. An offer locks its
 * owner's account, so two offers of one trader in flight at once would conflict (MVCC); with
 * fewer lanes than offers in flight (the smoke's), `mapLimit` alone would start them so.
 */
function laneQueues(): <T>(lane: LaneContracts, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<LaneContracts, Promise<unknown>>();
  return (lane, work) => {
    const result = (tails.get(lane) ?? Promise.resolve()).then(work);
    tails.set(
      lane,
      result.catch(() => undefined),
    );
    return result;
  };
}

/**
 * Posts `count` offers of the market from the traders, {@link BOOK_IN_FLIGHT} in flight; about
 * half the volume crosses. `from` continues an earlier posting into the same market: the first
 * offer's number (IDs and prices follow it) and the book's size before.
 * Returns the whole posting's seconds and the goodput of each segment of {@link SEGMENT} offers, so
 * a large book shows whether posting slows down as the book grows.
 */
async function postBook(
  lanes: readonly LaneContracts[],
  marketId: string,
  count: number,
  from: { first: number; book: number } = { first: 0, book: 0 },
): Promise<{ seconds: number; segments: PostingSegment[] }> {
  const started = performance.now();
  let segmentStarted = started;
  let segmentCpu = cpuWindow();
  const segments: PostingSegment[] = [];
  let done = 0;
  const onLane = laneQueues();
  await mapLimit(
    Array.from({ length: count }, (_, n) => from.first + n),
    Math.min(lanes.length, BOOK_IN_FLIGHT),
    async (n) => {
      const lane = lanes[n % lanes.length]!;
      const market = lane.estp('Market');
      await onLane(lane, () =>
        submit(market, 'PostOffer', [bookOffer(marketId, `${marketId}-o${n}`, n)]).catch(() =>
          // One retry: a conflict with the trader's own other lane is not what is measured here.
          submit(market, 'PostOffer', [bookOffer(marketId, `${marketId}-r${n}`, n, 100)]),
        ),
      );
      done += 1;
      if (done % SEGMENT === 0) {
        const now = performance.now();
        const goodput = Math.round((SEGMENT / ((now - segmentStarted) / 1000)) * 10) / 10;
        const cpuMsPerOffer = networkCpu(segmentCpu.end(SEGMENT).msPer);
        segmentStarted = now;
        segmentCpu = cpuWindow();
        segments.push({ book: from.book + done, goodput, cpuMsPerOffer });
        log(
          `    posted ${from.book + done} (${goodput} offers/s, ${cpuMsPerOffer} ms CPU/offer, load ${loadavg()[0]?.toFixed(1)})`,
        );
      }
    },
  );
  return { seconds: (performance.now() - started) / 1000, segments };
}

interface ClearingResult {
  name: 'ClearMarket';
  offers: number;
  /** The driver's options it ran with (`--batch-size`, `--slices-in-flight`); empty: the defaults. */
  tuning: ClearingTuning;
  postingSeconds: number;
  postingGoodput: number;
  /** Posting goodput per {@link SEGMENT} offers, as the book grew. */
  postingBySegment: PostingSegment[];
  transactions: number;
  totalSeconds: number;
  slowestMs: number;
  p50Ms: number;
  trades: number;
  /** CPU ms per trade by process kind during the clearing (the release of unmatched offers included). */
  cpuMsPerTrade: Record<string, number>;
  /** CPU share of the machine's cores used during the clearing. */
  machineBusy: number;
  /** A peer's state database when the clearing started, MB (see {@link stateDbMb}). */
  stateDbMb: number;
}

/**
 * Clears `marketId` to the end with the product's driver (application/src/gateway/clearing.ts: the
 * slices of a round submitted together); per-transaction latencies.
 */
async function clearToEnd(
  marketId: string,
  tuning: ClearingTuning = {},
): Promise<{ ms: number[]; trades: number; seconds: number }> {
  const clearer = await clients.of({ org: 'utility', user: TRADERS[2]!.user });
  const ms: number[] = [];
  const started = performance.now();
  const last = await clearMarket((input) => clearer.submit('Market', 'ClearMarket', input), marketId, {
    ...tuning,
    onProgress: ({ step, slice, ms: took }) => {
      ms.push(took);
      const at = ((performance.now() - started) / 1000).toFixed(1);
      log(
        `    ${slice === undefined ? `step ${step.batch.number} (${step.clearing.phase})` : `slice ${slice}`}: ${step.batch.trades} trades, ${step.batch.offersClosed} closed, ${Math.round(took)} ms, at ${at} s, load ${loadavg()[0]?.toFixed(1)}`,
      );
    },
  });
  return { ms, trades: last.clearing.trades, seconds: (performance.now() - started) / 1000 };
}

/** A ClearMarket market's book, posted. */
interface PostedBook {
  marketId: string;
  gateClosure: number;
  postingSeconds: number;
  segments: PostingSegment[];
}

/**
 * Opens the market of a ClearMarket of `offers` offers and posts its book; its gate closure
 * allows for posting at `postingRate` offers/s.
 */
async function postClearingBook(
  lanes: readonly LaneContracts[],
  offers: number,
  postingRate: number,
): Promise<PostedBook> {
  log(`ClearMarket of ${offers} offers: posting`);
  const marketId = `${RUN}-C${offers}`;
  // Gate closure after the posting: 10–65 offers/s measured on the shared machine (load 11–22);
  // the default 8/s leaves a margin (a PostOffer after gate closure is refused and would end the
  // run); on a quiet machine `--posting-rate 25` saves the wait.
  const { gateClosure } = await openMarket(
    marketId,
    Math.ceil(offers / postingRate) * 1000 + scale.clearMarginMs,
  );
  const { seconds: postingSeconds, segments } = await postBook(lanes, marketId, offers);
  log(
    `    posted in ${postingSeconds.toFixed(1)} s; gate closure in ${((gateClosure - Date.now()) / 1000).toFixed(1)} s`,
  );
  return { marketId, gateClosure, postingSeconds, segments };
}

async function clearing(book: PostedBook, offers: number, tuning: ClearingTuning): Promise<ClearingResult> {
  log(`ClearMarket of ${offers} offers`);
  const { marketId, gateClosure, postingSeconds, segments } = book;
  await waitUntil(gateClosure);
  const stateDb = stateDbMb();
  const cpu = cpuWindow();
  const { ms, trades, seconds } = await clearToEnd(marketId, tuning);
  const { msPer: cpuMsPerTrade, machineBusy } = cpu.end(trades);
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    name: 'ClearMarket',
    offers,
    tuning,
    postingSeconds: Math.round(postingSeconds * 10) / 10,
    postingGoodput: Math.round((offers / postingSeconds) * 10) / 10,
    postingBySegment: segments,
    transactions: ms.length,
    totalSeconds: Math.round(seconds * 10) / 10,
    slowestMs: Math.round(sorted.at(-1) ?? 0),
    p50Ms: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    trades,
    cpuMsPerTrade,
    machineBusy,
    stateDbMb: stateDb,
  };
}

/**
 * PostOffer into the growing book against the baseline's CreateAsset, one block of each back to
 * back at the posting's concurrency, when the book held `book` offers. On a machine whose speed
 * drifts (up to 2× within half an hour here) a goodput alone cannot tell the book's cost from the
 * machine's; the ratio of two adjacent blocks can, as it does for the write blocks.
 */
interface BookProbe {
  book: number;
  baseline: { name: 'CreateAsset'; goodput: number };
  goodput: number;
  ratio: number;
  /** Offers the probe's PostOffer blocks added to the book. */
  offers: number;
  /**
   * Goodput of the four blocks in the order they ran (CreateAsset, PostOffer, PostOffer,
   * CreateAsset): a probe far from the others shows whether one block or both kinds moved.
   */
  blocks: number[];
}

/** Posting goodput as one market's book grows to `offers` (`--book`). */
interface BookGrowth {
  offers: number;
  postingSeconds: number;
  postingGoodput: number;
  /** Mean goodput of each tenth of the posting, so the first and last thousands can be compared. */
  byTenth: PostingSegment[];
  postingBySegment: PostingSegment[];
  /**
   * The least-squares line through the goodput of every 1 000 offers against the book's size
   * (none below 2 000 offers): the posting's own trend, with the machine's drift in it.
   */
  postingTrend?: Trend;
  /** At 1 000 offers and at every tenth of the book (none with `--probe 0`). */
  probes: BookProbe[];
  /** The probes' ratios, the lowest and highest, relative to their mean (the ±10 % target). */
  probeSpread?: { below: number; above: number };
  /**
   * The least-squares line through the probes' ratios against the book's size, at the first and
   * the last probe, and its change between them in %: what the book's growth costs, apart from
   * each probe's own noise.
   */
  probeTrend?: Trend;
}

async function probeBook(
  lanes: readonly LaneContracts[],
  marketId: string,
  book: number,
  seconds: number,
): Promise<BookProbe> {
  const concurrency = Math.min(lanes.length, BOOK_IN_FLIGHT);
  const createAsset: Call = async ({ baseline }, lane, n) => {
    await submit(baseline, 'CreateAsset', [`${marketId}-a${n}`, 'blue', '5', `owner${lane}`, '300']);
  };
  const postOffer: Call = async (contracts, _lane, n) => {
    await submit(contracts.estp('Market'), 'PostOffer', [bookOffer(marketId, `${marketId}-p${n}`, n)]);
  };
  // Baseline, PostOffer, PostOffer, baseline: a drift of the machine's speed during the probe
  // weighs on both alike.
  const baseline: BlockResult[] = [];
  const posting: BlockResult[] = [];
  const blocks: number[] = [];
  for (const [results, call] of [
    [baseline, createAsset],
    [posting, postOffer],
    [posting, postOffer],
    [baseline, createAsset],
  ] as const) {
    const block = await runBlock(lanes, concurrency, seconds, call);
    results.push(block);
    blocks.push(block.goodput);
  }
  const baselineGoodput = meanOf(baseline, (block) => block.goodput);
  const goodput = meanOf(posting, (block) => block.goodput);
  const offers = posting.reduce((sum, block) => sum + block.valid, 0);
  const ratio = baselineGoodput > 0 ? ratioOf(goodput, baselineGoodput) : 0;
  log(
    `    probe at ${book} offers: CreateAsset ${baselineGoodput}/s, PostOffer ${goodput}/s (${offers} offers), ratio ${ratio}; blocks ${blocks.join(', ')}/s`,
  );
  return {
    book,
    baseline: { name: 'CreateAsset', goodput: baselineGoodput },
    goodput,
    ratio,
    offers,
    blocks,
  };
}

/**
 * Posts a book of `offers` offers into one market; unless `probeSeconds` is 0 it stops at each of
 * {@link probePoints} for a {@link BookProbe}, whose offers stay in the book.
 */
async function growBook(
  lanes: readonly LaneContracts[],
  offers: number,
  probeSeconds: number,
): Promise<BookGrowth> {
  log(`book of ${offers} offers in one market (posting only)`);
  const marketId = `${RUN}-B${offers}`;
  // The market stays open well past any posting rate this machine reaches (it is never cleared).
  await openMarket(marketId, Math.ceil(offers / 2) * 1000 + 60_000);
  const segments: PostingSegment[] = [];
  const probes: BookProbe[] = [];
  let seconds = 0;
  let posted = 0;
  let book = 0;
  for (const point of probeSeconds > 0 ? probePoints(offers, SEGMENT) : [offers]) {
    const part = await postBook(lanes, marketId, point - posted, { first: posted, book });
    seconds += part.seconds;
    segments.push(...part.segments);
    book += point - posted;
    posted = point;
    if (probeSeconds === 0) continue;
    const probe = await probeBook(lanes, marketId, book, probeSeconds);
    probes.push(probe);
    book += probe.offers;
  }
  const tenth = Math.max(1, Math.floor(segments.length / 10));
  const byTenth: PostingSegment[] = [];
  for (let start = 0; start + tenth <= segments.length; start += tenth) {
    const slice = segments.slice(start, start + tenth);
    byTenth.push({
      book: slice.at(-1)!.book,
      goodput: meanOf(slice, (segment) => segment.goodput),
      cpuMsPerOffer: meanOf(slice, (segment) => segment.cpuMsPerOffer),
    });
  }
  const probeSpread = spreadOf(probes.map((probe) => probe.ratio));
  return {
    offers,
    postingSeconds: Math.round(seconds * 10) / 10,
    postingGoodput: Math.round((offers / seconds) * 10) / 10,
    byTenth,
    postingBySegment: segments,
    ...(segments.length > 1
      ? { postingTrend: trendOf(segments.map((segment) => [segment.book, segment.goodput] as const)) }
      : {}),
    probes,
    ...(probeSpread
      ? { probeSpread, probeTrend: trendOf(probes.map((probe) => [probe.book, probe.ratio] as const)) }
      : {}),
  };
}

function describeBook(book: BookGrowth): string {
  const tenths = book.byTenth
    .map(({ book: size, goodput, cpuMsPerOffer }) => `≤${size}: ${goodput} (${cpuMsPerOffer} ms)`)
    .join(', ');
  const probes = book.probes
    .map(({ book: size, goodput, baseline, ratio }) => `${size}: ${goodput}/${baseline.goodput} = ${ratio}`)
    .join(', ');
  return (
    `PostOffer into one market of ${book.offers} offers: ${book.postingGoodput} offers/s overall ` +
    `(${book.postingSeconds} s); mean offers/s (CPU ms per offer) by tenth of the book: ${tenths}` +
    (book.postingTrend
      ? `; the fitted line ${book.postingTrend.first} → ${book.postingTrend.last} offers/s (${book.postingTrend.change} %)`
      : '') +
    (book.probeSpread && book.probeTrend
      ? `\nPostOffer/CreateAsset by book size: ${probes}; from the mean ${book.probeSpread.below} % to +${book.probeSpread.above} %` +
        `; the fitted line ${book.probeTrend.first} → ${book.probeTrend.last} (${book.probeTrend.change} %)`
      : '')
  );
}

/**
 * The blocks' operations on `split.blocks`, the popular offer of `split.popular[0]`, the Settle
 * book on `split.settle` (its seller first). Their IDs carry the run tag, so runs on one ledger
 * never collide.
 */
function operations(split: LaneSplit, traderIds: readonly string[], writeMarket: string): Operation[] {
  const popularSeller = split.popular[0]!;
  const buyers = split.blocks.filter((lane) => lane !== popularSeller);
  const posted: string[] = [];
  const assets: string[] = [];
  const hotAsset = HOT_ASSET;
  const hotAccount = traderIds[0]!;
  const popularMarket = `${RUN}-POP`;
  let popularOffer = '';
  const createAsset: Call = async ({ baseline }, lane, n) => {
    const id = `${RUN}-a${n}`;
    await submit(baseline, 'CreateAsset', [id, 'blue', '5', `owner${lane}`, '300']);
    assets.push(id);
  };
  const readAsset: Call = async ({ baseline }, _lane, n) => {
    await evaluate(baseline, 'ReadAsset', [assets[n % assets.length]!]);
  };
  const updateHotAsset: Call = async ({ baseline }, lane, n) => {
    await submit(baseline, 'UpdateAsset', [hotAsset, 'red', String(n % 100), `owner${lane}`, '300']);
  };
  return [
    {
      name: 'PostOffer',
      concurrencies: (options) => options.concurrency,
      baseline: { name: 'CreateAsset', call: createAsset },
      call: async (contracts, _lane, n) => {
        const buy = n % 2 === 0;
        const result = await submit(contracts.estp('Market'), 'PostOffer', [
          json({
            offerId: `${RUN}-w${n}`,
            marketId: writeMarket,
            side: buy ? 'BUY' : 'SELL',
            quantityWh: 1_000,
            price: buy ? 80 + (n % 40) : 130 + (n % 20),
          }),
        ]);
        posted.push((JSON.parse(text(result)) as { id: string }).id);
      },
    },
    {
      name: 'GetOffer',
      concurrencies: (options) => [options.singleConcurrency],
      baseline: { name: 'ReadAsset', call: readAsset },
      call: async (contracts, _lane, n) => {
        await evaluate(contracts.estp('Market'), 'GetOffer', [json({ id: posted[n % posted.length]! })]);
      },
    },
    {
      name: 'GetAccount',
      concurrencies: (options) => [options.singleConcurrency],
      baseline: { name: 'ReadAsset', call: readAsset },
      call: async (contracts, _lane, n) => {
        await evaluate(contracts.estp('Settlement'), 'GetAccount', [
          json({ participantId: traderIds[n % traderIds.length]! }),
        ]);
      },
    },
    {
      name: 'Deposit',
      note: 'to one account',
      concurrencies: (options) => [options.singleConcurrency],
      baseline: { name: 'UpdateAsset', call: updateHotAsset },
      call: async (_contracts, _lane, n) => {
        await submit(treasurerLane!.estp('Settlement'), 'Deposit', [
          json({ accountId: hotAccount, amount: 1, reference: `${RUN}-hot${n}` }),
        ]);
      },
    },
    {
      name: 'AcceptOffer',
      note: 'one popular offer',
      concurrencies: (options) => [options.singleConcurrency],
      baseline: { name: 'UpdateAsset', call: updateHotAsset },
      post: async () => {
        await openMarket(popularMarket, 60 * 60_000);
        const seller = await clients.of(popularSeller.actor);
        // Posted in lots (docs/trading.md#hot-offers): takers spread over them.
        const offer = await seller.submit('Market', 'PostOffer', {
          offerId: `${RUN}-popular`,
          marketId: popularMarket,
          side: 'SELL',
          quantityWh: 100_000_000,
          price: 50,
          lots: MAX_LOTS,
        });
        popularOffer = offer.lot?.of ?? offer.id;
        await clients.sync();
      },
      // Every trader but the seller buys, from the lot its acceptId picks (acceptLot's first try).
      call: async (_contracts, lane, n) => {
        const buyer = buyers[lane % buyers.length]!;
        const acceptId = `${RUN}-f${n}`;
        await submit(buyer.estp('Market'), 'AcceptOffer', [
          json({ id: lotId(popularOffer, firstLot(acceptId, MAX_LOTS)), quantityWh: 1_000, acceptId }),
        ]);
      },
    },
    {
      name: 'Settle',
      note: "one seller's trades",
      concurrencies: (options) => [options.singleConcurrency],
      baseline: { name: 'UpdateAsset', call: updateHotAsset },
      post: async () => {
        const times = await postSellerBook(split.settle, `${RUN}-S`, scale.settleTrades);
        unsettled.push(...(await sellerTrades(`${RUN}-S`, times)));
      },
      call: async (_contracts, _lane, _n) => {
        const tradeId = unsettled.shift();
        if (tradeId === undefined) throw new Exhausted('every trade is settled');
        try {
          await submit(treasurerLane!.estp('Settlement'), 'Settle', [json({ tradeId })]);
        } catch (error) {
          if (error instanceof Failure && !error.reason.startsWith('ENDORSEMENT')) unsettled.push(tradeId);
          throw error;
        }
      },
    },
  ];
}

/** Trades for the Settle blocks: {@link Scale.settleTrades} bids against one seller's ask. */
const unsettled: string[] = [];

/**
 * One seller's (lane 0's) book: the other lanes bid 1 000 Wh each in a market of their own, the
 * seller asks for all of it ({@link sellerTrades} clears it). Returns the market's times.
 */
async function postSellerBook(
  lanes: readonly LaneContracts[],
  marketId: string,
  count: number,
): Promise<Timeline> {
  log(`  Settle: ${count} trades of one seller (post, clear, wait for settleAfter)`);
  const times = await openMarket(marketId, Math.ceil(count / 25) * 1000 + scale.settleMarginMs);
  const seller = await clients.of(lanes[0]!.actor);
  // The ask beside the bids (the seller is no buyer); one bid per buyer at a time: two of one
  // buyer's would conflict on its account.
  const ask = seller.submit('Market', 'PostOffer', {
    offerId: `${marketId}-ask`,
    marketId,
    side: 'SELL',
    quantityWh: count * 1_000,
    price: 50,
  });
  const onLane = laneQueues();
  const bids = mapLimit(
    Array.from({ length: count }, (_, n) => n),
    Math.min(64, lanes.length - 1),
    async (n) => {
      const lane = lanes[1 + (n % (lanes.length - 1))]!;
      const bid = (id: string): Promise<Uint8Array> =>
        submit(lane.estp('Market'), 'PostOffer', [
          json({ offerId: id, marketId, side: 'BUY', quantityWh: 1_000, price: 100 }),
        ]);
      await onLane(lane, () => bid(`${marketId}-b${n}`).catch(() => bid(`${marketId}-b${n}-again`)));
    },
  );
  await Promise.all([ask, bids]);
  log(`    Settle: posted; gate closure in ${((times.gateClosure - Date.now()) / 1000).toFixed(1)} s`);
  return times;
}

/**
 * The trades of {@link postSellerBook}'s market, settleable now: the market clears after gate
 * closure (one trade per bid) and the dispute window passes. Returns the trade IDs.
 */
async function sellerTrades(marketId: string, { gateClosure, settleAfter }: Timeline): Promise<string[]> {
  await waitUntil(gateClosure);
  await clearToEnd(marketId);
  const treasurer = await clients.of(TREASURER);
  const ids: string[] = [];
  for await (const page of treasurer.pages('Settlement', 'ListTrades', { marketId, pageSize: 200 })) {
    ids.push(...page.records.map((trade) => trade.id));
  }
  await waitUntil(settleAfter);
  await clients.sync();
  log(`    ${ids.length} trades ready`);
  return ids;
}

/** The baseline's one hot key: every hot-account block's baseline updates it. */
const HOT_ASSET = `${RUN}-hot`;

let treasurerLane: LaneContracts | undefined;

/** Which lanes do what ({@link Scale.split}). */
interface LaneSplit {
  /** The blocks' (and, but for the popular offer's seller, AcceptOffer's buyers). */
  readonly blocks: readonly LaneContracts[];
  /** The popular offer's seller, first. */
  readonly popular: readonly LaneContracts[];
  /** The Settle book's: its seller first, then the bidders. */
  readonly settle: readonly LaneContracts[];
  /** The ClearMarket books'. */
  readonly clearing: readonly LaneContracts[];
}

function splitLanes(lanes: readonly LaneContracts[]): LaneSplit {
  if (!scale.split) return { blocks: lanes, popular: lanes, settle: lanes, clearing: lanes };
  const ranges: LaneContracts[][] = [];
  let start = 0;
  for (const size of [scale.split.blocks, scale.split.popular, scale.split.settle, scale.split.clearing]) {
    ranges.push(lanes.slice(start, (start += size)));
  }
  const [blocks, popular, settle, clearing] = ranges as [
    LaneContracts[],
    LaneContracts[],
    LaneContracts[],
    LaneContracts[],
  ];
  return { blocks, popular, settle, clearing };
}

/**
 * The one run of `work` for `key`. A run started early ({@link Scale.alongside}) and awaited later:
 * its failure is reported where it is awaited, not as an unhandled rejection meanwhile.
 */
function once<K, V>(runs: Map<K, Promise<V>>, key: K, work: () => Promise<V>): Promise<V> {
  let run = runs.get(key);
  if (!run) {
    run = work();
    run.catch(() => undefined);
    runs.set(key, run);
  }
  return run;
}

/** ESTP's goodput over its baseline's, to two decimals: the ratio of every row and probe. */
function ratioOf(goodput: number, baselineGoodput: number): number {
  return Math.round((goodput / baselineGoodput) * 100) / 100;
}

function withRatio(row: OperationResult): OperationResult {
  if (!row.baseline || row.baseline.goodput === 0) return row;
  return { ...row, ratio: ratioOf(row.goodput, row.baseline.goodput) };
}

/** The mean of `pick` over `items`, to one decimal (the precision of every figure in the report). */
function meanOf<T>(items: readonly T[], pick: (item: T) => number): number {
  return Math.round((items.reduce((sum, item) => sum + pick(item), 0) / items.length) * 10) / 10;
}

/** Averages the rounds of one operation: goodput and latencies averaged, failures summed. */
function merge(blocks: readonly BlockResult[]): BlockResult {
  if (blocks.length === 1) return blocks[0]!;
  const mean = (pick: (block: BlockResult) => number): number => meanOf(blocks, pick);
  const failures: Record<string, number> = {};
  const cpu: Record<string, number> = {};
  for (const block of blocks) {
    for (const [reason, count] of Object.entries(block.failures))
      failures[reason] = (failures[reason] ?? 0) + count;
    for (const [kind, ms] of Object.entries(block.cpuMsPerTx))
      cpu[kind] = (cpu[kind] ?? 0) + ms / blocks.length;
  }
  return {
    ...blocks[0]!,
    seconds: mean((block) => block.seconds),
    valid: blocks.reduce((sum, block) => sum + block.valid, 0),
    goodput: mean((block) => block.goodput),
    p50Ms: mean((block) => block.p50Ms),
    p95Ms: mean((block) => block.p95Ms),
    failures,
    cpuMsPerTx: Object.fromEntries(Object.entries(cpu).map(([kind, ms]) => [kind, Math.round(ms * 10) / 10])),
    machineBusy: mean((block) => block.machineBusy),
    loadAverage: mean((block) => block.loadAverage),
  };
}

function describe(block: BlockResult): string {
  const failed = Object.entries(block.failures)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
  return `${block.goodput}/s, p50 ${block.p50Ms} ms, p95 ${block.p95Ms} ms${failed ? `; failed: ${failed}` : ''}`;
}

function table(rows: readonly (readonly (string | number)[])[]): string {
  return rows.map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** `peer / orderer / chaincode` CPU ms per unit of work (`service`: the chaincode measured). */
function cpuSplit(msPer: Record<string, number>, service: 'chaincode' | 'baseline'): string {
  const { peer = 0, orderer = 0 } = msPer;
  return `${peer} / ${orderer} / ${msPer[service] ?? 0}`;
}

/** {@link cpuSplit} per VALID transaction of a block. */
function cpuText(block: BlockResult | undefined, service: 'chaincode' | 'baseline'): string {
  return block ? cpuSplit(block.cpuMsPerTx, service) : '—';
}

function summary(rows: readonly OperationResult[], clears: readonly ClearingResult[]): string {
  const failures = (block: BlockResult | undefined): string =>
    block
      ? Object.entries(block.failures)
          .map(([reason, count]) => `${reason} ${count}`)
          .join(', ') || '—'
      : '—';
  const lines: string[] = [];
  if (rows.length > 0) {
    lines.push(
      table([
        [
          'operation',
          'in flight',
          'baseline',
          'goodput /s',
          'p50 / p95 ms',
          'failures',
          'ESTP',
          'goodput /s',
          'p50 / p95 ms',
          'failures',
          'ratio',
          'CPU ms/tx peer / orderer / cc (base → ESTP)',
          'machine busy, load',
        ],
        Array(13).fill('---'),
        ...rows.map((row) => [
          row.note ? `${row.name} (${row.note})` : row.name,
          row.concurrency,
          row.baseline?.name ?? '—',
          row.baseline?.goodput ?? '—',
          row.baseline ? `${row.baseline.p50Ms} / ${row.baseline.p95Ms}` : '—',
          failures(row.baseline),
          row.name,
          row.goodput,
          `${row.p50Ms} / ${row.p95Ms}`,
          failures(row),
          row.ratio ?? '—',
          `${cpuText(row.baseline, 'baseline')} → ${cpuText(row, 'chaincode')}`,
          `${Math.round(row.machineBusy * 100)} %, ${row.loadAverage}`,
        ]),
      ]),
    );
  }
  if (clears.length > 0) {
    lines.push(
      ...(lines.length > 0 ? [''] : []),
      table([
        [
          'ClearMarket',
          'posting /s',
          'transactions',
          'p50 ms',
          'slowest ms',
          'total s',
          'trades',
          'CPU ms/trade peer / orderer / chaincode',
          'machine busy',
          'state DB MB',
        ],
        Array(10).fill('---'),
        ...clears.map((clear) => [
          `${clear.offers} offers`,
          clear.postingGoodput,
          clear.transactions,
          clear.p50Ms,
          clear.slowestMs,
          clear.totalSeconds,
          clear.trades,
          cpuSplit(clear.cpuMsPerTrade, 'chaincode'),
          `${Math.round(clear.machineBusy * 100)} %`,
          clear.stateDbMb,
        ]),
      ]),
    );
    for (const clear of clears) {
      const segments = clear.postingBySegment.map(({ book, goodput }) => `${book}: ${goodput}`).join(', ');
      lines.push('', `PostOffer goodput (offers/s) by book size, ${clear.offers} offers: ${segments}`);
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.smoke) scale = SMOKE_SCALE;
  traders = TRADERS.slice(0, scale.traders);
  log(
    `ledger benchmark ${RUN}${options.smoke ? ' (smoke)' : ''}: blocks of ${options.duration} s, concurrency ${options.concurrency.join('/')}`,
  );
  log('baseline chaincode: deploying beside estp');
  deployBaseline();
  log('traders: enrolling, registering and funding (once per network)');
  const { ids, funded } = await onboard();
  const lanes = traders.map((actor) => openContracts(actor));
  treasurerLane = openContracts(TREASURER);
  const writeMarket = `${RUN}-W`;
  await Promise.all([
    openMarket(writeMarket, 2 * 60 * 60_000),
    submit(lanes[0]!.baseline, 'CreateAsset', [HOT_ASSET, 'red', '1', 'owner', '300']),
  ]);
  await foldDeposits(lanes, funded, writeMarket);
  const setupSeconds = (performance.now() - runStarted) / 1000;

  const split = splitLanes(lanes);
  const selected = operations(split, ids, writeMarket).filter(
    (operation) => !options.only || options.only.includes(operation.name),
  );
  const clearingSelected = !options.only || options.only.includes('ClearMarket');
  const posted = new Map<Operation, Promise<void>>();
  const post = (operation: Operation): Promise<void> =>
    once(posted, operation, () => operation.post?.() ?? Promise.resolve());
  const cleared = new Map<number, Promise<ClearingResult>>();
  const clear = (size: number): Promise<ClearingResult> =>
    once(cleared, size, async () =>
      clearing(
        await postClearingBook(split.clearing, size, options.postingRate),
        size,
        options.clearingTuning,
      ),
    );
  if (scale.alongside) {
    for (const operation of selected) void post(operation);
    // The books one after another: they post from the same traders. A failure surfaces where
    // the clearing is awaited, below.
    if (clearingSelected) {
      options.clear
        .reduce<Promise<unknown>>((previous, size) => previous.then(() => clear(size)), Promise.resolve())
        .catch(() => undefined);
    }
  }

  const rows: OperationResult[] = [];
  const started = new Date().toISOString();
  const stateDbAtStart = stateDbMb();
  for (const operation of selected) {
    const ready = post(operation);
    if (!scale.alongside) await ready;
    for (const concurrency of operation.concurrencies(options)) {
      const estpBlocks: BlockResult[] = [];
      const baseBlocks: BlockResult[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const baselineBlock = async (): Promise<void> => {
          if (!operation.baseline) return;
          const block = await runBlock(split.blocks, concurrency, options.duration, operation.baseline.call);
          log(`  ${operation.baseline.name} ×${concurrency}: ${describe(block)}`);
          baseBlocks.push(block);
        };
        const estpBlock = async (): Promise<void> => {
          await ready;
          const block = await runBlock(split.blocks, concurrency, options.duration, operation.call);
          log(`  ${operation.name} ×${concurrency}: ${describe(block)}`);
          estpBlocks.push(block);
        };
        // Side by side they share no key: the baseline is another chaincode.
        if (scale.alongside) await Promise.all([baselineBlock(), estpBlock()]);
        else {
          await baselineBlock();
          await estpBlock();
        }
      }
      rows.push(
        withRatio({
          name: operation.name,
          ...merge(estpBlocks),
          ...(operation.note ? { note: operation.note } : {}),
          ...(operation.baseline
            ? { baseline: { name: operation.baseline.name, ...merge(baseBlocks) } }
            : {}),
        }),
      );
    }
  }
  const clears: ClearingResult[] = [];
  if (clearingSelected) for (const size of options.clear) clears.push(await clear(size));
  const growth = options.book > 0 ? await growBook(lanes, options.book, options.probeSeconds) : undefined;

  // Setup: deploying (or checking) the baseline, the traders, the write market; bench: the rest.
  const seconds = {
    setup: Math.round(setupSeconds * 10) / 10,
    bench: Math.round(((performance.now() - runStarted) / 1000 - setupSeconds) * 10) / 10,
  };
  log(`setup ${seconds.setup} s, bench ${seconds.bench} s`);
  // The ledger the run measured: its peers' state database at the start and at the end.
  const stateDb = { startMb: stateDbAtStart, endMb: stateDbMb() };
  const report = {
    run: RUN,
    started,
    options,
    seconds,
    stateDb,
    operations: rows,
    clearing: clears,
    ...(growth ? { book: growth } : {}),
  };
  const directory = path.join(ROOT, 'bench-results');
  mkdirSync(directory, { recursive: true });
  const file = path.join(directory, `ledger-${started.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  log(`results: ${path.relative(ROOT, file)}`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    process.stdout.write(`\n${summary(rows, clears)}\n`);
    process.stdout.write(
      `\nA peer's state database: ${stateDb.startMb} MB at the start, ${stateDb.endMb} MB at the end\n`,
    );
    if (growth) process.stdout.write(`\n${describeBook(growth)}\n`);
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    closeGateways();
    clients.closeAll();
  });
