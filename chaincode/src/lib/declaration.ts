/**
 * One declaration per transaction: its contract and name, whether it is submitted or evaluated,
 * its input (field rules with descriptions and units, lib/validate.ts), its result type, the errors
 * it names and an example input. Everything else is derived from it: the chaincode's validation,
 * the contract metadata (`@Param` text, submit/evaluate), the CLI's flags, coercion and help, the
 * REST/OpenAPI schemas ({@link inputJsonSchema}), the transaction reference and the typed client.
 * The declarations live next to their operations (`chaincode/src/<concern>/*.ts`) and are collected
 * in chaincode/src/declarations.ts; docs/developing.md says how to add one.
 */
import type { ErrorCode } from './errors';
import {
  type InputSchema,
  type Infer,
  type JsonSchema,
  type Shape,
  type WireOf,
  input,
  objectSchema,
} from './validate';

/** Submitted (endorsed, ordered, committed: changes state) or evaluated (a query on one peer). */
export type Kind = 'submit' | 'evaluate';

/** The result of a transaction: its type (type-level only) and what it is, in words. */
export interface Result<T> {
  readonly description: string;
  readonly type?: T;
}

/** Declares a transaction's result type, e.g. `result<Offer>('the offer as posted')`. */
export function result<T>(description: string): Result<T> {
  return { description };
}

/** A transient-map entry a transaction reads (data kept off the ledger). */
export interface TransientEntry {
  readonly description: string;
  readonly required: boolean;
}

/** A transaction declaration; create it with {@link transaction}. */
export interface Declaration<
  C extends string = string,
  N extends string = string,
  K extends Kind = Kind,
  S extends Shape = Shape,
  O = unknown,
> {
  /** The contract, e.g. `Market`. */
  readonly contract: C;
  /** The transaction, e.g. `PostOffer`: the contract method's name. */
  readonly name: N;
  readonly kind: K;
  /** What it does, one or two sentences (reference, CLI help, OpenAPI summary). */
  readonly summary: string;
  readonly input: InputSchema<S>;
  readonly output: Result<O>;
  /**
   * The error codes it fails with beyond malformed input, with when (`''` when the code says it).
   * Every transaction also fails with ESTP_INVALID_INPUT naming the field.
   */
  readonly errors: Readonly<Partial<Record<ErrorCode, string>>>;
  /** A valid input: shown in `estp … --help` and the OpenAPI document, parsed by a unit test. */
  readonly example: WireOf<S>;
  /** Transient-map entries by key. */
  readonly transient: Readonly<Record<string, TransientEntry>>;
  /**
   * Whether its work grows with the whole ledger (O(state), e.g. Audit:Totals) instead of with its
   * input: bounded only by the peer's chaincode execute timeout (30 s), so clients wait that long
   * for it instead of a query's 5 s (the gateway client's `Deadlines.wholeLedgerMs`).
   */
  readonly readsWholeLedger: boolean;
}

/** Any declaration (as registries and derived tools hold them). */
export type AnyDeclaration = Declaration;

/** The parsed input an operation receives. */
export type InputOf<D extends AnyDeclaration> =
  D extends Declaration<string, string, Kind, infer S> ? Infer<S> : never;
/** The JSON input a client sends. */
export type WireInputOf<D extends AnyDeclaration> =
  D extends Declaration<string, string, Kind, infer S> ? WireOf<S> : never;
/** The result a client receives (parsed from the canonical JSON). */
export type OutputOf<D extends AnyDeclaration> =
  D extends Declaration<string, string, Kind, Shape, infer O> ? O : never;

/**
 * Declares a transaction.
 * @example
 *   export const GetOffer = transaction({
 *     contract: 'Market', name: 'GetOffer', kind: 'evaluate',
 *     summary: 'An offer by its ID <owner>/<offerId>.',
 *     input: { id: offerRef().describe('the offer ID PostOffer returned') },
 *     output: result<Offer>('the offer'),
 *     errors: { ESTP_NOT_FOUND: '' },
 *     example: { id: 'CommunityMSP:member1/O-1' },
 *   });
 */
export function transaction<
  const C extends string,
  const N extends string,
  const K extends Kind,
  S extends Shape,
  O,
>(declaration: {
  readonly contract: C;
  readonly name: N;
  readonly kind: K;
  readonly summary: string;
  readonly input: S;
  readonly output: Result<O>;
  readonly errors: Readonly<Partial<Record<ErrorCode, string>>>;
  readonly example: WireOf<S>;
  readonly transient?: Readonly<Record<string, TransientEntry>>;
  readonly readsWholeLedger?: boolean;
}): Declaration<C, N, K, S, O> {
  return {
    ...declaration,
    input: input(declaration.input),
    transient: declaration.transient ?? {},
    readsWholeLedger: declaration.readsWholeLedger ?? false,
  };
}

/** The fields of a paginated list query (lib/pagination.ts's `pageFields`). */
const PAGE_FIELDS = ['pageSize', 'bookmark'] as const;

/** Whether a declaration is a paginated list query (takes `pageSize`/`bookmark`, returns a page). */
export function isPaginated(declaration: AnyDeclaration): boolean {
  const shape = declaration.input.shape;
  return declaration.kind === 'evaluate' && PAGE_FIELDS.every((name) => name in shape);
}

/**
 * The input in one line for the contract metadata's `@Param` description and the reference:
 * `JSON { offerId, side: BUY|SELL, quantityWh (Wh), minFillWh? (Wh) }`.
 */
export function inputSummary(declaration: AnyDeclaration): string {
  const fields = Object.entries(declaration.input.shape).map(([name, field]) => {
    const values = field.schema['enum'];
    const label = `${name}${field.optional ? '?' : ''}`;
    const typed = Array.isArray(values) ? `${label}: ${values.join('|')}` : label;
    return field.unit === undefined ? typed : `${typed} (${field.unit})`;
  });
  return fields.length === 0 ? 'JSON {}' : `JSON { ${fields.join(', ')} }`;
}

/**
 * The JSON Schema of a transaction's input object, with every field's description and unit (in
 * `description` and `x-unit`) and the declared example. Keywords common to JSON Schema draft-07
 * and 2020-12 only, so OpenAPI 3.x documents embed it as it is.
 */
export function inputJsonSchema(declaration: AnyDeclaration): JsonSchema {
  return {
    title: `${declaration.contract}:${declaration.name} input`,
    description: declaration.summary,
    ...objectSchema(declaration.input.shape),
    examples: [declaration.example],
  };
}
