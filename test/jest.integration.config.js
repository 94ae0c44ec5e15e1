/** Integration tests: drive the real Fabric network through the gateway (see network/). */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test/integration'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  // Enrols the e2e CA identities once, outside the test sandbox (see the file).
  globalSetup: '<rootDir>/test/integration/support/global-setup.ts',
  testTimeout: 120000,
};
