/**
 * A query's input from the URL: `?input=<json>` gives a base object, and every other parameter sets
 * one declared field, read as the declaration says (as the CLI reads its flag): text, a safe
 * integer, `true`/`false`, a ledger time (ms, or ISO-8601 text the chaincode parses), a list (`a,b`,
 * repeated parameters, or a JSON array) or JSON. A parameter that is no field of the transaction
 * is refused before the ledger is asked.
 */
import type { CatalogTransaction } from './catalog';
import { invalidInput, isJsonObject } from './http';

const INTEGER = /^-?(0|[1-9]\d*)$/;

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

/** One field's value from its parameter values (more than one only for lists). */
function coerce(
  values: readonly string[],
  kind: CatalogTransaction['fields'][number]['kind'],
  name: string,
): unknown {
  if (kind === 'list') {
    if (values.length === 1 && /^\s*\[/.test(values[0] ?? '')) return json(values[0] ?? '', name);
    return values.flatMap((value) => (value === '' ? [] : value.split(',').map((item) => item.trim())));
  }
  if (values.length > 1) throw invalidInput(`query parameter ${name} is given more than once`);
  const raw = values[0] ?? '';
  switch (kind) {
    case 'integer':
      return integer(raw, name);
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw invalidInput(`query parameter ${name} must be true or false, got "${raw}"`);
    case 'time':
      return INTEGER.test(raw) && Number.isSafeInteger(Number(raw)) ? Number(raw) : raw;
    case 'json':
      return json(raw, name);
    case 'string':
      return raw;
  }
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
 * @throws {WebError} 400 for bad JSON, a non-object `input`, a parameter that is no field, or a
 *   value that does not fit its field.
 */
export function inputFromQuery(
  params: URLSearchParams,
  entry: Pick<CatalogTransaction, 'contract' | 'transaction' | 'fields'>,
  reserved: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const input = baseInput(params.get('input'));
  const fields = new Map(entry.fields.map((field) => [field.name, field]));
  for (const name of new Set(params.keys())) {
    if (name === 'input' || reserved.has(name)) continue;
    const field = fields.get(name);
    if (!field) {
      const known = [...fields.keys(), 'input', ...reserved].join(', ');
      throw invalidInput(
        `query parameter ${name} is not a field of ${entry.contract}:${entry.transaction} (known: ${known})`,
      );
    }
    input[name] = coerce(params.getAll(name), field.kind, name);
  }
  return input;
}
