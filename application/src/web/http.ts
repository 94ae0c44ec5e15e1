/**
 * HTTP plumbing of the web service on Node's own `http` module: errors as HTTP statuses, JSON
 * bodies with a size limit, and a small router with path parameters.
 *
 * Every error answer has one shape, `{"error":{"code","message","transactionId"?}}`, the CLI's
 * `--json` error line without the exit code. A client's mistake is always a 4xx with an `ESTP_*`
 * code; 5xx means the service or the network failed (docs/web.md lists the codes).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ChaincodeError,
  CommitFailedError,
  ConfigError,
  EstpClientError,
  UnavailableError,
  UsageError,
  type ChaincodeErrorCode,
} from '../gateway/errors';
import type { ErrorAnswer } from './api-types';

/** An error the web layer raises itself, with its HTTP status and `ESTP_*` code. */
export class WebError extends Error {
  readonly status: number;
  readonly code: string;
  /** Extra response headers, e.g. `Allow` on a 405 or `WWW-Authenticate` on a 401. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'WebError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

/** 400: the request itself is malformed (bad JSON, a query parameter of the wrong type). */
export function invalidInput(message: string): WebError {
  return new WebError(400, 'ESTP_INVALID_INPUT', message);
}

/**
 * HTTP status of each chaincode error code (typed by the codes' one list, so a new code does not
 * build until it has one). 409 means "refused by the ledger's current state": the same request may
 * succeed later (TOO_EARLY; BAD_TIMESTAMP, whose retry carries a new timestamp), never
 * (ALREADY_EXISTS: a retry of a committed submission), or after another transaction
 * (INSUFFICIENT_FUNDS); LIMIT_EXCEEDED is a documented bound of the ledger (docs/trust.md).
 */
export const CHAINCODE_STATUS: Readonly<Record<ChaincodeErrorCode, number>> = {
  ESTP_INVALID_INPUT: 400,
  ESTP_FORBIDDEN: 403,
  ESTP_NOT_FOUND: 404,
  ESTP_ALREADY_EXISTS: 409,
  ESTP_ILLEGAL_STATE: 409,
  ESTP_INSUFFICIENT_FUNDS: 409,
  ESTP_TOO_EARLY: 409,
  ESTP_TOO_LATE: 409,
  ESTP_BAD_TIMESTAMP: 409,
  ESTP_LIMIT_EXCEEDED: 409,
};

/** What to answer for a thrown value; `internal` when it is a bug or a server-side problem to log. */
export interface HttpFailure {
  readonly status: number;
  readonly body: ErrorAnswer;
  readonly headers: Readonly<Record<string, string>>;
  readonly internal: boolean;
}

function failure(
  status: number,
  code: string,
  message: string,
  transactionId?: string,
  headers: Record<string, string> = {},
): HttpFailure {
  return {
    status,
    body: { error: { code, message, ...(transactionId === undefined ? {} : { transactionId }) } },
    headers,
    internal: status >= 500,
  };
}

/** Translates anything thrown while answering a request into its HTTP answer. */
export function httpFailureOf(error: unknown): HttpFailure {
  if (error instanceof WebError)
    return failure(error.status, error.code, error.message, undefined, error.headers);
  if (error instanceof ChaincodeError) {
    // A code outside the list (CHAINCODE_ERROR: no ESTP code) means the chaincode failed: 502.
    const status = (CHAINCODE_STATUS as Readonly<Record<string, number>>)[error.code] ?? 502;
    return failure(status, error.code, error.message, error.transactionId);
  }
  if (error instanceof UsageError) return failure(400, 'ESTP_INVALID_INPUT', error.message);
  if (error instanceof CommitFailedError) {
    // Invalidated (e.g. MVCC_READ_CONFLICT after the client's resubmissions): nothing changed.
    return failure(409, error.code, error.message, error.transactionId);
  }
  if (error instanceof UnavailableError) {
    // Every peer of the org at its concurrency limit: nothing was done, the same request soon will.
    if (error.code === 'RESOURCE_EXHAUSTED') {
      return failure(503, error.code, error.message, error.transactionId, { 'Retry-After': '1' });
    }
    const timeout = error.code === 'DEADLINE_EXCEEDED' || error.code === 'COMMIT_STATUS_UNKNOWN';
    const status = timeout ? 504 : error.code === 'ENDORSEMENT_FAILED' ? 502 : 503;
    return failure(status, error.code, error.message, error.transactionId);
  }
  if (error instanceof ConfigError) {
    // The service's own identity or connection is unusable: not the client's doing, and the
    // details (file paths) stay in the service's log.
    return failure(500, error.code, 'the identity of this API key is not usable; see the service log');
  }
  if (error instanceof EstpClientError) return failure(500, error.code, error.message);
  return failure(500, 'INTERNAL', 'internal error; see the service log');
}

/** Security headers of every answer. */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** Sends a JSON answer; `body` may be ready JSON text (the chaincode's canonical JSON). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Sends any other answer (CSV, HTML, files). */
export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Readonly<Record<string, string>> = {},
): void {
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Sends the answer for a thrown value. */
export function sendFailure(res: ServerResponse, answer: HttpFailure): void {
  sendJson(res, answer.status, answer.body, answer.headers);
}

/** Largest JSON body of a transaction (the chaincode itself takes at most 64 KiB of input). */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Reads a JSON request body.
 * @throws {WebError} 415 when it is not `application/json`, 413 when larger than `limit`, 400 when
 *   it is not valid JSON.
 */
export async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json') {
    throw new WebError(
      415,
      'ESTP_UNSUPPORTED_MEDIA_TYPE',
      'the body must be JSON (Content-Type: application/json)',
    );
  }
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw invalidInput(`the body is not valid JSON: ${(cause as Error).message}`);
  }
}

function tooLarge(limit: number): WebError {
  return new WebError(413, 'ESTP_PAYLOAD_TOO_LARGE', `the body must be at most ${limit} bytes`);
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The methods the service answers. HEAD is answered as GET without a body by Node. */
export type Method = 'GET' | 'POST';

/** A matched route's path parameters, decoded. */
export type PathParams = Readonly<Record<string, string>>;

/** One route: a method, a path pattern (`/api/markets/:id`, `/api/trades/*id` for the rest). */
export interface RouteSpec<Context> {
  readonly method: Method;
  readonly path: string;
  readonly handle: (context: Context, params: PathParams) => void | Promise<void>;
}

interface CompiledRoute<Context> extends RouteSpec<Context> {
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile<Context>(route: RouteSpec<Context>): CompiledRoute<Context> {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) {
        names.push(segment.slice(1));
        return '([^/]+)';
      }
      if (segment.startsWith('*')) {
        names.push(segment.slice(1));
        return '(.+)';
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), names };
}

/** The route for a request, or why there is none (404, or 405 with the allowed methods). */
export type RouteMatch<Context> =
  | { readonly route: RouteSpec<Context>; readonly params: PathParams }
  | { readonly route: undefined; readonly allowed: readonly Method[] };

/** Routes matched in the order given. */
export class Router<Context> {
  readonly #routes: readonly CompiledRoute<Context>[];

  constructor(routes: readonly RouteSpec<Context>[]) {
    this.#routes = routes.map(compile);
  }

  /**
   * The route of `method` and `path` (the URL's path, still percent-encoded).
   * @throws {WebError} 400 when a path parameter is not valid percent-encoding.
   */
  match(method: string, path: string): RouteMatch<Context> {
    const allowed = new Set<Method>();
    for (const route of this.#routes) {
      const found = route.pattern.exec(path);
      if (!found) continue;
      if (route.method !== method && !(method === 'HEAD' && route.method === 'GET')) {
        allowed.add(route.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [index, name] of route.names.entries()) {
        try {
          params[name] = decodeURIComponent(found[index + 1] ?? '');
        } catch {
          throw invalidInput(`the path parameter ${name} is not valid percent-encoding`);
        }
      }
      return { route, params };
    }
    return { route: undefined, allowed: [...allowed] };
  }
}
