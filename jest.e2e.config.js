// End-to-end: the running system (compiled services as processes) over HTTP and Kafka. Run `npm run build` first.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/apps/**/*.e2e.spec.ts'],
  globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/libs/shared/testing/src/global-teardown.js',
  testTimeout: 300000,
};
