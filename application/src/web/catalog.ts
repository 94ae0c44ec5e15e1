/**
 * The transaction catalogue of the REST API: every ESTP transaction with its kind (query or
 * submission), summary, input fields and JSON Schema, result, errors and example.
 *
 * This is the web layer's one adapter to where transactions are declared: the chaincode's own
 * declarations (`@estp/chaincode/declarations`, one per transaction, docs/developing.md). Routes,
 * query coercion and the OpenAPI document read this module only; nothing in the web layer repeats
 * a field.
 */
import {
  type AnyDeclaration,
  allDeclarations,
  type FlagKind,
  inputJsonSchema,
  isPaginated,
} from '@estp/chaincode/declarations';
import type { JsonSchema } from './api-types';

export type { JsonSchema } from './api-types';

/** One input field: how a query parameter's text becomes its value, and whether it is required. */
export interface CatalogField {
  readonly name: string;
  /** As the CLI reads a flag: as text, a safe integer, true/false, a ledger time, a list, JSON. */
  readonly kind: FlagKind;
  readonly required: boolean;
}

/** One transient-data entry a submission may carry (not recorded on the ledger). */
export interface TransientEntry {
  /** The transient key, e.g. `verification`. */
  readonly key: string;
  readonly description: string;
  readonly required: boolean;
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
  readonly fields: readonly CatalogField[];
  /** The input object's JSON Schema (the declaration's export, with the declared example). */
  readonly input: JsonSchema;
  /** The result, in words. */
  readonly result: string;
  /** The error codes it names beyond malformed input, with when. */
  readonly errors: Readonly<Record<string, string>>;
  /** A valid input. */
  readonly example: unknown;
  /** A list query: `pageSize`/`bookmark` in, `{ records, bookmark }` out. */
  readonly paginated: boolean;
  readonly transient: readonly TransientEntry[];
}

function entryOf(declaration: AnyDeclaration): CatalogTransaction {
  return {
    contract: declaration.contract,
    transaction: declaration.name,
    kind: declaration.kind,
    description: declaration.summary,
    fields: Object.entries(declaration.input.shape).map(([name, rule]) => ({
      name,
      kind: rule.flag,
      required: !rule.optional,
    })),
    input: inputJsonSchema(declaration),
    result: declaration.output.description,
    errors: declaration.errors,
    example: declaration.example,
    paginated: isPaginated(declaration),
    transient: Object.entries(declaration.transient).map(([key, entry]) => ({ key, ...entry })),
  };
}

/** Every ESTP transaction, contract by contract in the declarations' order. */
export const CATALOG: readonly CatalogTransaction[] = allDeclarations().map(entryOf);

const BY_NAME: ReadonlyMap<string, CatalogTransaction> = new Map(
  CATALOG.map((entry) => [`${entry.contract}:${entry.transaction}`, entry]),
);

/** A transaction by its chaincode names (exact: `Market`, `PostOffer`). */
export function catalogEntry(contract: string, transaction: string): CatalogTransaction | undefined {
  return BY_NAME.get(`${contract}:${transaction}`);
}

/** The transactions of a contract. */
export function transactionsOf(contract: string): CatalogTransaction[] {
  return CATALOG.filter((entry) => entry.contract === contract);
}

/** The values a field accepts when its schema lists them (an `enum`), e.g. Audit:History's record types. */
export function fieldValues(
  contract: string,
  transaction: string,
  field: string,
): readonly string[] | undefined {
  const properties = catalogEntry(contract, transaction)?.input.properties;
  const values = properties?.[field]?.enum;
  return Array.isArray(values)
    ? values.filter((value): value is string => typeof value === 'string')
    : undefined;
}
