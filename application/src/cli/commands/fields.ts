/** Field declarations several contracts share. */
import type { FieldType } from '../argv';
import type { FieldSpec } from './types';

/** `pageSize` and `bookmark` of every list query. */
export const PAGE_FIELDS: readonly FieldSpec[] = [
  { name: 'pageSize', type: 'integer', description: 'records per page (1–200, default 20)' },
  { name: 'bookmark', type: 'string', description: 'where the previous page ended (empty = first page)' },
];

/** A required field. */
export function required(name: string, type: FieldType, description: string): FieldSpec {
  return { name, type, description, required: true };
}

/** An optional field. */
export function optional(name: string, type: FieldType, description: string): FieldSpec {
  return { name, type, description };
}

/** A record ID field; declared as text so `--offer-id 42` stays the string "42". */
export function idField(name: string, description: string, isRequired = true): FieldSpec {
  return { name, type: 'string', description, required: isRequired };
}

/** A SHA-256 (hex) of off-chain evidence, and its optional URI. */
export function evidenceFields(prefix: 'evidence' | 'reading', what: string, isRequired = true): FieldSpec[] {
  return [
    {
      name: `${prefix}Hash`,
      type: 'string',
      description: `SHA-256 (hex) of the ${what}`,
      required: isRequired,
    },
    optional(`${prefix}Uri`, 'string', `where the ${what} is kept`),
  ];
}
