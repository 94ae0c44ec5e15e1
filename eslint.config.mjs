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
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['chaincode/src/**/*.ts'],
    ignores: ['chaincode/src/lib/json.ts'],
    rules: { 'no-restricted-syntax': ['error', ...nonDeterministic] },
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
