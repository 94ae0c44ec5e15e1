/**
 * Generates docs/transactions.md, the transaction reference, from what the chaincode itself says:
 * the transaction declarations (chaincode/src/declarations.ts: kind, summary, input fields with
 * their descriptions and units, result, errors, an example), where each contract method and the
 * operation it runs are, and the `requireRole` checks on the path of each operation (who may call
 * it). `test/unit/reference.test.ts` fails when the checked-in file is stale.
 *
 *   npm run docs:reference          # rewrite docs/transactions.md
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import ts from 'typescript';
import { CONTRACTS, type ContractDeclaration } from '../../chaincode/src/declarations';
import { type AnyDeclaration, inputSummary } from '../../chaincode/src/lib/declaration';
import { ErrorCode } from '../../chaincode/src/lib/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../chaincode/src/lib/pagination';
import { TX_TIME_TOLERANCE_MS } from '../../chaincode/src/lib/time';

const ROOT = path.resolve(__dirname, '../..');
/** Loads a chaincode source module by path (the tool runs under ts-node or ts-jest). */
const loadModule = createRequire(__filename);
export const REFERENCE_FILE = path.join(ROOT, 'docs/transactions.md');
const CONTRACTS_DIR = path.join(ROOT, 'chaincode/src/contracts');

/** What the source says about one transaction method. */
interface SourceFacts {
  /** Repository-relative file and line of the contract method. */
  method: { file: string; line: number };
  /** Repository-relative file of the operation it delegates to. */
  operation?: string;
  /** Roles named by `requireRole` on the operation's path; `undefined` when it checks none. */
  roles?: string[];
}

const relative = (file: string): string => path.relative(ROOT, file).split(path.sep).join('/');

/** The summary (first paragraph) of a node's JSDoc, in one line. */
function jsDocSummary(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const doc = docs[docs.length - 1];
  return (ts.getTextOfJSDocComment(doc?.comment) ?? '').replace(/\s+/g, ' ').trim();
}

function hasDecorator(node: ts.MethodDeclaration, name: string): boolean {
  return (ts.getDecorators(node) ?? []).some((decorator) => {
    const expression = decorator.expression;
    return ts.isCallExpression(expression) && expression.expression.getText() === name;
  });
}

/** The declaration an expression (a function's name) resolves to, following imports. */
function declarationOf(checker: ts.TypeChecker, expression: ts.Expression): ts.Declaration | undefined {
  let symbol = checker.getSymbolAtLocation(expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  return symbol?.declarations?.[0];
}

/**
 * The runtime value of an identifier exported by a chaincode module (`...REGISTERING_ROLES`):
 * the module is loaded, so a computed list is as exact as a literal one.
 */
function exportedValue(checker: ts.TypeChecker, expression: ts.Expression): unknown {
  let symbol = checker.getSymbolAtLocation(expression);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declaration = symbol?.declarations?.[0];
  if (!symbol || !declaration || !ts.isVariableDeclaration(declaration)) return undefined;
  const exports = loadModule(declaration.getSourceFile().fileName) as Record<string, unknown>;
  return exports[symbol.name];
}

/** The role checks of lib/caller.ts: requireRole, and Bootstrap's certificate-only check. */
const ROLE_CHECKS = ['requireRole', 'requireClaimedRole'];

/**
 * Roles required on the path of `root`: the arguments of `requireRole` calls in its body and in
 * the chaincode functions it calls (transitively), in order of appearance.
 */
function requiredRoles(checker: ts.TypeChecker, root: ts.Node): string[] | undefined {
  const roles: string[] = [];
  const visited = new Set<ts.Node>();
  const found = { check: false };
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      if (ROLE_CHECKS.includes(node.expression.getText())) {
        found.check = true;
        for (const argument of node.arguments.slice(1)) {
          const named = ts.isSpreadElement(argument)
            ? exportedValue(checker, argument.expression)
            : undefined;
          const found = ts.isStringLiteral(argument)
            ? [argument.text]
            : Array.isArray(named)
              ? named.map(String)
              : [argument.getText()];
          for (const role of found) if (!roles.includes(role)) roles.push(role);
        }
      } else {
        const declaration = declarationOf(checker, node.expression);
        const inChaincode = declaration?.getSourceFile().fileName.includes('/chaincode/src/') ?? false;
        if (declaration && inChaincode && !visited.has(declaration)) {
          visited.add(declaration);
          ts.forEachChild(declaration, visit);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(root);
  return found.check ? roles : undefined;
}

/** Facts per `Contract:Transaction`, read from chaincode/src/contracts with the type checker. */
function readSources(): Map<string, SourceFacts> {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(ROOT, 'chaincode/tsconfig.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
  );
  if (!config) throw new Error('cannot read chaincode/tsconfig.json');
  const program = ts.createProgram(config.fileNames, config.options);
  const checker = program.getTypeChecker();
  const facts = new Map<string, SourceFacts>();
  for (const source of program.getSourceFiles()) {
    if (path.dirname(source.fileName) !== CONTRACTS_DIR.split(path.sep).join('/')) continue;
    for (const statement of source.statements) {
      if (!ts.isClassDeclaration(statement)) continue;
      const constructor = statement.members.find(ts.isConstructorDeclaration);
      const contractName = /super\('([^']+)'\)/.exec(constructor?.getText() ?? '')?.[1];
      if (!contractName) continue;
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || !hasDecorator(member, 'declared')) continue;
        // `return execute(ctx, input, Declaration, operation)`: the operation is the last argument.
        let operation: ts.Declaration | undefined;
        const findOperation = (node: ts.Node): void => {
          if (!operation && ts.isCallExpression(node) && node.expression.getText() === 'execute') {
            const argument = node.arguments[node.arguments.length - 1];
            const callee = argument && ts.isCallExpression(argument) ? argument.expression : argument;
            if (callee) operation = declarationOf(checker, callee);
          }
          ts.forEachChild(node, findOperation);
        };
        if (member.body) findOperation(member.body);
        const name = member.name.getText();
        facts.set(`${contractName}:${name}`, {
          method: {
            file: relative(source.fileName),
            line: source.getLineAndCharacterOfPosition(member.getStart()).line + 1,
          },
          operation: operation ? relative(operation.getSourceFile().fileName) : undefined,
          roles: operation ? requiredRoles(checker, operation) : undefined,
        });
      }
    }
  }
  return facts;
}

/** The error classes of lib/errors.ts with their code and JSDoc summary, in code order. */
let errorClassCache: { code: string; name: string; summary: string }[] | undefined;
function errorClasses(): { code: string; name: string; summary: string }[] {
  errorClassCache ??= readErrorClasses();
  return errorClassCache;
}

function readErrorClasses(): { code: string; name: string; summary: string }[] {
  const file = path.join(ROOT, 'chaincode/src/lib/errors.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const codes = Object.entries(ErrorCode) as [string, string][];
  const classes = source.statements.filter(ts.isClassDeclaration).flatMap((declaration) => {
    const key = /ErrorCode\.(\w+)/.exec(declaration.getText())?.[1];
    const code = codes.find(([name]) => name === key)?.[1];
    return code && declaration.name
      ? [{ code, name: declaration.name.text, summary: jsDocSummary(declaration) }]
      : [];
  });
  return codes.map(([, code]) => {
    const found = classes.find((candidate) => candidate.code === code);
    if (!found) throw new Error(`no error class uses ${code}`);
    return found;
  });
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const kebab = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
/** What the reference says of a query declared `readsWholeLedger`. */
const WHOLE_LEDGER_NOTE =
  'Reads the whole ledger: its work grows with the number of records, not with its input, and only' +
  " the peer's chaincode execute timeout (30 s) bounds it, so the gateway client waits up to 30 s for" +
  ' it (`Deadlines.wholeLedgerMs`) where other queries get 5 s ([trust.md](trust.md#bounded-work)).';

/**
 * Formats Markdown as `npm run lint` expects it. Prettier runs in a child process: its ESM core
 * cannot be loaded inside jest's module sandbox.
 */
function formatMarkdown(markdown: string): string {
  const prettier = require.resolve('prettier/bin/prettier.cjs');
  return execFileSync(process.execPath, [prettier, '--stdin-filepath', REFERENCE_FILE], {
    input: markdown,
    encoding: 'utf8',
  });
}

/** `ESTP_INVALID_INPUT naming the field; ESTP_FORBIDDEN no member role; …` */
function errorsOf(declaration: AnyDeclaration): string {
  const errors: Partial<Record<string, string>> = {
    [ErrorCode.InvalidInput]: 'naming the field',
    ...declaration.errors,
  };
  return Object.entries(errors)
    .map(([code, when]) => `${code} ${when ?? ''}`.trim())
    .join('; ');
}

/** The fields table of one transaction. */
function fieldLines(declaration: AnyDeclaration): string[] {
  const fields = Object.entries(declaration.input.shape);
  const transient = Object.entries(declaration.transient);
  if (fields.length === 0 && transient.length === 0) return ['No input fields: `{}`.', ''];
  return [
    '| field | accepts | unit | required | what it is |',
    '| --- | --- | --- | --- | --- |',
    ...fields.map(
      ([name, field]) =>
        `| \`${name}\` | ${cell(field.constraint)} | ${field.unit ?? ''} | ${field.optional ? 'no' : 'yes'} | ${cell(field.description ?? '')} |`,
    ),
    ...transient.map(
      ([key, entry]) =>
        `| transient \`${key}\` | bytes | | ${entry.required ? 'yes' : 'no'} | ${cell(entry.description)} |`,
    ),
    '',
  ];
}

/** The reference as Markdown, formatted with the repository's Prettier settings. */
export function renderReference(): string {
  const sources = readSources();
  const lines: string[] = [
    '# Transaction reference',
    '',
    '<!-- Generated by `npm run docs:reference` (test/tools/reference.ts) from the transaction',
    'declarations (chaincode/src/declarations.ts) and the contracts. Do not edit by hand:',
    'test/unit/reference.test.ts fails when this file is stale. -->',
    '',
    'Every transaction takes one argument, a JSON object (`input`), and returns canonical JSON.',
    'Submit = changes state (endorsed by a majority of orgs, ordered, one chaincode event); evaluate =',
    `a query answered by one peer. List queries take \`pageSize\` (default ${DEFAULT_PAGE_SIZE}, max ${MAX_PAGE_SIZE}) and`,
    '`bookmark` and return `{ records, bookmark }`; an empty bookmark means the last page. Errors',
    'start with a stable code (`ESTP_FORBIDDEN: …`, [below](#error-codes)). **Roles** are the',
    '`estp.role` values of the caller certificate that `requireRole` accepts on the',
    "operation's path (any one of them suffices) — and only where the caller's organisation is ACTIVE",
    'and holds the role as a capability, and the caller is not a SUSPENDED or REVOKED participant',
    '([trust.md](trust.md)); further rules (same org, ACTIVE participant, ownership, neutral org,',
    "independent meter) are in the errors column. Each transaction's fields, with their units, follow",
    "its contract's table; times are ms since the epoch or ISO-8601 UTC text. Every transaction, queries",
    `included, fails with ESTP_BAD_TIMESTAMP when its timestamp is more than ${TX_TIME_TOLERANCE_MS / 1000} s from the endorsing`,
    "peer's clock ([trust.md](trust.md#ledger-time)).",
    '',
  ];
  for (const [contractName, contract] of Object.entries(CONTRACTS) as [string, ContractDeclaration][]) {
    const file = `chaincode/src/contracts/${contractName.toLowerCase()}.ts`;
    const unitTest = `test/unit/${contractName.toLowerCase()}.test.ts`;
    const declarations = Object.values(contract.transactions);
    lines.push(
      `## ${contractName}`,
      '',
      `${contract.description}. Contract: [${file}](../${file}) · unit tests:` +
        ` [${unitTest}](../${unitTest}) · CLI: \`estp ${contractName.toLowerCase()} --help\`.`,
      '',
      '| transaction | kind | roles | input | what it does | fails with |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const declaration of declarations) {
      const facts = sources.get(`${contractName}:${declaration.name}`);
      const link = facts
        ? `[${declaration.name}](../${facts.method.file}#L${facts.method.line})`
        : declaration.name;
      const implementation = facts?.operation ? ` ([code](../${facts.operation}))` : '';
      const roles = facts?.roles ? facts.roles.join(', ') : 'any channel member';
      const input = inputSummary(declaration).replace(/^JSON\s*/, '');
      lines.push(
        `| ${[
          link,
          declaration.kind,
          roles,
          `\`${cell(input)}\``,
          cell(declaration.summary + implementation),
          cell(errorsOf(declaration)),
        ].join(' | ')} |`,
      );
    }
    lines.push('');
    for (const declaration of declarations) {
      lines.push(
        `### ${contractName}:${declaration.name}`,
        '',
        `${declaration.summary} Returns ${declaration.output.description}. CLI:` +
          ` \`estp ${contractName.toLowerCase()} ${kebab(declaration.name)}\`.`,
        '',
        ...(declaration.readsWholeLedger ? [WHOLE_LEDGER_NOTE, ''] : []),
        ...fieldLines(declaration),
        `Example input: \`${JSON.stringify(declaration.example)}\``,
        '',
      );
    }
  }
  lines.push(
    '## Error codes',
    '',
    'From [chaincode/src/lib/errors.ts](../chaincode/src/lib/errors.ts); the gateway client maps them to',
    'exit code 1 ([application/README.md](../application/README.md#exit-codes)).',
    '',
    '| code | class | meaning |',
    '| --- | --- | --- |',
    ...errorClasses().map(({ code, name, summary }) => `| \`${code}\` | ${name} | ${cell(summary)} |`),
    '',
  );
  return formatMarkdown(lines.join('\n'));
}

if (require.main === module) {
  const markdown = renderReference();
  let before = '';
  try {
    before = readFileSync(REFERENCE_FILE, 'utf8');
  } catch {
    // first generation
  }
  writeFileSync(REFERENCE_FILE, markdown);
  console.log(`${relative(REFERENCE_FILE)} ${before === markdown ? 'unchanged' : 'written'}`);
}
