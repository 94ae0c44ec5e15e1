/**
 * Input validation. Every transaction takes one JSON object argument; a schema built from these
 * field rules parses it into a typed value or throws {@link InvalidInputError} naming the field.
 * Unknown fields are rejected too, so a client's typo never passes silently.
 *
 * The generated contract metadata cannot express these rules (fabric-contract-api does not enforce
 * `required`), which is why validation lives here rather than in `@Param` schemas.
 */
import { InvalidInputError } from './errors';
import { toCanonicalJson } from './json';

/** Largest accepted transaction argument, in bytes: bounds the work a caller can make peers do. */
export const MAX_INPUT_BYTES = 64 * 1024;

/** One field rule: parses an unknown value found at `path` or throws. */
export interface Rule<T> {
  readonly parse: (value: unknown, path: string) => T;
  /** Human description used in generated docs, e.g. `integer ≥ 1`. */
  readonly describe: string;
  readonly optional: boolean;
}

type Optional<T> = Rule<T | undefined> & { readonly optional: true };

function rule<T>(
  describe: string,
  parse: (value: unknown, path: string) => T,
): Rule<T> & {
  optional: false;
  orUndefined(): Optional<T>;
} {
  return {
    describe,
    parse,
    optional: false,
    orUndefined(): Optional<T> {
      return {
        describe: `${describe} (optional)`,
        optional: true,
        parse: (value, path) => (value === undefined || value === null ? undefined : parse(value, path)),
      };
    },
  };
}

/** Identifiers: letters, digits and `._:@-`, 1–128 characters (safe inside composite keys). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

/** A string of bounded length; `pattern` further restricts it. */
export function text(options: { min?: number; max: number; pattern?: RegExp; patternName?: string }) {
  const min = options.min ?? 1;
  return rule(`string of ${min}–${options.max} characters`, (value, path): string => {
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

/** A safe integer within [min, max]. Strings of digits are accepted too, for BigInt-minded clients. */
export function int(options: { min?: number; max?: number } = {}) {
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
  return rule(`integer ${range}`, (value, path): number => {
    let parsed: number;
    if (typeof value === 'number') parsed = value;
    else if (typeof value === 'string' && /^-?\d{1,16}$/.test(value)) parsed = Number(value);
    else throw new InvalidInputError(path, 'must be an integer');
    if (!Number.isSafeInteger(parsed))
      throw new InvalidInputError(path, 'must be a safe integer (no fractions)');
    if (parsed < min) throw new InvalidInputError(path, `must be ≥ ${min}`);
    if (parsed > max) throw new InvalidInputError(path, `must be ≤ ${max}`);
    return parsed;
  });
}

/** A boolean. */
export function bool() {
  return rule('boolean', (value, path): boolean => {
    if (typeof value !== 'boolean') throw new InvalidInputError(path, 'must be true or false');
    return value;
  });
}

/** One of a fixed set of strings. */
export function oneOf<const T extends readonly string[]>(values: T) {
  return rule(`one of ${values.join(', ')}`, (value, path): T[number] => {
    if (typeof value !== 'string' || !values.includes(value)) {
      throw new InvalidInputError(path, `must be one of ${values.join(', ')}`);
    }
    return value;
  });
}

/** An array of items; `unique` rejects duplicates (compared as JSON). */
export function list<T>(item: Rule<T>, options: { min?: number; max: number; unique?: boolean }) {
  const min = options.min ?? 0;
  return rule(`list of ${min}–${options.max} × ${item.describe}`, (value, path): T[] => {
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
  });
}

type Shape = Record<string, Rule<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K]['optional'] extends true ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
/** The typed value a schema produces. */
export type Infer<S extends Shape> = { -readonly [K in RequiredKeys<S>]: ReturnType<S[K]['parse']> } & {
  -readonly [K in OptionalKeys<S>]?: ReturnType<S[K]['parse']>;
};

/** A nested object with the given fields. */
export function object<S extends Shape>(shape: S) {
  return rule('object', (value, path): Infer<S> => parseShape(shape, value, path));
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
 * @example const RegisterInput = input({ displayName: text({ max: 100 }), capacityWh: int({ min: 0 }).orUndefined() });
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
