/**
 * The ledger benchmark's smoke (`bench:ledger -- --smoke --json`, test/bench/ledger.bench.ts) on the
 * suite's network: every operation and its baseline once, briefly, at 4 in flight, and a 10-offer
 * ClearMarket. It checks that the bench works and reports what docs/performance.md promises, not
 * how fast anything is (speed lives in the full run; the seconds are printed, not asserted). The
 * first run on a network deploys the baseline chaincode and enrols and funds the bench's 16
 * traders; later runs only check them.
 *
 * The bench runs as its own process, as `npm run bench:ledger` runs it: stdout must hold the report
 * and nothing else.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONTRACTS } from '../../chaincode/src/declarations';

const TEST_DIR = path.resolve(__dirname, '..');
const ROOT = path.resolve(TEST_DIR, '..');
const TS_NODE = require.resolve('ts-node/dist/bin.js');

interface Block {
  name: string;
  concurrency: number;
  goodput: number;
  p50Ms: number;
  p95Ms: number;
  failures: Record<string, number>;
}
interface Report {
  started: string;
  seconds: { setup: number; bench: number };
  operations: (Block & { baseline?: Block; ratio?: number })[];
  clearing: {
    name: string;
    offers: number;
    transactions: number;
    trades: number;
    p50Ms: number;
    cpuMsPerTrade: Record<string, number>;
    machineBusy: number;
    stateDbMb: number;
  }[];
  stateDb: { startMb: number; endMb: number };
}

/** The transactions of the estp chaincode, and the baseline chaincode's (test/bench/baseline). */
const ESTP_TRANSACTIONS = new Set(
  Object.values(CONTRACTS).flatMap((contract) => Object.keys(contract.transactions)),
);
const BASELINE_TRANSACTIONS = new Set(['CreateAsset', 'ReadAsset', 'UpdateAsset']);

let run: { code: number; out: string; err: string };
let report: Report;

beforeAll(async () => {
  run = await new Promise((resolve) => {
    execFile(
      process.execPath,
      [TS_NODE, '--transpile-only', 'bench/ledger.bench.ts', '--smoke', '--json'],
      { cwd: TEST_DIR, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          out: stdout,
          err: stderr,
        });
      },
    );
  });
  if (run.code !== 0) throw new Error(`the smoke failed (exit ${run.code}):\n${run.err.slice(-4000)}`);
  report = JSON.parse(run.out) as Report;
  // For the reader, not asserted: speed goals live in the benchmark (docs/performance.md).
  process.stderr.write(
    `bench:ledger --smoke: setup ${report.seconds.setup} s, bench ${report.seconds.bench} s\n`,
  );
}, 600_000);

describe('bench:ledger --smoke --json', () => {
  test('prints one JSON object on stdout, and its progress on stderr only', () => {
    expect(run.out.trim().split('\n')).toHaveLength(1);
    expect(run.err).toMatch(/PostOffer ×4: /);
    expect(run.err).toMatch(/setup [\d.]+ s, bench [\d.]+ s/);
  });

  test('reports every operation under its chaincode transaction name, against its baseline', () => {
    expect(report.operations.map((row) => row.name)).toEqual([
      'PostOffer',
      'GetOffer',
      'GetAccount',
      'Deposit',
      'AcceptOffer',
      'Settle',
    ]);
    for (const row of report.operations) {
      expect(ESTP_TRANSACTIONS.has(row.name)).toBe(true);
      expect(row.concurrency).toBe(4);
      expect(row.goodput).toBeGreaterThan(0);
      expect(row.p50Ms).toBeGreaterThan(0);
      expect(row.p95Ms).toBeGreaterThanOrEqual(row.p50Ms);
      for (const count of Object.values(row.failures))
        expect(Number.isInteger(count) && count > 0).toBe(true);
      const baseline = row.baseline!;
      expect(BASELINE_TRANSACTIONS.has(baseline.name)).toBe(true);
      expect(baseline.goodput).toBeGreaterThan(0);
      expect(row.ratio).toBe(Math.round((row.goodput / baseline.goodput) * 100) / 100);
    }
  });

  test('clears a small market to the end', () => {
    expect(report.clearing).toEqual([
      expect.objectContaining({ name: 'ClearMarket', offers: 10 }) as unknown,
    ]);
    const [clear] = report.clearing;
    expect(clear!.transactions).toBeGreaterThanOrEqual(1);
    expect(clear!.trades).toBeGreaterThan(0);
    expect(clear!.p50Ms).toBeGreaterThan(0);
    // The network's processes did the clearing's work: peers and chaincode services used CPU.
    expect(clear!.cpuMsPerTrade['peer']).toBeGreaterThan(0);
    expect(clear!.cpuMsPerTrade['chaincode']).toBeGreaterThan(0);
    expect(clear!.machineBusy).toBeGreaterThan(0);
  });

  test("says how large the ledger it measured was: a peer's state database", () => {
    // Found under .fabric/orgs/<org>/<peer>/ledgersData: 0 would mean the path is wrong.
    expect(report.stateDb.startMb).toBeGreaterThan(0);
    expect(report.stateDb.endMb).toBeGreaterThan(0);
    expect(report.clearing[0]!.stateDbMb).toBeGreaterThan(0);
  });

  test('keeps the same report in bench-results/', () => {
    const file = path.join(ROOT, 'bench-results', `ledger-${report.started.replace(/[:.]/g, '-')}.json`);
    expect(run.err).toContain(`results: ${path.relative(ROOT, file)}`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report);
  });
});
