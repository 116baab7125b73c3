// Browser tests: real Chromium (Debian's /usr/bin/chromium) driving the built pages inside the
// simulated Jira page, against the real local API. `npm run test:browser`; not part of `npm test`.
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Jest loads this file as CommonJS
const base = require('../../jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: '../..',
  roots: ['<rootDir>/test/browser'],
  testMatch: ['**/*.browser.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  globalSetup: '<rootDir>/test/browser/global-setup.ts',
  testTimeout: 120000,
  maxWorkers: 1,
};
