// Shared jest settings: ts-jest without type-checking (tsc does that once for the whole tree),
// and @strata/* resolved to each library's source.
const path = require('path');
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true, tsconfig: path.join(__dirname, 'tsconfig.base.json') }] },
  moduleNameMapper: { '^@strata/(.*)$': path.join(__dirname, 'libs/$1/src/index.ts') },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
  passWithNoTests: true,
  moduleFileExtensions: ['ts', 'js', 'json'],
};
