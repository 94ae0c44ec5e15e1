/**
 * Deterministic JSON for everything the chaincode writes to the ledger, emits as an event or
 * returns. Every endorsing peer must produce the same bytes, so object keys are sorted and numbers
 * must be safe integers: a float reaching the ledger is a bug, and failing loudly finds it.
 */

/** A value that can be written to the ledger. */
export type Json =
  string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

function canonical(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`non-integer number at ${path || '<root>'}: ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => canonical(item, `${path}[${index}]`));
  if (typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const field = (value as Record<string, unknown>)[key];
      if (field !== undefined) sorted[key] = canonical(field, path ? `${path}.${key}` : key);
    }
    return sorted;
  }
  throw new TypeError(`cannot serialise ${typeof value} at ${path || '<root>'}`);
}

/** Serialises with sorted keys, omitting undefined fields; throws on floats, NaN, bigint or functions. */
export function toCanonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value, ''));
}

/** Ledger bytes of a value: UTF-8 of its canonical JSON. */
export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(toCanonicalJson(value), 'utf8');
}

/** Parses ledger bytes written by {@link toBytes}. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- typed read of a known record
export function fromBytes<T>(bytes: Uint8Array): T {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}
