/**
 * The transaction catalogue of the REST API: every ESTP transaction with its kind (query or
 * submission), description and input schema, as JSON Schema.
 *
 * This is the web layer's ONE adapter to where transactions are declared. Today that is the CLI's
 * command table (cli/commands/*.ts: contract, transaction, evaluate/submit, fields with types and
 * descriptions); routes, query coercion and the OpenAPI document read this module only, so moving
 * to the chaincode's own per-transaction declarations (with their JSON-Schema export) changes this
 * file and nothing else.
 *
 * The table may not list every field a transaction accepts (the chaincode validates the input and
 * refuses unknown fields itself), so input schemas allow additional properties.
 */
import type { FieldType } from '../cli/argv';
import { audit } from '../cli/commands/audit';
import { consortium } from '../cli/commands/consortium';
import { dispute } from '../cli/commands/dispute';
import { market } from '../cli/commands/market';
import { participant } from '../cli/commands/participant';
import { settlement } from '../cli/commands/settlement';
import type { ContractGroup, FieldSpec, TransactionSpec } from '../cli/commands/types';
import type { JsonSchema } from './api-types';

export type { JsonSchema } from './api-types';

/** One transient-data entry a submission may carry (not recorded on the ledger). */
export interface TransientEntry {
  /** The transient key, e.g. `verification`. */
  readonly key: string;
  readonly description: string;
}

/** One ESTP transaction as the REST API serves it. */
export interface CatalogTransaction {
  /** Chaincode contract name, e.g. `Market`. */
  readonly contract: string;
  /** Chaincode transaction name, e.g. `PostOffer`. */
  readonly transaction: string;
  /** Queries are evaluated (GET), everything else is submitted (POST). */
  readonly kind: 'evaluate' | 'submit';
  readonly description: string;
  /** The input object's schema. */
  readonly input: JsonSchema & { readonly properties: Readonly<Record<string, JsonSchema>> };
  /** A list query: `pageSize`/`bookmark` in, `{ records, bookmark }` out. */
  readonly paginated: boolean;
  readonly transient: readonly TransientEntry[];
}

/** The schema of a field type. Ledger times are ms since the epoch or ISO-8601 UTC text. */
function typeSchema(type: FieldType): JsonSchema {
  switch (type) {
    case 'string':
      return { type: 'string' };
    case 'integer':
      return { type: 'integer' };
    case 'boolean':
      return { type: 'boolean' };
    case 'string[]':
      return { type: 'array', items: { type: 'string' } };
    case 'json':
      return {};
    case 'time':
      return {
        oneOf: [
          { type: 'integer', minimum: 0, description: 'ms since the epoch' },
          { type: 'string', format: 'date-time', description: 'ISO-8601 UTC, e.g. 2026-01-01T12:00:00Z' },
        ],
      };
  }
}

function fieldSchema(field: FieldSpec): JsonSchema {
  return { ...typeSchema(field.type), description: field.description };
}

function entryOf(contract: string, spec: TransactionSpec): CatalogTransaction {
  const fields = spec.fields ?? [];
  const required = fields.filter((field) => field.required === true).map((field) => field.name);
  return {
    contract,
    transaction: spec.transaction,
    kind: spec.kind,
    description: spec.description,
    input: {
      type: 'object',
      properties: Object.fromEntries(fields.map((field) => [field.name, fieldSchema(field)])),
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: true,
    },
    paginated: spec.paginated === true,
    transient: (spec.transient ?? []).map(({ key, description }) => ({ key, description })),
  };
}

/**
 * The contract groups, imported one by one rather than through cli/commands/index.ts, which also
 * registers `estp serve` (and so this module): no import cycle.
 */
const GROUPS: readonly ContractGroup[] = [consortium, participant, market, settlement, dispute, audit];

/** Every ESTP transaction, contract by contract in the order of the API. */
export const CATALOG: readonly CatalogTransaction[] = GROUPS.flatMap((group) =>
  group.transactions.map((spec) => entryOf(group.contract, spec)),
);

const BY_NAME: ReadonlyMap<string, CatalogTransaction> = new Map(
  CATALOG.map((entry) => [`${entry.contract}:${entry.transaction}`, entry]),
);

/** A transaction by its chaincode names (exact: `Market`, `PostOffer`). */
export function catalogEntry(contract: string, transaction: string): CatalogTransaction | undefined {
  return BY_NAME.get(`${contract}:${transaction}`);
}

/** The contract names, in catalogue order. */
export function contractNames(): string[] {
  return [...new Set(CATALOG.map((entry) => entry.contract))];
}

/** The transactions of a contract. */
export function transactionsOf(contract: string): CatalogTransaction[] {
  return CATALOG.filter((entry) => entry.contract === contract);
}
