module.exports = { ...require('./jest.preset'), displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.unit.spec.ts'] };
