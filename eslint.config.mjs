// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Chaincode runs on every endorsing peer and their results must agree byte for byte, so anything
 * that reads the wall clock, draws random numbers or produces floats is a consensus bug. These
 * selectors fail the lint; test/unit/determinism.test.ts checks the same list over the sources.
 */
const nonDeterministic = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message:
      'Date.now() is non-deterministic in chaincode: use the transaction timestamp (ctx.stub.getTxTimestamp).',
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: 'new Date() reads the wall clock: use the transaction timestamp.',
  },
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']",
    message: 'Math.random() is non-deterministic in chaincode.',
  },
  {
    selector: "CallExpression[callee.name='parseFloat']",
    message: 'Money and energy are integers: no floats in chaincode.',
  },
  {
    selector: "CallExpression[callee.object.name='Number'][callee.property.name='parseFloat']",
    message: 'Money and energy are integers: no floats in chaincode.',
  },
  {
    selector: "CallExpression[callee.object.name='JSON'][callee.property.name='stringify']",
    message: 'Serialise ledger JSON with toCanonicalJson (sorted keys) from lib/json.ts.',
  },
  {
    selector: 'ForInStatement',
    message: 'for…in iterates in insertion order of unordered data: iterate over sorted keys.',
  },
];

/**
 * The chaincode's concerns, lowest first (docs/design.md#layers): a concern calls only the concerns
 * before it, so no two import each other. Types may be imported in any direction (`import type`,
 * erased at compile time: a record's shape is the ledger's vocabulary), so lib/caller.ts may name the
 * Organisation and Participant records it reads; `lib` calls no concern. The contracts, the
 * declarations table and records.ts sit on top and may import anything.
 */
const CONCERNS = ['consortium', 'participant', 'market', 'settlement', 'dispute', 'audit'];
const TOP = ['contracts', 'declarations', 'records', 'index'];

const layers = [
  {
    files: ['chaincode/src/lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*'],
              allowTypeImports: true,
              message:
                'lib/ is the bottom layer: it calls no concern (types may be imported with `import type`).',
            },
          ],
        },
      ],
    },
  },
  ...CONCERNS.map((concern, index) => ({
    files: [`chaincode/src/${concern}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...CONCERNS.slice(index + 1), ...TOP].map((above) => `../${above}*`),
              allowTypeImports: true,
              message: `${concern}/ may call only lib/ and ${CONCERNS.slice(0, index).join(', ') || 'no concern'} (docs/design.md#layers); types may be imported with \`import type\`.`,
            },
          ],
        },
      ],
    },
  })),
];

/**
 * The one clock read the chaincode may make: the endorsement-time guard's `peerClockMs()` in
 * chaincode/src/lib/time.ts, which can only refuse a transaction (docs/developing.md).
 */
const PEER_CLOCK_FILE = 'chaincode/src/lib/time.ts';
const PEER_CLOCK_FUNCTION = 'peerClockMs';
const exceptPeerClock = nonDeterministic.map((rule) =>
  rule.selector.includes("'now'")
    ? { ...rule, selector: `${rule.selector}:not(FunctionDeclaration[id.name='${PEER_CLOCK_FUNCTION}'] *)` }
    : rule,
);

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      '.fabric/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['chaincode/src/**/*.ts'],
    ignores: ['chaincode/src/lib/json.ts', PEER_CLOCK_FILE],
    rules: { 'no-restricted-syntax': ['error', ...nonDeterministic] },
  },
  ...layers,
  {
    files: [PEER_CLOCK_FILE],
    rules: { 'no-restricted-syntax': ['error', ...exceptPeerClock] },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
