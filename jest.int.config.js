module.exports = {
  ...require('./jest.preset'),
  displayName: 'int',
  testMatch: ['<rootDir>/{apps,libs}/**/*.int.spec.ts'],
  globalSetup: '<rootDir>/libs/shared/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/libs/shared/testing/src/global-teardown.js',
  testTimeout: 120000,
};
