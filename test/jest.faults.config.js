/**
 * Fault tests (npm run test:faults, docs/reliability.md): kill and stop the real network's
 * processes under load and check that nothing acknowledged is lost. One file at a time: each case
 * breaks the one shared network.
 */
const integration = require('./jest.integration.config');

module.exports = {
  ...integration,
  roots: ['<rootDir>/test/faults'],
  globalSetup: '<rootDir>/test/faults/global-setup.ts',
  testTimeout: 600_000,
};
