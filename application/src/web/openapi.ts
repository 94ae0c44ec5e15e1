/**
 * The OpenAPI 3 document of the web service (`GET /api/openapi.json`, browsed at `/api/docs`).
 * Transaction operations and their aliases are generated from the catalogue (catalog.ts), so the
 * document lists exactly what the routes serve; the service's own routes are described here.
 */
import type {
  JsonSchema,
  OpenApiDocument,
  OpenApiOperation as Operation,
  OpenApiParameter as Parameter,
} from './api-types';
import { CATALOG, type CatalogTransaction, catalogEntry } from './catalog';
import { MAX_STREAMS } from './events';
import { MAX_BATCH } from './meter';
import { ALIASES, aliasEntry, MAX_ALL_RECORDS, methodOf, TRANSIENT_FIELD } from './transactions';

const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: {
          type: 'string',
          description:
            'ESTP_* for client errors, e.g. ESTP_NOT_FOUND; UNAVAILABLE, COMMIT_STATUS_UNKNOWN, … for the network',
        },
        message: { type: 'string' },
        transactionId: { type: 'string' },
      },
    },
  },
};

function errors(...statuses: number[]): Record<string, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [String(status), { $ref: '#/components/responses/Error' }]),
  );
}

/** The errors of a transaction (docs/web.md explains each status). */
const ERROR_RESPONSES = errors(400, 401, 403, 404, 409, 502, 503, 504);

const JSON_ANY = { 'application/json': { schema: {} } };

const SUBMITTED: JsonSchema = {
  type: 'object',
  required: ['result', 'transactionId', 'blockNumber', 'attempts'],
  properties: {
    result: { description: "the chaincode's result" },
    transactionId: { type: 'string' },
    blockNumber: { type: 'integer' },
    attempts: { type: 'integer', description: 'submissions it took (more than 1 after MVCC conflicts)' },
  },
};

function pathParameters(path: string): string[] {
  return [...path.matchAll(/[:*]([A-Za-z]+)/g)].map((match) => match[1] ?? '');
}

/** `/api/markets/:marketId` → `/api/markets/{marketId}`. */
export function openApiPath(path: string): string {
  return path.replace(/[:*]([A-Za-z]+)/g, '{$1}');
}

/** The schema without the fields a path carries (and without its example, which names them). */
function withoutFields(schema: JsonSchema, names: readonly string[]): JsonSchema {
  if (names.length === 0) return schema;
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).filter(([name]) => !names.includes(name)),
  );
  const required = (schema.required ?? []).filter((name) => !names.includes(name));
  const { examples: _examples, ...rest } = schema;
  return { ...rest, properties, required };
}

/** What the declaration says it answers and fails with, for the operation's description. */
function outcomes(entry: CatalogTransaction): string {
  const errors = Object.entries(entry.errors).map(([code, when]) =>
    when === '' ? code : `${code} (${when})`,
  );
  return `Answers ${entry.result}. Fails with ESTP_INVALID_INPUT naming the field${errors.length > 0 ? `, ${errors.join('; ')}` : ''}.`;
}

function transactionOperation(
  entry: CatalogTransaction,
  operationId: string,
  pathFields: readonly string[],
): Operation {
  const input = withoutFields(entry.input, pathFields);
  const parameters: Parameter[] = pathFields.map((name) => ({
    name,
    in: 'path',
    required: true,
    description: entry.input.properties?.[name]?.description ?? name,
    schema: { type: 'string' },
  }));
  const summary = `${entry.contract}:${entry.transaction} — ${entry.description}`;
  if (entry.kind === 'evaluate') {
    for (const [name, schema] of Object.entries(input.properties ?? {})) {
      parameters.push({
        name,
        in: 'query',
        required: (input.required ?? []).includes(name),
        description: schema.description ?? name,
        schema,
      });
    }
    parameters.push({
      name: 'input',
      in: 'query',
      description: 'the whole input as JSON (other parameters extend it)',
      content: { 'application/json': { schema: input } },
    });
    if (entry.paginated) {
      parameters.push({
        name: 'all',
        in: 'query',
        description: `true: follow every page (at most ${MAX_ALL_RECORDS} records)`,
        schema: { type: 'boolean' },
      });
    }
    return {
      operationId,
      summary,
      description: outcomes(entry),
      tags: [entry.contract],
      parameters,
      responses: {
        200: { description: entry.result, content: JSON_ANY },
        ...ERROR_RESPONSES,
      },
    };
  }
  const transient =
    entry.transient.length === 0
      ? {}
      : {
          [TRANSIENT_FIELD]: {
            type: 'object',
            description: 'transient data (not recorded on the ledger), base64 per key',
            properties: Object.fromEntries(
              entry.transient.map((item) => [
                item.key,
                { type: 'string', contentEncoding: 'base64', description: item.description },
              ]),
            ),
            required: entry.transient.filter((item) => item.required).map((item) => item.key),
          } satisfies JsonSchema,
        };
  return {
    operationId,
    summary,
    description: `${outcomes(entry)} Idempotent through the input’s client-chosen IDs: a retry of a committed submission is refused with 409 ESTP_ALREADY_EXISTS.`,
    tags: [entry.contract],
    parameters,
    requestBody: {
      required: (input.required ?? []).length > 0,
      content: {
        'application/json': { schema: { ...input, properties: { ...input.properties, ...transient } } },
      },
    },
    responses: {
      200: {
        description: `committed; result: ${entry.result}`,
        content: { 'application/json': { schema: SUBMITTED } },
      },
      ...ERROR_RESPONSES,
    },
  };
}

function operation(
  summary: string,
  tag: string,
  fields: Partial<Operation> & { operationId: string },
): Operation {
  return {
    summary,
    tags: [tag],
    responses: { 200: { description: 'ok', content: JSON_ANY }, ...errors(400, 401, 403, 503) },
    ...fields,
  };
}

function query(name: string, description: string, schema: JsonSchema = { type: 'string' }): Parameter {
  return { name, in: 'query', description, schema };
}

/** The service's own routes. */
function serviceOperations(): Record<string, Record<string, Operation>> {
  const time = 'ms since the epoch or ISO-8601';
  return {
    '/api/health': {
      get: operation('the service: its org, channel and money display settings (no key needed)', 'Service', {
        operationId: 'health',
        security: [],
      }),
    },
    '/api/me': {
      get: operation(
        'the caller: participant ID, roles from the certificate, key, participant record',
        'Service',
        { operationId: 'me' },
      ),
    },
    '/api/chain': {
      get: operation(
        "chain health: the channel's height on every org's peer, the last verification",
        'Audit',
        { operationId: 'chain' },
      ),
    },
    '/api/markets/{marketId}': {
      get: operation('a market with its clearing result, trades and order-book depth per side', 'Market', {
        operationId: 'marketView',
        parameters: [{ name: 'marketId', in: 'path', required: true, schema: { type: 'string' } }],
      }),
    },
    '/api/meter/reports': {
      post: operation(
        `meter gateway: up to ${MAX_BATCH} delivery reports (Settlement:ReportDelivery), each applied at most once`,
        'Meter',
        {
          operationId: 'meterReports',
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['reports'],
                  properties: {
                    reports: {
                      type: 'array',
                      items: catalogEntry('Settlement', 'ReportDelivery')?.input ?? {},
                    },
                  },
                },
              },
            },
          },
          responses: {
            200: {
              description: 'one result per report: applied | already-applied | rejected | failed',
              content: JSON_ANY,
            },
            ...errors(400, 401, 403, 413, 415),
          },
        },
      ),
    },
    '/api/events': {
      get: operation(
        'live ESTP chaincode events (Server-Sent Events); id = <block>:<txId>, resumable with Last-Event-ID',
        'Events',
        {
          operationId: 'events',
          parameters: [
            {
              name: 'Last-Event-ID',
              in: 'header',
              description: 'resume after this event',
              schema: { type: 'string' },
            },
            query('lastEventId', 'as Last-Event-ID, for clients that cannot set headers'),
            query('fromBlock', 'start at this block when not resuming (default: new events only)', {
              type: 'integer',
            }),
            query('prefix', 'only events whose name starts with it, e.g. estp.offer.'),
          ],
          responses: {
            200: {
              description: `an event stream (at most ${MAX_STREAMS} at once)`,
              content: { 'text/event-stream': { schema: { type: 'string' } } },
            },
            ...errors(400, 401, 503),
          },
        },
      ),
    },
    '/api/audit/history/{recordType}/{id}': {
      get: operation(
        'every version of a record with the transaction, block and signer behind it (admin, auditor)',
        'Audit',
        {
          operationId: 'auditHistory',
          parameters: [
            { name: 'recordType', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
            query('limit', 'most versions, newest first', { type: 'integer' }),
          ],
        },
      ),
    },
    '/api/audit/trades': {
      get: operation(
        'trades of a period (from, to), a market or a participant, every page; JSON or CSV',
        'Audit',
        {
          operationId: 'auditTrades',
          parameters: [
            query('from', time),
            query('to', time),
            query('marketId', 'a market'),
            query('participantId', 'a participant'),
            query('format', 'json (default) or csv'),
          ],
        },
      ),
    },
    '/api/audit/report': {
      get: operation(
        'the ledger report of a period, reconciled with Audit:Totals; CSV download (default) or JSON (admin, auditor)',
        'Audit',
        {
          operationId: 'auditReport',
          parameters: [
            query('from', `${time}; default the beginning`),
            query('to', `${time}; default now`),
            query('format', 'csv (default) or json'),
          ],
        },
      ),
    },
    '/api/audit/verify': {
      get: operation(
        'verify the chain; Accept: text/event-stream streams progress events, then the result',
        'Audit',
        {
          operationId: 'auditVerify',
          parameters: [
            query('from', 'first block', { type: 'integer' }),
            query('to', 'last block', { type: 'integer' }),
          ],
        },
      ),
    },
    '/api/search': {
      get: operation('a transaction by ID (64 hex digits) or any record by ID', 'Audit', {
        operationId: 'search',
        parameters: [query('q', 'transaction ID or record ID')],
      }),
    },
  };
}

/** The whole document. */
export function openApiDocument(version: string): OpenApiDocument {
  const paths: Record<string, Record<string, Operation>> = {};
  const add = (path: string, method: string, op: Operation): void => {
    paths[path] = { ...paths[path], [method]: op };
  };
  for (const entry of CATALOG) {
    add(
      `/api/tx/${entry.contract}/${entry.transaction}`,
      methodOf(entry).toLowerCase(),
      transactionOperation(entry, `${entry.contract}_${entry.transaction}`, []),
    );
  }
  for (const alias of ALIASES) {
    const entry = aliasEntry(alias);
    const id = `${alias.method.toLowerCase()}${openApiPath(alias.path)
      .replace(/^\/api/, '')
      .replace(/[{}]/g, '')
      .replace(/\/(\w)/g, (_, letter: string) => letter.toUpperCase())}`;
    add(
      openApiPath(alias.path),
      alias.method.toLowerCase(),
      transactionOperation(entry, id, pathParameters(alias.path)),
    );
  }
  for (const [path, operations] of Object.entries(serviceOperations())) {
    for (const [method, op] of Object.entries(operations)) add(path, method, op);
  }
  const contracts = [...new Set(CATALOG.map((entry) => entry.contract))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'ESTP web service',
      version,
      description:
        "One org's door to the ESTP ledger: every transaction at /api/tx/{Contract}/{Transaction} (queries GET, submissions POST), resource aliases, the meter gateway, live events and audit. Authenticate with an API key: Authorization: Bearer <key>.",
    },
    tags: [
      ...contracts.map((name) => ({ name, description: `${name} contract` })),
      { name: 'Meter', description: 'meter gateway' },
      { name: 'Events', description: 'live chaincode events' },
      { name: 'Service', description: 'the service itself' },
    ],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an API key from `estp api-key create`' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
      schemas: { Error: ERROR_SCHEMA },
      responses: {
        Error: {
          description: 'an error',
          headers: {
            'Retry-After': {
              description:
                'seconds to wait before the same request: with 503 RESOURCE_EXHAUSTED or ESTP_BUSY, 429 ESTP_BUSY',
              schema: { type: 'integer' },
            },
          },
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
    paths,
  };
}
