/** Unit tests: the contracts against the in-memory stub, no network. */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test/unit'],
  testEnvironment: 'node',
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  // The application loads the declarations at run time: from the chaincode's sources here, so a
  // test sees an edit without a build.
  moduleNameMapper: { '^@estp/chaincode/declarations$': '<rootDir>/chaincode/src/declarations.ts' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  collectCoverageFrom: ['chaincode/src/**/*.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageDirectory: '<rootDir>/coverage',
};
