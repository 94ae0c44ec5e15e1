/**
 * Chaincode must produce the same bytes on every endorsing peer: no wall clock, no randomness, no
 * floats, no unsorted serialisation. This scans the chaincode sources with the TypeScript parser
 * (comments and strings cannot trigger it) and names every offending file:line; ESLint checks the
 * same list while editing.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { toCanonicalJson, toBytes, fromBytes } from '../../chaincode/src/lib/json';

const ROOT = join(__dirname, '..', '..');
const SOURCES = join(ROOT, 'chaincode', 'src');
/** The one module allowed to call JSON.stringify: it sorts keys first. */
const CANONICAL_JSON = join('chaincode', 'src', 'lib', 'json.ts');
/**
 * The one function allowed to read the clock: the endorsement-time guard's view of the peer's
 * clock, which can only refuse a transaction (docs/developing.md, "Determinism").
 */
const PEER_CLOCK = { file: join('chaincode', 'src', 'lib', 'time.ts'), fn: 'peerClockMs' };

function insidePeerClock(fileName: string, node: ts.Node): boolean {
  if (!fileName.endsWith(PEER_CLOCK.file)) return false;
  return ts.findAncestor(node, ts.isFunctionDeclaration)?.name?.text === PEER_CLOCK.fn;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? sourceFiles(join(dir, entry.name))
        : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
          ? [join(dir, entry.name)]
          : [],
    )
    .sort();
}

function isMember(node: ts.Expression, object: string, property: string): boolean {
  return (
    ts.isPropertyAccessExpression(node) &&
    ts.isIdentifier(node.expression) &&
    node.expression.text === object &&
    node.name.text === property
  );
}

/** The non-deterministic constructs in one source text, as `file:line: what`. */
export function findNonDeterminism(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const report = (node: ts.Node, what: string) => {
    const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
    found.push(`${fileName}:${line + 1}: ${what}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (isMember(callee, 'Date', 'now') && !insidePeerClock(fileName, node)) report(node, 'Date.now()');
      if (isMember(callee, 'Math', 'random')) report(node, 'Math.random()');
      if (ts.isIdentifier(callee) && callee.text === 'parseFloat') report(node, 'parseFloat()');
      if (isMember(callee, 'Number', 'parseFloat')) report(node, 'Number.parseFloat()');
      if (isMember(callee, 'JSON', 'stringify') && !fileName.endsWith(CANONICAL_JSON)) {
        report(node, 'JSON.stringify() (use toCanonicalJson)');
      }
    }
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'Date') {
      if ((node.arguments?.length ?? 0) === 0) report(node, 'new Date() without arguments');
    }
    if (ts.isForInStatement(node)) report(node, 'for…in');
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('determinism of chaincode/src', () => {
  it('has no wall clock, randomness, floats parsing, unsorted JSON or for…in', () => {
    const files = sourceFiles(SOURCES);
    expect(files.length).toBeGreaterThan(10);
    const offences = files.flatMap((file) =>
      findNonDeterminism(relative(ROOT, file), readFileSync(file, 'utf8')),
    );
    expect(offences).toEqual([]);
  });

  it('the scanner names file:line of every construct, and ignores comments and strings', () => {
    const text = [
      '// Date.now() in a comment is fine',
      "const s = 'Math.random()';",
      'const t = Date.now();',
      'const r = Math.random();',
      'const d = new Date();',
      'const ok = new Date(0);',
      "const f = parseFloat('1.5') + Number.parseFloat('2');",
      'const j = JSON.stringify({});',
      'for (const k in {}) {}',
    ].join('\n');
    expect(findNonDeterminism('chaincode/src/x.ts', text)).toEqual([
      'chaincode/src/x.ts:3: Date.now()',
      'chaincode/src/x.ts:4: Math.random()',
      'chaincode/src/x.ts:5: new Date() without arguments',
      'chaincode/src/x.ts:7: parseFloat()',
      'chaincode/src/x.ts:7: Number.parseFloat()',
      'chaincode/src/x.ts:8: JSON.stringify() (use toCanonicalJson)',
      'chaincode/src/x.ts:9: for…in',
    ]);
    expect(findNonDeterminism(CANONICAL_JSON, 'JSON.stringify(1);')).toEqual([]);
  });

  it('allows Date.now() only in the peer clock function of lib/time.ts', () => {
    const clock = 'export function peerClockMs(): number {\n  return Date.now();\n}';
    expect(findNonDeterminism(PEER_CLOCK.file, clock)).toEqual([]);
    // the same function anywhere else, or another function of lib/time.ts, is an offence
    expect(findNonDeterminism('chaincode/src/x.ts', clock)).toEqual(['chaincode/src/x.ts:2: Date.now()']);
    expect(
      findNonDeterminism(PEER_CLOCK.file, 'export function later(): number {\n  return Date.now() + 1;\n}'),
    ).toEqual([`${PEER_CLOCK.file}:2: Date.now()`]);
    // and the real lib/time.ts does read the clock there (the guard is not dead code)
    expect(readFileSync(join(ROOT, PEER_CLOCK.file), 'utf8')).toMatch(
      /function peerClockMs\(\): number \{\s*return Date\.now\(\);/,
    );
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, omits undefined and keeps array order', () => {
    expect(toCanonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined }, e: null })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1,"e":null}',
    );
    expect(toCanonicalJson({ b: 1, a: 2 })).toBe(toCanonicalJson({ a: 2, b: 1 }));
  });

  it('rejects floats, NaN, infinities, unsafe integers, bigint and functions, naming the path', () => {
    expect(() => toCanonicalJson({ price: { perKWh: 0.25 } })).toThrow(
      'non-integer number at price.perKWh: 0.25',
    );
    expect(() => toCanonicalJson([1, Number.NaN])).toThrow('non-integer number at [1]');
    expect(() => toCanonicalJson(Number.POSITIVE_INFINITY)).toThrow('non-integer number at <root>');
    expect(() => toCanonicalJson(2 ** 53)).toThrow(/non-integer number/);
    expect(() => toCanonicalJson({ n: 1n })).toThrow('cannot serialise bigint at n');
    expect(() => toCanonicalJson({ f: () => 1 })).toThrow('cannot serialise function at f');
  });

  it('round-trips through ledger bytes', () => {
    const value = { id: 'x', quantityWh: 1000, tags: ['a'] };
    expect(fromBytes(toBytes(value))).toEqual(value);
    expect(Buffer.from(toBytes(value)).toString('utf8')).toBe('{"id":"x","quantityWh":1000,"tags":["a"]}');
  });
});
