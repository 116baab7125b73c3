/**
 * A Jest time budget from what a test does, not from how fast this machine is today: a fixed
 * allowance for starting (sites, simulators) plus a per-item allowance for every DynamoDB Local
 * item the test writes and the code under test reads and deletes again. The per-item figure is
 * about ten times what one item costs on a two-core machine running the suite under a busy loop
 * on both cores (about 2.5 ms), so a slow run stays green and a hang still fails.
 */
export const budgetForItems = (items: number): number => 30_000 + items * 25;

/**
 * The Jest budget of a test that waits out a host adapter's real 10 s whole-call budget (a timer inside
 * the client's request, which takes no injected clock): those 10 s, plus ample room for a loaded
 * machine to start the simulator and run the call. A hang still fails.
 */
export const DEFAULT_BUDGET_TEST_MS = 70_000;
