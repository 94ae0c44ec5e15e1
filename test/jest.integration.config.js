/** Integration tests: drive the real Fabric network through the gateway (see network/). */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test/integration'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  testTimeout: 120000,
};
