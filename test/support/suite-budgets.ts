import { REAL_PARTS_BUDGET_MS } from './work-budget';

/**
 * Jest's per-test budget by what a suite does (jest.config.js, setupFilesAfterEnv). Pure code (test/unit)
 * keeps the config's 30 s, far above what it needs, so a hang fails soon. The suites on real parts
 * (DynamoDB Local, loopback simulators, child processes, esbuild, CDK synth) get REAL_PARTS_BUDGET_MS.
 * A test whose work grows with its data sets its own (e.g. budgetForItems).
 */
const REAL_PARTS = /[\\/]test[\\/](integration|hosts|expiry|infra|reliability)[\\/]/;

if (REAL_PARTS.test(expect.getState().testPath ?? '')) jest.setTimeout(REAL_PARTS_BUDGET_MS);
