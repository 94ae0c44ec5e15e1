/**
 * The OpenAPI document lists exactly what the service serves: every catalogue transaction at
 * /api/tx/{Contract}/{Transaction} with its method, every alias, the service's own routes; its
 * operation IDs are unique, its references resolve and every path parameter is declared.
 */
import { CATALOG } from '../../../../application/src/web/catalog';
import { openApiDocument, openApiPath } from '../../../../application/src/web/openapi';
import { ALIASES, methodOf } from '../../../../application/src/web/transactions';

const document = openApiDocument('test');
const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
);

test('every transaction has its operation, with its method, at /api/tx/{Contract}/{Transaction}', () => {
  for (const entry of CATALOG) {
    const operation = document.paths[`/api/tx/${entry.contract}/${entry.transaction}`];
    expect({ tx: entry.transaction, methods: Object.keys(operation ?? {}) }).toEqual({
      tx: entry.transaction,
      methods: [methodOf(entry).toLowerCase()],
    });
  }
});

test('every alias is documented with its path parameters', () => {
  for (const alias of ALIASES) {
    const operation = document.paths[openApiPath(alias.path)]?.[alias.method.toLowerCase()];
    expect({ alias: alias.path, documented: operation !== undefined }).toEqual({
      alias: alias.path,
      documented: true,
    });
  }
});

test('the service routes are documented', () => {
  for (const path of [
    '/api/health',
    '/api/me',
    '/api/chain',
    '/api/events',
    '/api/meter/reports',
    '/api/audit/report',
    '/api/audit/verify',
    '/api/search',
  ]) {
    expect(Object.keys(document.paths)).toContain(path);
  }
});

test('operation IDs are unique', () => {
  const ids = operations.map(({ operation }) => operation.operationId);
  expect(new Set(ids).size).toBe(ids.length);
});

test('every path parameter of a path is declared by its operations, and required', () => {
  for (const { path, operation } of operations) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    const declared = (operation.parameters ?? []).filter((parameter) => parameter.in === 'path');
    expect({ path, declared: declared.map((parameter) => parameter.name).sort() }).toEqual({
      path,
      declared: [...names].sort(),
    });
    expect(declared.every((parameter) => parameter.required === true)).toBe(true);
  }
});

test('every $ref resolves inside the document', () => {
  const text = JSON.stringify(document);
  const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((match) => match[1] ?? '');
  expect(refs.length).toBeGreaterThan(0);
  for (const ref of refs) {
    const target = ref
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
    expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
  }
});

test('a submission documents its body schema, a query its parameters and ?input', () => {
  const post = document.paths['/api/tx/Market/PostOffer']?.['post'];
  const get = document.paths['/api/tx/Market/ListOffers']?.['get'];

  expect(JSON.stringify(post?.requestBody)).toContain('"offerId"');
  expect(get?.parameters?.map((parameter) => parameter.name)).toEqual(
    expect.arrayContaining(['marketId', 'pageSize', 'input', 'all']),
  );
});

test('an alias takes its path parameter out of the body schema', () => {
  const post = document.paths['/api/markets/{marketId}/offers']?.['post'];
  const schema = JSON.stringify(post?.requestBody);

  expect(schema).toContain('"offerId"');
  expect(schema).not.toContain('"marketId"');
});
