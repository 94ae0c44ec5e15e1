/**
 * A query's input from the URL: `?input=<json>` gives a base object, and every other parameter sets
 * one field, coerced by the field's schema in the catalogue (integers, booleans, lists as
 * `a,b` or repeated parameters, ledger times as ms or ISO text). Parameters the schema does not
 * declare are passed on as numbers when they are safe integers, else as text; the chaincode
 * refuses fields it does not know.
 */
import type { JsonSchema } from './catalog';
import { invalidInput, isJsonObject } from './http';

const INTEGER = /^-?(0|[1-9]\d*)$/;
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function integer(raw: string, name: string): number {
  const value = Number(raw);
  if (!INTEGER.test(raw) || !Number.isSafeInteger(value)) {
    throw invalidInput(`query parameter ${name} must be a whole number (a safe integer), got "${raw}"`);
  }
  return value;
}

function json(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (cause) {
    throw invalidInput(`query parameter ${name} is not valid JSON: ${(cause as Error).message}`);
  }
}

/** One declared field's value from its parameter values (more than one only for lists). */
function coerce(values: readonly string[], schema: JsonSchema, name: string): unknown {
  if (schema.type === 'array') {
    if (values.length === 1 && /^\s*\[/.test(values[0] ?? '')) return json(values[0] ?? '', name);
    return values.flatMap((value) => (value === '' ? [] : value.split(',').map((item) => item.trim())));
  }
  if (values.length > 1) throw invalidInput(`query parameter ${name} is given more than once`);
  const raw = values[0] ?? '';
  if (schema.oneOf) {
    // A ledger time: ms since the epoch, or ISO-8601 text.
    return INTEGER.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
  }
  switch (schema.type) {
    case 'integer':
      return integer(raw, name);
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw invalidInput(`query parameter ${name} must be true or false, got "${raw}"`);
    case 'string':
      return raw;
    case undefined:
      return json(raw, name);
    default:
      return raw;
  }
}

/** An undeclared parameter: a safe integer as a number, `true`/`false` as booleans, else text. */
function guess(values: readonly string[], name: string): unknown {
  if (values.length > 1) throw invalidInput(`query parameter ${name} is given more than once`);
  const raw = values[0] ?? '';
  if (INTEGER.test(raw) && Number.isSafeInteger(Number(raw))) return Number(raw);
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  return raw;
}

/** The `input` parameter's object (spread, so a `__proto__` key stays a plain field). */
function baseInput(text: string | null): Record<string, unknown> {
  if (text === null) return {};
  const value = json(text, 'input');
  if (!isJsonObject(value)) throw invalidInput('query parameter input must be a JSON object ({…})');
  return { ...value };
}

/**
 * The transaction input of a GET request.
 * @param reserved parameters that are options of the route, not input fields (e.g. `all`).
 * @throws {WebError} 400 for bad JSON, a non-object `input`, or a value that does not fit its field.
 */
export function inputFromQuery(
  params: URLSearchParams,
  schema: JsonSchema,
  reserved: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const input = baseInput(params.get('input'));
  const properties = schema.properties ?? {};
  for (const name of new Set(params.keys())) {
    if (name === 'input' || reserved.has(name)) continue;
    if (FORBIDDEN_NAMES.has(name) || name === '')
      throw invalidInput(`query parameter "${name}" is not allowed`);
    const values = params.getAll(name);
    const field = Object.hasOwn(properties, name) ? properties[name] : undefined;
    input[name] = field ? coerce(values, field, name) : guess(values, name);
  }
  return input;
}
