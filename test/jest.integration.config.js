/** Integration tests: drive the real Fabric network through the gateway (see network/). */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test/integration'],
  testEnvironment: 'node',
  // Quiet chaincode loggers, and no developer's CLI settings file (ESTP_CONFIG='').
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  // The application loads the declarations at run time: from the chaincode's sources here, so a
  // test sees an edit without a build.
  moduleNameMapper: { '^@estp/chaincode/declarations$': '<rootDir>/chaincode/src/declarations.ts' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  // Enrols the e2e CA identities once, outside the test sandbox (see the file).
  globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
  testTimeout: 120000,
};
