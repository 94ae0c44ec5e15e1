/**
 * The soak (`npm run soak -- --minutes N`, docs/reliability.md#soak): for N minutes, members of the
 * three orgs post offers without pause (test/faults/support.ts Load) while the integration tests'
 * trading sequence runs over and over (new members, post, bilateral accept, call auction clearing,
 * dispute and ruling, meter reports, settlement, certificates). Each minute it samples the resident
 * memory and open file descriptors of every process of the network and prints goodput and
 * failures; at the end it reports each process's growth and runs the fault suites' end checks
 * (every acknowledged transaction on every peer, equal heights and last block hash, Audit:Totals
 * balanced, `estp audit verify` ok). The whole report is also written to .fabric/logs/soak.json.
 * Exits 1 when any submission or trading sequence failed or a check did not hold.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Clients, ensureArbiters, newRunTag, openElectricityMarket } from '../integration/support/estp';
import { tradingDay } from '../integration/support/trading';
import {
  checkLedgers,
  enrolMembers,
  FAULT_MEMBERS,
  Load,
  prepareMembers,
  runningProcesses,
  sleep,
} from '../faults/support';

const MINUTE = 60_000;
/**
 * The trading sequence's market windows, stretched: beside the offer load on a shared machine its
 * steps take several times longer than in the integration suites, and a report that misses a 8 s
 * deadline is the sequence's timing, not a fault of the network.
 */
const SOAK_PACE = 3;

function minutesArgument(argv: readonly string[]): number {
  const index = argv.indexOf('--minutes');
  const value = index === -1 ? '5' : argv[index + 1];
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 1) {
    console.error(`usage: npm run soak -- --minutes <N ≥ 1> (got ${String(value)})`);
    process.exit(2);
  }
  return minutes;
}

/** One process at one sample: resident memory (KiB) and open file descriptors. */
interface ProcessSample {
  readonly pid: number;
  readonly rssKb: number;
  readonly fds: number;
}

function sampleOf(pid: number): ProcessSample | undefined {
  try {
    const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { pid, rssKb: Number(rss?.[1] ?? 0), fds: readdirSync(`/proc/${pid}/fd`).length };
  } catch {
    return undefined;
  }
}

function sampleAll(): Map<string, ProcessSample> {
  return new Map(
    runningProcesses().flatMap(({ name, pid }) => {
      const sample = sampleOf(pid);
      return sample ? [[name, sample] as const] : [];
    }),
  );
}

const mb = (kb: number) => (kb / 1024).toFixed(0);

async function main(): Promise<number> {
  const minutes = minutesArgument(process.argv.slice(2));
  const run = newRunTag();
  await enrolMembers(FAULT_MEMBERS);
  const clients = new Clients();
  try {
    await prepareMembers(clients, FAULT_MEMBERS, run);
    // The trading sequence's dispute is ruled by neutral orgs' arbiters, who rule only as ACTIVE
    // participants: on a fresh network nothing else (the integration setup, the demo) made them so.
    await ensureArbiters(clients);
    const market = `${run}-SOAK`;
    await openElectricityMarket(clients, market, (minutes + 15) * MINUTE);
    await clients.sync();
    const load = await Load.of(clients, FAULT_MEMBERS, market, `${run}-soak`);

    const started = Date.now();
    const end = started + minutes * MINUTE;
    const samples: { minute: number; processes: Record<string, ProcessSample> }[] = [];
    const rounds = { completed: 0, failed: [] as string[] };
    const record = (minute: number) => {
      const processes = sampleAll();
      samples.push({ minute, processes: Object.fromEntries(processes) });
      const from = started + (minute - 1) * MINUTE;
      const rss = [...processes.values()].reduce((sum, p) => sum + p.rssKb, 0);
      const fds = [...processes.values()].reduce((sum, p) => sum + p.fds, 0);
      if (minute > 0) {
        console.log(
          `minute ${minute}: ${load.goodput(from, from + MINUTE).toFixed(1)} commits/s, ` +
            `${load.failuresIn(from, from + MINUTE).length} failures, ${rounds.completed} trading sequences (${rounds.failed.length} failed); ` +
            `${processes.size} processes: RSS ${mb(rss)} MiB, ${fds} fds`,
        );
      }
    };

    console.log(
      `soak: ${minutes} min, ${FAULT_MEMBERS.length} members posting offers + the trading sequence in a loop`,
    );
    record(0);
    load.start();
    const trading = (async () => {
      while (Date.now() < end) {
        try {
          await tradingDay(() => undefined, `${run}r${rounds.completed + rounds.failed.length}`, SOAK_PACE);
          rounds.completed += 1;
        } catch (error) {
          const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
          if (rounds.failed.length === 0) console.error(`soak: a trading sequence failed: ${reason}`);
          rounds.failed.push(reason);
          await sleep(1_000);
        }
      }
    })();
    for (let minute = 1; minute <= minutes; minute++) {
      await sleep(started + minute * MINUTE - Date.now());
      record(minute);
    }
    await load.stop();
    await trading;

    // Growth of each process between the first sample and the last (same pid: not restarted).
    const first = samples[0]!.processes;
    const last = samples[samples.length - 1]!.processes;
    const growth = Object.keys(first)
      .sort()
      .map((name) => {
        const a = first[name]!;
        const b = last[name];
        return {
          name,
          restarted: !b || b.pid !== a.pid,
          rssMb: [Number(mb(a.rssKb)), Number(mb(b?.rssKb ?? 0))],
          rssGrowthPct: b ? Math.round(((b.rssKb - a.rssKb) / a.rssKb) * 100) : null,
          fds: [a.fds, b?.fds ?? 0],
        };
      });
    console.log('process                 RSS MiB (first → last)   fds (first → last)');
    for (const row of growth) {
      console.log(
        `${row.name.padEnd(24)}${`${row.rssMb[0]} → ${row.rssMb[1]} (${row.rssGrowthPct ?? '?'} %)`.padEnd(25)}` +
          `${row.fds[0]} → ${row.fds[1]}${row.restarted ? '  RESTARTED' : ''}`,
      );
    }
    const elapsedS = (Date.now() - started) / 1000;
    const failureKinds = new Map<string, number>();
    for (const failure of load.failures)
      failureKinds.set(failure.error, (failureKinds.get(failure.error) ?? 0) + 1);
    console.log(
      `goodput ${(load.acks.length / elapsedS).toFixed(1)} commits/s of the offer load (${load.acks.length} in ${elapsedS.toFixed(0)} s), ` +
        `${load.failures.length} failures ${JSON.stringify(Object.fromEntries(failureKinds))}; ` +
        `${rounds.completed} trading sequences, ${rounds.failed.length} failed ${JSON.stringify(rounds.failed)}`,
    );
    const check = await checkLedgers(clients, load.acks);
    console.log(
      `end checks: ${check.acknowledged} acknowledged transactions VALID on all ${check.peers} peers at height ` +
        `${check.height}; Audit:Totals balanced; estp audit verify ok`,
    );
    writeFileSync(
      path.resolve(__dirname, '../../.fabric/logs/soak.json'),
      JSON.stringify(
        {
          minutes,
          acknowledged: load.acks.length,
          failures: load.failures.length,
          rounds,
          growth,
          samples,
          check,
        },
        null,
        2,
      ),
    );
    return load.failures.length === 0 && rounds.failed.length === 0 && !growth.some((row) => row.restarted)
      ? 0
      : 1;
  } finally {
    clients.closeAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
