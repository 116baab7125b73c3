/**
 * The budget of every test and hook in the suites on real parts (test/support/suite-budgets.ts): they
 * talk over loopback HTTP to simulators and to the one DynamoDB Local JVM the whole Jest run shares,
 * start servers, child processes or esbuild, and some wait out a host's real 10 s call budget. A
 * story test takes a few seconds on a quiet machine and several times that on a two-core one under
 * load; this leaves room for that and still ends a hang. Work that grows with data takes its own
 * (budgetForItems below).
 */
export const REAL_PARTS_BUDGET_MS = 120_000;

/**
 * A Jest time budget from what a test does, not from how fast this machine is today: a fixed
 * allowance for starting (sites, simulators: the real-parts budget) plus a per-item allowance for every DynamoDB Local
 * item the test writes and the code under test reads and deletes again. The per-item figure is
 * about ten times what one item costs on a two-core machine running the suite under a busy loop
 * on both cores (about 2.5 ms), so a slow run stays green and a hang still fails.
 */
export const budgetForItems = (items: number): number => REAL_PARTS_BUDGET_MS + items * 25;
