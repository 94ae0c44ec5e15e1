/**
 * What the web service adds (`npm run bench:web`, docs/web.md): the latency of a query
 * (Market:GetMarket) and of a submission (Market:PostOffer) through REST against the same calls
 * through the application library, 8 in flight (8 Utility traders, one lane each, so submissions
 * never conflict), the CPU each costs, and the dashboard's first load in headless Chromium.
 *
 * The service runs as `estp serve` in its own process, as deployed; the library calls and the
 * REST client (node:http with keep-alive, as a lean client would) run in this process. Modes
 * alternate round by round so a change of the machine's load hits both alike. CPU per call — this
 * process's, and the service process's from /proc — does not depend on that load the way latency
 * does. Not a test: numbers depend on the machine. Options: ESTP_BENCH_QUERIES (per round,
 * default 400), ESTP_BENCH_SUBMITS (per round, default 96), ESTP_BENCH_ROUNDS (default 3).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';
import type { EstpClient } from '../../application/src/gateway/client';
import { addApiKey } from '../../application/src/web/api-keys';
import { ESTP_MAIN } from '../integration/support/cli';
import {
  Clients,
  ensureActive,
  newRunTag,
  openElectricityMarket,
  TREASURER,
} from '../integration/support/estp';
import globalSetup from '../integration/support/global-setup';
import { LOADERS, loadTraderProfile } from '../integration/support/identities';
import { CHROMIUM, CHROMIUM_FLAGS, webPort } from '../integration/support/web';

const QUERIES = Number(process.env['ESTP_BENCH_QUERIES'] ?? 400);
const SUBMITS = Number(process.env['ESTP_BENCH_SUBMITS'] ?? 96);
const ROUNDS = Number(process.env['ESTP_BENCH_ROUNDS'] ?? 3);
const IN_FLIGHT = 8;
const PAGE_LOADS = 5;
const RUN = newRunTag();
const clients = new Clients();
const dir = mkdtempSync(path.join(tmpdir(), 'estp-bench-web-'));
const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

type Op = 'query' | 'submit';
type Mode = 'library' | 'rest';

/** One lane: a trader with its library client and its API key. */
interface Lane {
  readonly client: EstpClient;
  readonly key: string;
}

/** What one (op, mode) collected over the rounds. */
interface Sample {
  readonly latencies: number[];
  /** CPU of this process, and of the service process, over the calls (ms). */
  cpu: number;
  serviceCpu: number;
  /** Server-Timing of each REST answer: the web layer's own time, the wait for the ledger (ms). */
  readonly web: number[];
  readonly ledger: number[];
}

const samples: Record<`${Op} ${Mode}`, Sample> = {
  'query library': { latencies: [], cpu: 0, serviceCpu: 0, web: [], ledger: [] },
  'query rest': { latencies: [], cpu: 0, serviceCpu: 0, web: [], ledger: [] },
  'submit library': { latencies: [], cpu: 0, serviceCpu: 0, web: [], ledger: [] },
  'submit rest': { latencies: [], cpu: 0, serviceCpu: 0, web: [], ledger: [] },
};

/** CPU time of a process from /proc (ms), or 0 where there is no /proc. */
function processCpuMs(pid: number | undefined): number {
  const file = `/proc/${pid ?? 0}/stat`;
  if (pid === undefined || !existsSync(file)) return 0;
  const fields = readFileSync(file, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms clock ticks
}

function stats(values: readonly number[]): { mean: number; p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { mean: sorted.reduce((sum, value) => sum + value, 0) / sorted.length, p50: at(0.5), p95: at(0.95) };
}

/** Runs `count` calls over the lanes, one at a time per lane, into `sample`. */
async function measure(
  lanes: readonly Lane[],
  count: number,
  sample: Sample | undefined,
  servicePid: number | undefined,
  call: (lane: Lane, n: number) => Promise<void>,
): Promise<void> {
  const cpu = process.cpuUsage();
  const serviceCpu = processCpuMs(servicePid);
  let next = 0;
  await Promise.all(
    lanes.map(async (lane) => {
      while (next < count) {
        const n = next++;
        const started = performance.now();
        await call(lane, n);
        sample?.latencies.push(performance.now() - started);
      }
    }),
  );
  if (!sample) return;
  const used = process.cpuUsage(cpu);
  sample.cpu += (used.user + used.system) / 1000;
  sample.serviceCpu += processCpuMs(servicePid) - serviceCpu;
}

const agent = new http.Agent({ keepAlive: true });

/** One REST call with node:http (keep-alive); records its Server-Timing. */
function rest(url: string, key: string, sample: Sample | undefined, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        agent,
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          JSON.parse(text);
          if (response.statusCode !== 200) {
            reject(new Error(`${url}: ${response.statusCode ?? '?'} ${text}`));
            return;
          }
          const timing = String(response.headers['server-timing'] ?? '');
          const web = /web;dur=([\d.]+)/.exec(timing)?.[1];
          const ledger = /ledger;dur=([\d.]+)/.exec(timing)?.[1];
          if (web !== undefined) sample?.web.push(Number(web));
          if (ledger !== undefined) sample?.ledger.push(Number(ledger));
          resolve();
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/** Starts `estp serve` for Utility and resolves with its URL, login key and process. */
function serve(keysFile: string): Promise<{ url: string; login: string; child: ChildProcess }> {
  const args = [
    'serve',
    '--org',
    'utility',
    '--port',
    String(webPort(3)),
    '--keys-file',
    keysFile,
    '--login',
    'auditor',
  ];
  const child = spawn(process.execPath, [ESTP_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /dashboard {2}(http:\/\/\S+)#key=(\S+)/.exec(output);
      if (match?.[1] && match[2]) resolve({ url: match[1], login: match[2], child });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      reject(new Error(`estp serve exited (${code ?? 'signal'}):\n${output}`));
    });
  });
}

/** The dashboard's first load in fresh browser contexts, to its markets table; ms each. */
async function pageLoads(url: string, key: string, marketId: string): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_FLAGS],
  });
  const times: number[] = [];
  try {
    for (let n = 0; n < PAGE_LOADS; n++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const started = performance.now();
      await page.goto(`${url}#key=${key}`);
      await page.locator(`tr[data-id="${marketId}"]`).waitFor();
      times.push(performance.now() - started);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return times;
}

function report(loads: readonly number[], single: Record<Mode, Sample>): string {
  const lines = [
    `web latency, ${IN_FLIGHT} in flight, ${ROUNDS} rounds`,
    'calls               n   mean ms   p50 ms   p95 ms   CPU ms/call (this process + service)',
  ];
  for (const [name, sample] of Object.entries(samples)) {
    const s = stats(sample.latencies);
    const n = sample.latencies.length;
    const cpu = `${(sample.cpu / n).toFixed(2)}${name.endsWith('rest') ? ` + ${(sample.serviceCpu / n).toFixed(2)}` : ''}`;
    lines.push(
      `${name.padEnd(15)} ${String(n).padStart(5)} ${s.mean.toFixed(1).padStart(9)} ${s.p50.toFixed(1).padStart(8)} ${s.p95.toFixed(1).padStart(8)}   ${cpu}`,
    );
  }
  for (const op of ['query', 'submit'] as const) {
    const library = samples[`${op} library`];
    const viaRest = samples[`${op} rest`];
    const libraryStats = stats(library.latencies);
    const restStats = stats(viaRest.latencies);
    const added = restStats.mean - libraryStats.mean;
    const addedP50 = restStats.p50 - libraryStats.p50;
    const web = stats(viaRest.web);
    const n = viaRest.latencies.length;
    const libraryCpu = library.cpu / library.latencies.length;
    lines.push(
      `${op}: REST adds ${added.toFixed(1)} ms = ${((added / libraryStats.mean) * 100).toFixed(1)} % of the library's mean ` +
        `(p50: ${addedP50.toFixed(1)} ms = ${((addedP50 / libraryStats.p50) * 100).toFixed(1)} %); ` +
        `the web layer's own time in the service (Server-Timing) mean ${web.mean.toFixed(2)} ms (p95 ${web.p95.toFixed(2)}) = ` +
        `${((web.mean / libraryStats.mean) * 100).toFixed(1)} %; the ledger call inside it mean ${stats(viaRest.ledger).mean.toFixed(1)} ms; ` +
        `CPU per call ${libraryCpu.toFixed(2)} ms (library) against ${((viaRest.cpu + viaRest.serviceCpu) / n).toFixed(2)} ms (client + service)`,
    );
  }
  const one = { library: stats(single.library.latencies), rest: stats(single.rest.latencies) };
  lines.push(
    `query one at a time: library mean ${one.library.mean.toFixed(1)} ms (p50 ${one.library.p50.toFixed(1)}), ` +
      `REST mean ${one.rest.mean.toFixed(1)} ms (p50 ${one.rest.p50.toFixed(1)}): REST adds ` +
      `${(one.rest.mean - one.library.mean).toFixed(1)} ms mean, ${(one.rest.p50 - one.library.p50).toFixed(1)} ms p50`,
  );
  const page = stats(loads);
  lines.push(
    `dashboard first load to the markets table, fresh browser context, ${PAGE_LOADS} loads: median ${page.p50.toFixed(0)} ms, ` +
      `mean ${page.mean.toFixed(0)} ms (${loads.map((ms) => ms.toFixed(0)).join(', ')})`,
    '',
  );
  return lines.join('\n');
}

let service: ChildProcess | undefined;

async function main(): Promise<void> {
  await globalSetup();
  const actors = LOADERS.filter((actor) => actor.org === 'utility').slice(0, IN_FLIGHT);
  const records = await Promise.all(
    actors.map((actor) => ensureActive(clients, actor, loadTraderProfile(actor))),
  );
  const treasurer = await clients.of(TREASURER);
  await Promise.all(
    records.map((record) =>
      treasurer.submit('Settlement', 'Deposit', {
        accountId: record.id,
        amount: 1_000_000,
        reference: `${RUN}-web`,
      }),
    ),
  );
  const marketId = `${RUN}-WEB-BENCH`;
  await openElectricityMarket(clients, marketId, 30 * 60_000);
  await clients.sync();

  const keysFile = path.join(dir, 'keys.json');
  const lanes: Lane[] = await Promise.all(
    actors.map(async (actor) => ({
      client: await clients.open(actor),
      key: addApiKey(keysFile, 'UtilityMSP', actor.user).key,
    })),
  );
  const served = await serve(keysFile);
  service = served.child;
  log(`service ${served.url} (pid ${service.pid ?? '?'}); ${lanes.length} lanes; market ${marketId}`);
  const queryUrl = `${served.url}api/tx/Market/GetMarket?marketId=${encodeURIComponent(marketId)}`;
  const offer = (mode: Mode, round: number, n: number) =>
    JSON.stringify({
      offerId: `${RUN}-${mode}-${round}-${n}`,
      marketId,
      side: 'BUY',
      quantityWh: 1_000,
      price: 10,
    });
  const calls: Record<
    Op,
    Record<Mode, (lane: Lane, sample: Sample | undefined, round: number, n: number) => Promise<void>>
  > = {
    query: {
      library: (lane) => lane.client.evaluateText('Market', 'GetMarket', { marketId }).then(() => undefined),
      rest: (lane, sample) => rest(queryUrl, lane.key, sample),
    },
    submit: {
      library: (lane, _sample, round, n) =>
        lane.client
          .submitText('Market', 'PostOffer', JSON.parse(offer('library', round, n)) as object)
          .then(() => undefined),
      rest: (lane, sample, round, n) =>
        rest(`${served.url}api/tx/Market/PostOffer`, lane.key, sample, offer('rest', round, n)),
    },
  };

  // Warm-up: every lane's connection, both ways.
  for (const mode of ['library', 'rest'] as const) {
    await measure(lanes, IN_FLIGHT * 10, undefined, undefined, (lane) =>
      calls.query[mode](lane, undefined, 0, 0),
    );
  }
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of round % 2 === 1 ? (['library', 'rest'] as const) : (['rest', 'library'] as const)) {
      for (const [op, count] of [
        ['query', QUERIES],
        ['submit', SUBMITS],
      ] as const) {
        const sample = samples[`${op} ${mode}`];
        await measure(lanes, count, sample, service.pid, (lane, n) =>
          calls[op][mode](lane, sample, round, n),
        );
      }
      log(`round ${round} ${mode} done`);
    }
  }
  // The same query one at a time: the hop's cost without queueing behind other calls.
  const single: Record<Mode, Sample> = {
    library: { latencies: [], cpu: 0, serviceCpu: 0, web: [], ledger: [] },
    rest: { latencies: [], cpu: 0, serviceCpu: 0, web: [], ledger: [] },
  };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const mode of round % 2 === 1 ? (['library', 'rest'] as const) : (['rest', 'library'] as const)) {
      await measure(lanes.slice(0, 1), QUERIES / 4, single[mode], service.pid, (lane) =>
        calls.query[mode](lane, single[mode], round, 0),
      );
    }
  }
  const loads = await pageLoads(served.url, served.login, marketId);
  process.stdout.write(report(loads, single));
}

main()
  .catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  })
  .finally(async () => {
    if (service && service.exitCode === null) {
      const exited = new Promise((resolve) => service?.once('exit', resolve));
      service.kill('SIGTERM');
      await exited;
    }
    agent.destroy();
    clients.closeAll();
    rmSync(dir, { recursive: true, force: true });
  });
