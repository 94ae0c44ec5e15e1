/**
 * Command-line parsing without a framework: tokens into positionals and options, then options into
 * the one JSON object an ESTP transaction takes.
 *
 * `--kebab-case-field value` becomes `camelCaseField`; `--a.b-c value` sets `{ a: { bC: value } }`.
 * Values of declared fields are coerced to the declared type; other values are JSON when they look
 * like numbers, arrays, objects or booleans, and strings otherwise. `--field-json <json>` forces
 * JSON. `--input '<json>'` or `--input-file <path>` give a base object the flags then extend.
 */
import { readFileSync } from 'node:fs';
import type { FlagKind } from '@estp/chaincode/declarations';
import { UsageError } from '../gateway/errors';
import { didYouMean } from './suggest';

/** Option names that never take a value (so `--json consortium list` works). */
export const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set([
  'json',
  'debug',
  'help',
  'all',
  'any-lot',
  'enroll',
  'submit',
  'evaluate',
  'version',
  'bom',
]);

/** The raw value of an option: its text, or `true` for a flag given without value. */
export type OptionValue = string | true;

/** A tokenised command line. */
export interface ParsedArgv {
  readonly positionals: readonly string[];
  /** Options by their name as written (without `--`), in order of appearance. */
  readonly options: ReadonlyMap<string, OptionValue>;
}

/**
 * Splits argv into positionals and options. `--name=value` and `--name value` both work; a name
 * in {@link BOOLEAN_OPTIONS}, or followed by another option or nothing, is `true`. `-h` is `--help`.
 * Everything after `--` is positional.
 * @throws {UsageError} for an option given twice or an unknown short option.
 */
export function tokenize(
  argv: readonly string[],
  booleans: ReadonlySet<string> = BOOLEAN_OPTIONS,
): ParsedArgv {
  const positionals: string[] = [];
  const options = new Map<string, OptionValue>();
  const set = (name: string, value: OptionValue): void => {
    if (name === '') throw new UsageError('empty option name "--"');
    if (options.has(name)) throw new UsageError(`--${name} is given more than once`);
    options.set(name, value);
  };
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] ?? '';
    if (token === '--') {
      positionals.push(...argv.slice(index + 1));
      break;
    }
    if (token === '-h') {
      set('help', true);
    } else if (token.startsWith('--')) {
      const body = token.slice(2);
      const equals = body.indexOf('=');
      if (equals >= 0) {
        set(body.slice(0, equals), body.slice(equals + 1));
        continue;
      }
      const next = argv[index + 1];
      if (booleans.has(body) || next === undefined || next.startsWith('--')) {
        set(body, true);
      } else {
        set(body, next);
        index++;
      }
    } else if (/^-[a-zA-Z]/.test(token)) {
      throw new UsageError(`unknown option ${token} (options are spelled --name)`);
    } else {
      positionals.push(token);
    }
  }
  return { positionals, options };
}

/** `meter-ids` → `meterIds`; camelCase input is kept. */
export function kebabToCamel(name: string): string {
  return name.replace(/-+([a-zA-Z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** `meterIds` → `meter-ids` (for usage text). */
export function camelToKebab(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** The type a declared field's flag value is coerced to (the field rule's `flag`). */
export type FieldType = FlagKind;

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const INTEGER = /^-?(0|[1-9]\d*)$/;

function parseJson(raw: string, flag: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (cause) {
    throw new UsageError(`--${flag}: not valid JSON: ${(cause as Error).message}`, undefined, { cause });
  }
}

/**
 * A flag value guessed from its text: a JSON number (only safe integers or decimals: longer digit
 * strings such as IDs stay text), array, object or boolean; else the text itself.
 */
export function guessValue(raw: string, flag: string): unknown {
  if (NUMBER.test(raw)) {
    const value = Number(raw);
    if (INTEGER.test(raw) && !Number.isSafeInteger(value)) return raw;
    return value;
  }
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (/^\s*[[{]/.test(raw)) return parseJson(raw, flag);
  return raw;
}

/**
 * A flag value coerced to a declared field type.
 * @throws {UsageError} when it does not fit.
 */
export function coerceValue(raw: OptionValue, type: FieldType | undefined, flag: string): unknown {
  if (raw === true) {
    if (type === undefined || type === 'boolean') return true;
    throw new UsageError(`--${flag} needs a value`);
  }
  switch (type) {
    case undefined:
      return guessValue(raw, flag);
    case 'string':
      return raw;
    case 'integer': {
      if (!INTEGER.test(raw) || !Number.isSafeInteger(Number(raw))) {
        throw new UsageError(`--${flag} must be a whole number (a safe integer), got "${raw}"`);
      }
      return Number(raw);
    }
    case 'boolean':
      if (raw === 'true') return true;
      if (raw === 'false') return false;
      throw new UsageError(`--${flag} must be true or false, got "${raw}"`);
    case 'list': {
      if (/^\s*\[/.test(raw)) {
        const value = parseJson(raw, flag);
        if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
          throw new UsageError(`--${flag} must be a JSON array of strings or a comma-separated list`);
        }
        return value;
      }
      return raw === '' ? [] : raw.split(',').map((item) => item.trim());
    }
    case 'json':
      return parseJson(raw, flag);
    case 'time':
      return parseTime(raw, flag);
  }
}

/**
 * A ledger time given on the command line, as ms since the epoch: ms themselves, or ISO-8601
 * (`2026-05-01` is UTC midnight; a date-time without a zone is local time, so give the `Z`).
 * @throws {UsageError} naming the flag.
 */
export function parseTime(text: string, flag: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new UsageError(`--${flag} must be ms since the epoch or an ISO-8601 time, got "${text}"`);
  }
  return ms;
}

/** A field of the transaction input, as declared for `--help` and coercion. */
export interface FieldDeclaration {
  /** camelCase, e.g. `meterIds`; dotted for nested fields (`profile.gridZone`). */
  readonly name: string;
  readonly type: FieldType;
}

/** How {@link buildInput} treats the options. */
export interface InputOptions {
  /** Option names (as written) that are CLI options, not input fields. */
  readonly reserved: ReadonlySet<string>;
  /** Declared fields (coerced to their type); others are guessed, or refused when `strict`. */
  readonly fields?: readonly FieldDeclaration[];
  /** Refuse options that are neither reserved nor a declared field (naming the closest one). */
  readonly strict?: boolean;
  /** Printed after the error for a refused option, e.g. where the fields are listed. */
  readonly hint?: string;
  /** Reads `--input-file`; defaults to the file system (`-` = stdin). */
  readonly readFile?: (path: string) => string;
}

function readInputFile(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (cause) {
    throw new UsageError(`--input-file: cannot read ${file}: ${(cause as Error).message}`, undefined, {
      cause,
    });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function baseInput(
  options: ReadonlyMap<string, OptionValue>,
  read: (path: string) => string,
): Record<string, unknown> {
  const inline = options.get('input');
  const file = options.get('input-file');
  if (inline !== undefined && file !== undefined)
    throw new UsageError('give --input or --input-file, not both');
  if (inline === true || file === true)
    throw new UsageError(`--${inline === true ? 'input' : 'input-file'} needs a value`);
  const text = inline ?? (file === undefined ? undefined : read(file));
  if (text === undefined) return {};
  const value = parseJson(text, inline === undefined ? 'input-file' : 'input');
  if (!isPlainObject(value)) throw new UsageError('the transaction input must be a JSON object ({…})');
  return value;
}

function setPath(
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
  flag: string,
): void {
  let node = target;
  for (const [index, key] of path.entries()) {
    if (key === '' || key === '__proto__' || key === 'constructor' || key === 'prototype') {
      throw new UsageError(`--${flag}: invalid field name`);
    }
    if (index === path.length - 1) {
      node[key] = value;
      return;
    }
    const child = node[key];
    if (child === undefined) {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    } else if (isPlainObject(child)) {
      node = child;
    } else {
      throw new UsageError(`--${flag}: ${path.slice(0, index + 1).join('.')} is not an object`);
    }
  }
}

/**
 * Builds the transaction input object: the `--input`/`--input-file` object, extended by every
 * non-reserved option as a field.
 * @throws {UsageError} for bad JSON, a non-object input or a bad field value.
 */
export function buildInput(
  options: ReadonlyMap<string, OptionValue>,
  how: InputOptions,
): Record<string, unknown> {
  const input = baseInput(options, how.readFile ?? readInputFile);
  const declared = new Map((how.fields ?? []).map((field) => [field.name, field.type]));
  for (const [flag, raw] of options) {
    if (how.reserved.has(flag) || flag === 'input' || flag === 'input-file') continue;
    const forcedJson = flag.endsWith('-json') && flag.length > '-json'.length;
    const name = forcedJson ? flag.slice(0, -'-json'.length) : flag;
    const path = name.split('.').map(kebabToCamel);
    if (how.strict && !declared.has(path[0] ?? '')) {
      const known = [...(how.fields ?? []).map((field) => camelToKebab(field.name)), ...how.reserved];
      throw new UsageError(`unknown option --${flag}${didYouMean(flag, known, '--')}`, how.hint);
    }
    const type: FieldType | undefined = forcedJson ? 'json' : declared.get(path.join('.'));
    setPath(input, path, coerceValue(raw, type, flag), flag);
  }
  return input;
}

/** Normalises a command or transaction name for matching: `Post-Offer`, `post_offer` → `postoffer`. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}
