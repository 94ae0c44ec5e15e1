/** Field declarations several contracts share. */
import type { FieldSpec } from './types';

/** `pageSize` and `bookmark` of every list query. */
export const PAGE_FIELDS: readonly FieldSpec[] = [
  { name: 'pageSize', type: 'integer', description: 'records per page (1–200, default 20)' },
  { name: 'bookmark', type: 'string', description: 'where the previous page ended (empty = first page)' },
];

/** A record ID field; declared as text so `--offer-id 42` stays the string "42". */
export function idField(name: string, description: string, required = true): FieldSpec {
  return { name, type: 'string', description, required };
}
