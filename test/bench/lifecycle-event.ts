import { performance } from 'node:perf_hooks';
import { Harness } from '../support/harness';

/** Forge gives a remote 5 s per event and retries 4 times (https://developer.atlassian.com/platform/forge/remote/essentials/). */
export const FORGE_EVENT_BUDGET_MS = 5_000;

export interface LifecycleEventRow {
  readonly event: string;
  readonly runs: number;
  readonly p50Ms: number;
  readonly maxMs: number;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/**
 * The worst case of each lifecycle event, end to end through the local API and DynamoDB Local: a
 * first install, an upgrade, and an uninstall of a site (answered after O(1) writes; the deletion
 * runs after the answer). One delivery each per site, no retries.
 */
export const measureLifecycleEvents = async (dynamoEndpoint: string, sites = 20): Promise<LifecycleEventRow[]> => {
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ??= dynamoEndpoint;
  const h = await Harness.start();
  try {
    const times: Record<string, number[]> = { 'avi:forge:installed:app': [], 'avi:forge:upgraded:app': [], 'avi:forge:uninstalled:app': [] };
    for (let i = 0; i < sites; i += 1) {
      const site = h.jira.createSite();
      for (const event of Object.keys(times) as (keyof typeof times & string)[]) {
        const start = performance.now();
        const delivery = await h.jira.deliverForgeEvent(site.clientKey, h.url, event as 'avi:forge:installed:app', { retries: 0 });
        times[event]?.push(performance.now() - start);
        if (delivery.status !== 204) throw new Error(`${event} answered ${delivery.status}`);
      }
    }
    return Object.entries(times).map(([event, values]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { event, runs: sorted.length, p50Ms: percentile(sorted, 0.5), maxMs: sorted.at(-1) ?? 0 };
    });
  } finally {
    await h.stop();
  }
};

export const lifecycleEventFailures = (rows: readonly LifecycleEventRow[]): string[] =>
  rows.filter((r) => r.maxMs >= FORGE_EVENT_BUDGET_MS).map((r) => `${r.event}: worst ${r.maxMs.toFixed(0)} ms, Forge allows ${FORGE_EVENT_BUDGET_MS} ms`);

export const lifecycleEventTable = (rows: readonly LifecycleEventRow[]): string =>
  ['| lifecycle event | runs | p50 ms | worst ms | Forge budget |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.event} | ${r.runs} | ${r.p50Ms.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${FORGE_EVENT_BUDGET_MS} ms |`)].join('\n');
