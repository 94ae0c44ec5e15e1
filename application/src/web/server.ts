/**
 * The ESTP web service of one org (`estp serve --org O`, docs/web.md): the REST API over the
 * application library, its OpenAPI document, live events, the meter gateway, audit, and the
 * dashboard — one Node process on a loopback address.
 *
 * It holds only its own org's identities: API keys of the org's key file map to users of the org,
 * each acting through one gateway connection opened on first use and reused (identities.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientSettings } from '../gateway/settings';
import { ConfigError } from '../gateway/errors';
import { ApiKeyStore, apiKeysFile } from './api-keys';
import { auditRoutes } from './audit';
import { RequestContext, type Route, type ServiceState } from './context';
import { type DisplaySettings, displaySettings } from './display';
import { eventRoutes } from './events';
import { httpFailureOf, Router, sendFailure, WebError } from './http';
import { IdentityPool } from './identities';
import { marketViewRoutes } from './market-view';
import { meterRoutes } from './meter';
import { loadDashboard, staticRoutes } from './static';
import { statusRoutes } from './status';
import { transactionRoutes } from './transactions';

/**
 * The default port: `ESTP_WEB_PORT`, else the network's port base (`ESTP_PORT_BASE`, 7000) + 80.
 * @throws {ConfigError} when either is not a number.
 */
export function defaultWebPort(env: NodeJS.ProcessEnv = process.env): number {
  const number = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    if (!/^\d{1,5}$/.test(text)) throw new ConfigError(`${name} must be a port number, got "${text}"`);
    return Number(text);
  };
  return number('ESTP_WEB_PORT') ?? (number('ESTP_PORT_BASE') ?? 7000) + 80;
}

/** Options of {@link WebService.start}. */
export interface WebServiceOptions {
  /**
   * The org this service acts for: its profile, wallet and directory, as the library resolves them
   * (gateway/settings.ts's `resolveSettings`).
   */
  readonly settings: ClientSettings;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default {@link defaultWebPort}; 0 picks a free port. */
  readonly port?: number;
  /** The API key file (default: {@link apiKeysFile}). */
  readonly keysFile?: string;
  readonly display?: DisplaySettings;
  /** The built dashboard directory (default application/dist/dashboard). */
  readonly dashboardDir?: string;
  /** Where the service's log lines go (default stderr). */
  readonly log?: (line: string) => void;
  /** One log line per request. */
  readonly accessLog?: boolean;
  readonly version?: string;
}

/** A running web service. */
export class WebService {
  readonly url: string;
  readonly state: ServiceState;
  readonly #server: Server;
  readonly #shutdown: AbortController;

  private constructor(url: string, state: ServiceState, server: Server, shutdown: AbortController) {
    this.url = url;
    this.state = state;
    this.#server = server;
    this.#shutdown = shutdown;
  }

  /**
   * Loads the key file and the dashboard, then listens.
   * @throws {ConfigError} for a bad key file or an unbuilt dashboard; the listen error (EADDRINUSE).
   */
  static async start(options: WebServiceOptions): Promise<WebService> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    const shutdown = new AbortController();
    const { settings } = options;
    const keysFile = options.keysFile ?? apiKeysFile(settings);
    const state: ServiceState = {
      profile: settings.profile,
      org: settings.org,
      pool: new IdentityPool({ settings }),
      keys: new ApiKeyStore(keysFile, settings.org.mspId),
      display: options.display ?? displaySettings(),
      log,
      shutdown: shutdown.signal,
      lastVerify: undefined,
      verifying: false,
      streams: 0,
    };
    const routes: Route[] = [
      ...statusRoutes(),
      ...transactionRoutes(),
      ...marketViewRoutes(),
      ...meterRoutes(),
      ...eventRoutes(),
      ...auditRoutes(),
      ...staticRoutes(loadDashboard(options.dashboardDir), options.version ?? '0.1.0'),
    ];
    const router = new Router(routes);
    // No Nagle delay on small answers (Node's default, said out loud: latency is the point).
    const server = createServer({ noDelay: true }, (req, res) => {
      void answer(state, router, req, res, options.accessLog === true);
    });
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? defaultWebPort();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE' || error.code === 'EADDRNOTAVAIL' || error.code === 'EACCES'
            ? new ConfigError(
                `cannot listen on ${host}:${port} (${error.code}): is another service there? (--port, ESTP_WEB_PORT)`,
              )
            : error,
        );
      });
      server.listen(port, host, () => {
        server.removeAllListeners('error');
        resolve();
      });
    });
    const shownHost = host.includes(':') ? `[${host}]` : host;
    const url = `http://${shownHost}:${(server.address() as AddressInfo).port}/`;
    return new WebService(url, state, server, shutdown);
  }

  /**
   * Stops listening, ends event streams and verifications, and closes the service's gateway
   * connections (the shared gRPC clients close with their last user).
   */
  async close(): Promise<void> {
    this.#shutdown.abort();
    const closed = new Promise<void>((resolve) =>
      this.#server.close(() => {
        resolve();
      }),
    );
    this.#server.closeIdleConnections();
    await this.state.pool.close();
    const timer = setTimeout(() => {
      this.#server.closeAllConnections();
    }, 2_000);
    await closed;
    clearTimeout(timer);
  }
}

async function answer(
  state: ServiceState,
  router: Router<RequestContext>,
  req: IncomingMessage,
  res: ServerResponse,
  accessLog: boolean,
): Promise<void> {
  const started = process.hrtime.bigint();
  let context: RequestContext | undefined;
  try {
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    context = new RequestContext(state, req, res, url);
    const found = router.match(req.method ?? 'GET', url.pathname);
    if (!found.route) {
      if (found.allowed.length > 0) {
        throw new WebError(
          405,
          'ESTP_METHOD_NOT_ALLOWED',
          `${req.method ?? ''} is not allowed here: use ${found.allowed.join(' or ')}`,
          {
            Allow: found.allowed.join(', '),
          },
        );
      }
      throw new WebError(
        404,
        'ESTP_NO_ROUTE',
        `no route ${url.pathname} (the API is described at /api/docs)`,
      );
    }
    await found.route.handle(context, found.params);
  } catch (error) {
    const failure = httpFailureOf(error);
    if (failure.internal)
      state.log(
        `${req.method ?? ''} ${req.url ?? ''}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    if (!res.headersSent) sendFailure(res, failure);
    else res.end();
  } finally {
    if (accessLog) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const who = context?.authenticated?.participantId ?? '-';
      state.log(
        `${new Date().toISOString()} ${req.method ?? ''} ${req.url ?? ''} ${res.statusCode} ${ms.toFixed(1)}ms ${who}`,
      );
    }
  }
}
