/**
 * Input validation. Every transaction takes one JSON object argument; a schema built from these
 * field rules parses it into a typed value or throws {@link InvalidInputError} naming the field.
 * Unknown fields are rejected too, so a client's typo never passes silently.
 *
 * A rule also says, as data, what it accepts: a JSON Schema, the constraint in words, a unit and
 * what the field means (`.describe()`), and how a command-line flag's text becomes its value. The
 * transaction declarations (lib/declaration.ts) build on these, so the contract metadata, the CLI,
 * the REST schemas and the reference are read from the same rule that validates.
 *
 * The generated contract metadata cannot express these rules (fabric-contract-api does not enforce
 * `required`), which is why validation lives here rather than in `@Param` schemas.
 */
import { InvalidInputError } from './errors';
import { toCanonicalJson } from './json';

/** Largest accepted transaction argument, in bytes: bounds the work a caller can make peers do. */
export const MAX_INPUT_BYTES = 64 * 1024;

/** A JSON Schema (draft 2020-12 vocabulary) of the JSON values a rule accepts. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/**
 * How a command-line flag's text becomes the field's JSON value: as it is (`string`), a safe
 * integer, `true`/`false`, a ledger time (ms or ISO-8601, sent as ms), a comma-separated or JSON
 * list of strings, or JSON.
 */
export type FlagKind = 'string' | 'integer' | 'boolean' | 'time' | 'list' | 'json';

/** What every rule says about itself, required or optional. */
interface RuleFacts<T, In> {
  /** Parses an unknown value found at `path` or throws {@link InvalidInputError}. */
  readonly parse: (value: unknown, path: string) => T;
  /** The accepted values in words, e.g. `integer ≥ 1`. */
  readonly constraint: string;
  /** What the field means (set with `.describe()`); every transaction field has one. */
  readonly description: string | undefined;
  /** The unit of a quantity, e.g. `Wh` or `minor units per kWh`. */
  readonly unit: string | undefined;
  /** The JSON values accepted (without the description, which the export adds). */
  readonly schema: JsonSchema;
  readonly flag: FlagKind;
  /** Type-level only: what a client sends, which may be wider than what parsing returns. */
  readonly wire?: In;
}

/** A required field rule. */
export interface Rule<T, In = T> extends RuleFacts<T, In> {
  readonly optional: false;
  /** The same rule with what the field means. */
  describe(description: string): Rule<T, In>;
  /** The same rule, the field may be absent (or null). */
  orUndefined(): OptionalRule<T, In>;
}

/** An optional field rule: absent or null parse to `undefined`. */
export interface OptionalRule<T, In = T> extends RuleFacts<T | undefined, In | undefined> {
  readonly optional: true;
  describe(description: string): OptionalRule<T, In>;
}

/** Any rule, as schemas hold them. */
export type AnyRule = Rule<unknown, unknown> | OptionalRule<unknown, unknown>;

interface RuleSpec<T> {
  readonly constraint: string;
  readonly parse: (value: unknown, path: string) => T;
  readonly schema: JsonSchema;
  readonly flag: FlagKind;
  readonly unit?: string;
  readonly description?: string;
}

/** The facts of a spec, as a rule states them. */
function factsOf<T>({ constraint, description, unit, schema, flag }: RuleSpec<T>) {
  return { constraint, description, unit, schema, flag };
}

function optionalRule<T, In>(spec: RuleSpec<T>): OptionalRule<T, In> {
  return {
    ...factsOf(spec),
    optional: true,
    parse: (value, path) => (value === undefined || value === null ? undefined : spec.parse(value, path)),
    describe: (description) => optionalRule<T, In>({ ...spec, description }),
  };
}

/** A rule from its facts; `In` is what clients send when it differs from what parsing returns. */
export function rule<T, In = T>(spec: RuleSpec<T>): Rule<T, In> {
  return {
    ...factsOf(spec),
    optional: false,
    parse: spec.parse,
    describe: (description) => rule<T, In>({ ...spec, description }),
    orUndefined: () => optionalRule<T, In>(spec),
  };
}

/** Identifiers: letters, digits and `._:@-`, 1–128 characters (safe inside composite keys). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** A string of bounded length; `pattern` further restricts it. */
export function text(options: { min?: number; max: number; pattern?: RegExp; patternName?: string }) {
  const min = options.min ?? 1;
  return rule<string>({
    constraint: options.patternName ?? `string of ${min}–${options.max} characters`,
    schema: {
      type: 'string',
      minLength: min,
      maxLength: options.max,
      ...(options.pattern ? { pattern: options.pattern.source } : {}),
    },
    flag: 'string',
    parse: (value, path) => {
      if (typeof value !== 'string') throw new InvalidInputError(path, 'must be a string');
      if (value.length < min)
        throw new InvalidInputError(
          path,
          min === 1 ? 'must not be empty' : `must have at least ${min} characters`,
        );
      if (value.length > options.max)
        throw new InvalidInputError(path, `must have at most ${options.max} characters`);
      if (options.pattern && !options.pattern.test(value)) {
        throw new InvalidInputError(
          path,
          `must be ${options.patternName ?? `a string matching ${options.pattern.source}`}`,
        );
      }
      return value;
    },
  });
}

/** An identifier (see {@link ID_PATTERN}). */
export function id() {
  return text({
    max: 128,
    pattern: ID_PATTERN,
    patternName: 'an identifier of letters, digits and ._:@- (max 128)',
  });
}

/** A lowercase hex SHA-256 digest (64 characters). */
export function sha256Hex() {
  return text({ min: 64, max: 64, pattern: /^[0-9a-f]{64}$/, patternName: 'a lowercase hex SHA-256 digest' });
}

/**
 * A safe integer within [min, max], in `unit` when it is a quantity. Strings of digits are accepted
 * too, for BigInt-minded clients (the schema advertises integers only).
 */
export function int(options: { min?: number; max?: number; unit?: string } = {}) {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  const range =
    options.min !== undefined && options.max !== undefined
      ? `${min}–${max}`
      : options.min !== undefined
        ? `≥ ${min}`
        : options.max !== undefined
          ? `≤ ${max}`
          : 'any';
  return rule<number>({
    constraint: `integer ${range}`,
    schema: { type: 'integer', minimum: min, maximum: max },
    flag: 'integer',
    ...(options.unit === undefined ? {} : { unit: options.unit }),
    parse: (value, path) => {
      let parsed: number;
      if (typeof value === 'number') parsed = value;
      else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) parsed = Number(value);
      else throw new InvalidInputError(path, 'must be an integer');
      if (!Number.isSafeInteger(parsed))
        throw new InvalidInputError(path, 'must be a safe integer (no fractions)');
      if (parsed < min) throw new InvalidInputError(path, `must be ≥ ${min}`);
      if (parsed > max) throw new InvalidInputError(path, `must be ≤ ${max}`);
      return parsed;
    },
  });
}

/** A boolean. */
export function bool() {
  return rule<boolean>({
    constraint: 'true or false',
    schema: { type: 'boolean' },
    flag: 'boolean',
    parse: (value, path) => {
      if (typeof value !== 'boolean') throw new InvalidInputError(path, 'must be true or false');
      return value;
    },
  });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly string[]>(values: T) {
  return rule<T[number]>({
    constraint: `one of ${values.join(', ')}`,
    schema: { type: 'string', enum: [...values] },
    flag: 'string',
    parse: (value, path) => {
      if (typeof value !== 'string' || !values.includes(value)) {
        throw new InvalidInputError(path, `must be one of ${values.join(', ')}`);
      }
      return value;
    },
  });
}

/** An array of items; `unique` rejects duplicates (compared as JSON). */
export function list<T, In>(item: Rule<T, In>, options: { min?: number; max: number; unique?: boolean }) {
  const min = options.min ?? 0;
  return rule<T[], readonly In[]>({
    constraint: `list of ${min}–${options.max} × ${item.constraint}`,
    schema: {
      type: 'array',
      items: item.schema,
      minItems: min,
      maxItems: options.max,
      ...(options.unique ? { uniqueItems: true } : {}),
    },
    flag: item.flag === 'string' ? 'list' : 'json',
    parse: (value, path) => {
      if (!Array.isArray(value)) throw new InvalidInputError(path, 'must be an array');
      if (value.length < min)
        throw new InvalidInputError(path, `must have at least ${min} item${min === 1 ? '' : 's'}`);
      if (value.length > options.max)
        throw new InvalidInputError(path, `must have at most ${options.max} items`);
      const parsed = value.map((element, index) => item.parse(element, `${path}[${index}]`));
      if (options.unique) {
        const seen = new Set<string>();
        parsed.forEach((element, index) => {
          const key = toCanonicalJson(element);
          if (seen.has(key)) throw new InvalidInputError(`${path}[${index}]`, 'is a duplicate');
          seen.add(key);
        });
      }
      return parsed;
    },
  });
}

/** The fields of an object: one rule per field name. */
export type Shape = Readonly<Record<string, AnyRule>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
/** The typed value a schema produces. */
export type Infer<S extends Shape> = { -readonly [K in RequiredKeys<S>]: ReturnType<S[K]['parse']> } & {
  -readonly [K in OptionalKeys<S>]?: ReturnType<S[K]['parse']>;
};
/** The JSON object a client sends for a schema (times may be ISO text, for example). */
export type WireOf<S extends Shape> = { -readonly [K in RequiredKeys<S>]: NonNullable<S[K]['wire']> } & {
  -readonly [K in OptionalKeys<S>]?: NonNullable<S[K]['wire']>;
};

/** A nested object with the given fields. */
export function object<S extends Shape>(shape: S) {
  return rule<Infer<S>, WireOf<S>>({
    constraint: 'object',
    schema: objectSchema(shape),
    flag: 'json',
    parse: (value, path) => parseShape(shape, value, path),
  });
}

/** The JSON Schema of an object of `shape`: every field with its description and unit. */
export function objectSchema(shape: Shape): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [name, field] of Object.entries(shape)) {
    const about = [field.description, field.unit && `(${field.unit})`].filter(Boolean).join(' ');
    properties[name] = {
      ...field.schema,
      ...(about === '' ? {} : { description: about }),
      ...(field.unit === undefined ? {} : { 'x-unit': field.unit }),
    };
  }
  const required = Object.keys(shape).filter((name) => shape[name]?.optional === false);
  return { type: 'object', properties, required, additionalProperties: false };
}

function parseShape<S extends Shape>(shape: S, value: unknown, path: string): Infer<S> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidInputError(path, 'must be a JSON object');
  }
  const source = value as Record<string, unknown>;
  const unknownKeys = Object.keys(source)
    .filter((key) => !Object.hasOwn(shape, key))
    .sort();
  if (unknownKeys.length > 0) {
    throw new InvalidInputError(join(path, unknownKeys[0] ?? ''), 'is not a known field');
  }
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(shape).sort()) {
    const fieldRule = shape[key];
    if (!fieldRule) continue;
    const fieldPath = join(path, key);
    const fieldValue = source[key];
    if ((fieldValue === undefined || fieldValue === null) && !fieldRule.optional) {
      throw new InvalidInputError(fieldPath, 'is required');
    }
    const parsed = fieldRule.parse(fieldValue, fieldPath);
    if (parsed !== undefined) result[key] = parsed;
  }
  return result as Infer<S>;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** A transaction's input schema: parses the raw JSON argument. */
export interface InputSchema<S extends Shape> {
  readonly shape: S;
  parse(raw: string): Infer<S>;
}

/**
 * Declares the input of one transaction.
 * @example const RegisterInput = input({ displayName: text({ max: 100 }).describe('shown to others') });
 */
export function input<S extends Shape>(shape: S): InputSchema<S> {
  return {
    shape,
    parse(raw: string): Infer<S> {
      if (typeof raw !== 'string') throw new InvalidInputError('', 'input must be a JSON object string');
      if (Buffer.byteLength(raw, 'utf8') > MAX_INPUT_BYTES) {
        throw new InvalidInputError('', `input must be at most ${MAX_INPUT_BYTES} bytes`);
      }
      let value: unknown;
      try {
        value = JSON.parse(raw === '' ? '{}' : raw);
      } catch {
        throw new InvalidInputError('', 'input must be valid JSON');
      }
      return parseShape(shape, value, '');
    },
  };
}
