/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time by source (package or project file) and
 * the heaviest functions, so two profiles can be compared as text.
 * Run: `node -r ts-node/register/transpile-only test/tools/cpuprofile-top.ts <file.cpuprofile> [top]`
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
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

const [file, topArg] = process.argv.slice(2);
if (!file) throw new Error('usage: cpuprofile-top.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const top = Number(topArg ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let total = 0;
const bySource = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, us] of self) {
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') continue;
  total += us;
  const source = sourceOf(url) || functionName;
  bySource.set(source, (bySource.get(source) ?? 0) + us);
  const fn = `${functionName || '(anonymous)'} ${sourceOf(url)}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
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
