const { availableParallelism } = require('node:os');

// Jest runs TypeScript through @swc/jest as CommonJS. Several host clients ship ESM only
// (@octokit/*, @gitbeaker/*, @middy/*, ...): they are let through the same transform.
const esmOnly = [
  '@octokit', 'universal-user-agent', 'before-after-hook', 'content-type', 'fast-content-type-parse',
  'json-with-bigint', '@middy', '@gitbeaker', 'xcase', 'rate-limiter-flexible', 'async-sema',
  'p-limit', 'yocto-queue', 'jose',
];

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Real-browser tests run apart: npm run test:browser (test/browser/jest.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/test/browser/'],
  transform: {
    '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  // @middy/* 7 export only the `import` condition, which Jest's CommonJS resolver does not match:
  // map the bare specifiers to their entry files (then transformed like the other ESM-only ones).
  moduleNameMapper: { '^@middy/(core|util)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Budgets by what a suite does: 30 s for pure code (a hang fails soon); suites on real parts
  // (DynamoDB Local, simulators, child processes) get theirs in test/support/suite-budgets.ts.
  testTimeout: 30_000,
  setupFilesAfterEnv: ['<rootDir>/test/support/suite-budgets.ts'],
  // At most two workers (one on a one-core machine): every suite shares one DynamoDB Local JVM and
  // runs loopback servers in its own process, so on a two-core CI machine more workers only starve them.
  maxWorkers: Math.max(1, Math.min(2, availableParallelism())),
};
