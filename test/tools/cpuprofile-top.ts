/**
 * Summarises V8 .cpuprofile files (node --cpu-prof, or the services' ESTP_CHAINCODE_CPU_PROFILE):
 * self time by source (package or project file) and the heaviest functions, so two profiles can be
 * compared as text. Several files are summed (the six `estp` services of a network); `--last <s>`
 * keeps each profile's last seconds only — a service writes its profile when stopped, so stopping
 * it right after a benchmark step leaves that step at the profile's end.
 * Run: `node -r ts-node/register/transpile-only test/tools/cpuprofile-top.ts [--last <s>] [--top <n>]
 * <file.cpuprofile>...`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  /** Microseconds of the profiler's clock. */
  endTime: number;
  startTime: number;
  samples: number[];
  /** Microseconds from the previous sample (from startTime for the first). */
  timeDeltas: number[];
}

function sourceOf(url: string): string {
  if (!url) return '(native/gc/idle)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(url);
  if (modules) return `${modules[1]}/${modules[2]!.split('/').slice(0, 2).join('/')}`;
  const project = /\/(chaincode|test)\/(.*)$/.exec(url);
  if (project) return `${project[1]}/${project[2]}`;
  if (url.startsWith('node:')) return url;
  return url;
}

const { values, positionals: files } = parseArgs({
  options: { last: { type: 'string' }, top: { type: 'string', default: '25' } },
  allowPositionals: true,
});
if (files.length === 0) {
  throw new Error('usage: cpuprofile-top.ts [--last <seconds>] [--top <n>] <file.cpuprofile>...');
}
const lastUs = values.last === undefined ? Infinity : Number(values.last) * 1e6;
const top = Number(values.top);

let total = 0;
const bySource = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const from = profile.endTime - lastUs;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    at += us;
    if (at < from) return;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') return;
    total += us;
    const source = sourceOf(url) || functionName;
    bySource.set(source, (bySource.get(source) ?? 0) + us);
    const fn = `${functionName || '(anonymous)'} ${sourceOf(url)}:${lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  });
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
console.log(`busy ${(total / 1000).toFixed(0)} ms (idle and (program) excluded)\n\nself time by source:`);
for (const [source, us] of [...bySource].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(us)}  ${source}`);
}
console.log('\nself time by function:');
for (const [fn, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${pct(us)}  ${fn}`);
}
