/** Unit tests: the contracts against the in-memory stub, no network. */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test/unit'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  collectCoverageFrom: ['chaincode/src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageDirectory: '<rootDir>/coverage',
};
