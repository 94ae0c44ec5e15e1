// Builds the dashboard into application/dist/dashboard (run by `npm run build`): one bundle per
// page with esbuild — Preact and every string included, nothing fetched at run time — and the
// pages' HTML. The web service serves the directory (application/src/web/static.ts).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'dashboard');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const started = Date.now();
const result = await build({
  entryPoints: { app: join(here, 'src', 'main.tsx'), docs: join(here, 'src', 'docs.tsx') },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: 'linked',
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
for (const page of ['index.html', 'docs.html']) copyFileSync(join(here, 'src', page), join(out, page));
const bytes = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, info]) => `${file.split('/').pop()} ${(info.bytes / 1024).toFixed(1)} KiB`);
console.log(`dashboard built in ${Date.now() - started} ms: ${bytes.join(', ')}`);
