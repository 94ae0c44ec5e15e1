/**
 * Transactions over HTTP: `GET|POST /api/tx/<Contract>/<Transaction>` for every transaction of the
 * catalogue, and resource-style aliases (`/api/markets/{marketId}/offers`, …) that map onto the same
 * transactions with path parameters as input fields.
 *
 * Queries are GET (input from the query string, read as declared, or `?input=<json>`; `?all=true`
 * follows every page of a list), submissions POST (the chaincode's JSON input as the body). A
 * submission answers `{ result, transactionId, blockNumber, attempts }`. Submissions are idempotent
 * through the client-chosen IDs the inputs carry (offerId, reference, acceptId, …): a retry of a
 * committed submission is refused with 409 `ESTP_ALREADY_EXISTS` and changes nothing, and a 504
 * `COMMIT_STATUS_UNKNOWN` is safe to retry with the same ID.
 */
import { performance } from 'node:perf_hooks';
import type { Page } from '@estp/chaincode';
import { type EstpClient, parseResult } from '../gateway/client';
import { pagesOf } from '../gateway/transactions';
import type { SubmitAnswer } from './api-types';
import { type CatalogTransaction, catalogEntry, transactionsOf } from './catalog';
import type { RequestContext, Route } from './context';
import { invalidInput, isJsonObject, type Method, readJson, sendJson, WebError } from './http';
import { inputFromQuery } from './query';

/** Most records `?all=true` collects (then the answer's bookmark is not empty). */
export const MAX_ALL_RECORDS = 10_000;
const PAGE_SIZE = 200;
/** The body field carrying transient data (base64 per key); `$` keeps it apart from input fields. */
export const TRANSIENT_FIELD = '$transient';

/** A resource-style alias of a catalogue transaction. */
export interface Alias {
  readonly method: Method;
  /** Path with `:name` (one segment) or `*name` (the rest, for IDs with slashes) parameters. */
  readonly path: string;
  readonly contract: string;
  readonly transaction: string;
}

/** The aliases; each path parameter is the input field of the same name. */
export const ALIASES: readonly Alias[] = [
  { method: 'GET', path: '/api/organisations', contract: 'Consortium', transaction: 'ListOrganisations' },
  {
    method: 'GET',
    path: '/api/organisations/:mspId',
    contract: 'Consortium',
    transaction: 'GetOrganisation',
  },
  { method: 'GET', path: '/api/participants', contract: 'Participant', transaction: 'List' },
  { method: 'GET', path: '/api/participants/me', contract: 'Participant', transaction: 'Self' },
  { method: 'GET', path: '/api/participants/:id', contract: 'Participant', transaction: 'Get' },
  { method: 'GET', path: '/api/markets', contract: 'Market', transaction: 'ListMarkets' },
  { method: 'GET', path: '/api/markets/:marketId/offers', contract: 'Market', transaction: 'ListOffers' },
  { method: 'POST', path: '/api/markets/:marketId/offers', contract: 'Market', transaction: 'PostOffer' },
  { method: 'POST', path: '/api/markets/:marketId/clear', contract: 'Market', transaction: 'ClearMarket' },
  { method: 'GET', path: '/api/offers/*id', contract: 'Market', transaction: 'GetOffer' },
  { method: 'GET', path: '/api/trades', contract: 'Settlement', transaction: 'ListTrades' },
  { method: 'GET', path: '/api/trades/*tradeId', contract: 'Settlement', transaction: 'GetTrade' },
  { method: 'GET', path: '/api/accounts/me', contract: 'Settlement', transaction: 'GetAccount' },
  { method: 'GET', path: '/api/accounts/:participantId', contract: 'Settlement', transaction: 'GetAccount' },
  { method: 'GET', path: '/api/disputes', contract: 'Dispute', transaction: 'List' },
  { method: 'GET', path: '/api/disputes/*tradeId', contract: 'Dispute', transaction: 'Get' },
  { method: 'GET', path: '/api/totals', contract: 'Audit', transaction: 'Totals' },
];

/** The catalogue entry of an alias (the table above names only catalogue transactions). */
export function aliasEntry(alias: Alias): CatalogTransaction {
  const entry = catalogEntry(alias.contract, alias.transaction);
  if (!entry)
    throw new Error(`alias ${alias.path} names unknown transaction ${alias.contract}:${alias.transaction}`);
  return entry;
}

/** The method a transaction is called with. */
export function methodOf(entry: CatalogTransaction): Method {
  return entry.kind === 'evaluate' ? 'GET' : 'POST';
}

function withPathFields(
  input: Record<string, unknown>,
  params: Readonly<Record<string, string>>,
): Record<string, unknown> {
  for (const [name, value] of Object.entries(params)) {
    const given = input[name];
    if (given !== undefined && given !== value) {
      throw invalidInput(`${name} is "${value}" in the path but ${JSON.stringify(given)} in the input`);
    }
    input[name] = value;
  }
  return input;
}

/**
 * Every page of a list query, at most `maxRecords` records (then the answer's bookmark is where
 * they stopped; empty when the list was read to its end).
 */
export async function everyPage(
  client: EstpClient,
  entry: CatalogTransaction,
  input: Record<string, unknown>,
  maxRecords = MAX_ALL_RECORDS,
): Promise<Page<unknown>> {
  const records: unknown[] = [];
  let bookmark = '';
  const pages = pagesOf(async (next) => {
    const page = { ...input, pageSize: PAGE_SIZE, ...(next === undefined ? {} : { bookmark: next }) };
    return parseResult(await client.evaluateText(entry.contract, entry.transaction, page)) as Page<unknown>;
  });
  for await (const page of pages) {
    records.push(...page.records);
    bookmark = page.bookmark;
    if (records.length >= maxRecords) break;
  }
  return { records, bookmark };
}

/** Evaluates a query as the caller and sends the chaincode's JSON (or every page with `all`). */
async function answerQuery(
  context: RequestContext,
  entry: CatalogTransaction,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const all = context.query.get('all');
  if (all !== null && (!entry.paginated || (all !== 'true' && all !== 'false'))) {
    throw invalidInput(
      entry.paginated
        ? 'query parameter all must be true or false'
        : `${entry.transaction} is not a list: no all`,
    );
  }
  const reserved = new Set(entry.paginated ? ['all'] : []);
  const input = withPathFields(inputFromQuery(context.query, entry, reserved), params);
  const client = await context.caller().client();
  if (all === 'true') {
    sendJson(context.res, 200, await everyPage(client, entry, input));
    return;
  }
  const called = performance.now();
  const text = await client.evaluateText(entry.contract, entry.transaction, input);
  const timing = context.serverTiming(performance.now() - called);
  sendJson(context.res, 200, text.trim() === '' ? 'null' : text, { 'Server-Timing': timing });
}

/** Splits a submission body into the input and its transient data (base64 values). */
function transientOf(
  entry: CatalogTransaction,
  body: Record<string, unknown>,
): { input: Record<string, unknown>; transient: Record<string, Uint8Array> | undefined } {
  const { [TRANSIENT_FIELD]: raw, ...input } = body;
  if (raw === undefined) return { input, transient: undefined };
  if (!isJsonObject(raw)) throw invalidInput(`${TRANSIENT_FIELD} must be an object of base64 values`);
  const known = new Set(entry.transient.map((item) => item.key));
  const transient: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!known.has(key)) {
      const allowed = [...known].join(', ') || 'none';
      throw invalidInput(
        `${TRANSIENT_FIELD}.${key}: ${entry.contract}:${entry.transaction} takes no such transient data (known: ${allowed})`,
      );
    }
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) {
      throw invalidInput(`${TRANSIENT_FIELD}.${key} must be base64 text`);
    }
    transient[key] = Buffer.from(value, 'base64');
  }
  return { input, transient };
}

/** Submits a transaction as the caller and sends `{ result, transactionId, blockNumber, attempts }`. */
async function answerSubmit(
  context: RequestContext,
  entry: CatalogTransaction,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const caller = context.caller();
  caller.requireWrite();
  const body = await readJson(context.req);
  if (!isJsonObject(body)) throw invalidInput('the body must be the transaction input, a JSON object ({…})');
  const { input, transient } = transientOf(entry, body);
  const client = await caller.client();
  // The gateway does not pass transient data to other orgs' peers unless told which may see it.
  const called = performance.now();
  const result = await client.submitText(entry.contract, entry.transaction, withPathFields(input, params), {
    ...(transient ? { transient, endorsingOrganizations: client.majorityEndorsers() } : {}),
  });
  const answer: SubmitAnswer = {
    result: parseResult(result.text),
    transactionId: result.transactionId,
    blockNumber: Number(result.blockNumber),
    attempts: result.attempts,
  };
  sendJson(context.res, 200, answer, {
    'ESTP-Transaction-Id': result.transactionId,
    'Server-Timing': context.serverTiming(performance.now() - called),
  });
}

/** Answers a catalogue transaction called with its method. */
export function answerTransaction(
  context: RequestContext,
  entry: CatalogTransaction,
  params: Readonly<Record<string, string>> = {},
): Promise<void> {
  return entry.kind === 'evaluate'
    ? answerQuery(context, entry, params)
    : answerSubmit(context, entry, params);
}

/** `/api/tx/:contract/:transaction`: 404 for an unknown name, 405 for the wrong method. */
async function genericTransaction(
  context: RequestContext,
  params: Readonly<Record<string, string>>,
): Promise<void> {
  const contract = params['contract'] ?? '';
  const transaction = params['transaction'] ?? '';
  const entry = catalogEntry(contract, transaction);
  if (!entry) {
    const known = transactionsOf(contract).map((candidate) => candidate.transaction);
    throw new WebError(
      404,
      'ESTP_NO_ROUTE',
      known.length > 0
        ? `${contract} has no transaction "${transaction}" (known: ${known.join(', ')})`
        : `no contract "${contract}" (names are case-sensitive, e.g. Market, Settlement)`,
    );
  }
  const method = methodOf(entry);
  if (context.req.method !== method && !(method === 'GET' && context.req.method === 'HEAD')) {
    throw new WebError(
      405,
      'ESTP_METHOD_NOT_ALLOWED',
      `${contract}:${transaction} is ${entry.kind === 'evaluate' ? 'a query: use GET' : 'a submission: use POST'}`,
      { Allow: method },
    );
  }
  await answerTransaction(context, entry, {});
}

/** The transaction routes: the generic ones and the aliases. */
export function transactionRoutes(): Route[] {
  const generic: Route[] = (['GET', 'POST'] as const).map((method) => ({
    method,
    path: '/api/tx/:contract/:transaction',
    handle: genericTransaction,
  }));
  const aliases: Route[] = ALIASES.map((alias) => {
    const entry = aliasEntry(alias);
    return {
      method: alias.method,
      path: alias.path,
      handle: (context, params) => answerTransaction(context, entry, params),
    };
  });
  return [...generic, ...aliases];
}
