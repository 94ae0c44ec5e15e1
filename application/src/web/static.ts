/**
 * The dashboard's files, built by `npm run build` (application/dashboard/build.mjs bundles the
 * page with esbuild into `application/dist/dashboard/`) and served by the same process: `/` is the
 * dashboard, `/api/docs` the API documentation page, `/assets/<file>` their scripts and styles.
 * Everything is read once at startup; nothing is fetched from elsewhere at run time, and the pages'
 * Content-Security-Policy allows only this origin.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ConfigError } from '../gateway/errors';
import type { RequestContext, Route } from './context';
import { sendBody, sendJson, WebError } from './http';
import { openApiDocument } from './openapi';

/** Where `npm run build` puts the dashboard (application/dist/dashboard). */
export const DASHBOARD_DIR = path.resolve(__dirname, '..', '..', 'dist', 'dashboard');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Only this origin: scripts, styles, API calls; no framing, no inline script. */
const PAGE_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

interface StaticFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
}

/** Reads the built dashboard. @throws {ConfigError} when it has not been built. */
export function loadDashboard(dir: string = DASHBOARD_DIR): ReadonlyMap<string, StaticFile> {
  if (!existsSync(path.join(dir, 'index.html'))) {
    throw new ConfigError(
      `the dashboard is not built (no ${path.join(dir, 'index.html')}): run \`npm run build\``,
    );
  }
  const files = new Map<string, StaticFile>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(path.join(dir, name));
    files.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return files;
}

function serve(context: RequestContext, file: StaticFile | undefined): void {
  if (!file) throw new WebError(404, 'ESTP_NO_ROUTE', 'no such file');
  if (context.req.headers['if-none-match'] === file.etag) {
    context.res.writeHead(304, { ETag: file.etag });
    context.res.end();
    return;
  }
  sendBody(context.res, 200, file.type, file.body, {
    ETag: file.etag,
    'Cache-Control': 'no-cache',
    ...(file.type.startsWith('text/html')
      ? { 'Content-Security-Policy': PAGE_POLICY, 'X-Frame-Options': 'DENY' }
      : {}),
  });
}

/** The page, asset and API-document routes. */
export function staticRoutes(files: ReadonlyMap<string, StaticFile>, version: string): Route[] {
  const document = JSON.stringify(openApiDocument(version));
  const page = (context: RequestContext, name: string): void => {
    serve(context, files.get(name));
  };
  return [
    {
      method: 'GET',
      path: '/',
      handle: (context) => {
        page(context, 'index.html');
      },
    },
    {
      method: 'GET',
      path: '/index.html',
      handle: (context) => {
        page(context, 'index.html');
      },
    },
    {
      method: 'GET',
      path: '/api/docs',
      handle: (context) => {
        page(context, 'docs.html');
      },
    },
    {
      method: 'GET',
      path: '/assets/:file',
      handle: (context, params) => {
        page(context, (params['file'] ?? '').endsWith('.html') ? '' : (params['file'] ?? ''));
      },
    },
    {
      method: 'GET',
      path: '/api/openapi.json',
      handle: (context) => {
        sendJson(context.res, 200, document);
      },
    },
  ];
}
