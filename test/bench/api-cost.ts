import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../../lambdas/config';
import type { ApiProcessMessage } from './api-process';
import { BenchSite } from './bench-site';
import { formatTable } from './format-table';
import { INTEGRATIONS, OVERRIDES, seedListTenant } from './list-route-cpu';
import { percentile } from './percentile';
import { runAlone } from './run-alone';

export interface ApiCostRow {
  readonly route: string;
  readonly case: 'first request after start' | 'warm';
  readonly requests: number;
  /** CPU time (user + system) of the API process per request, nothing else on the machine counted. */
  readonly cpuMsPerRequest: number;
  readonly wallP50Ms: number;
  readonly statuses: string;
}

const ROOT = join(__dirname, '..', '..');

/** The harness's configuration as environment variables, so the child serves the same table, key and simulators. */
const envOf = (config: Config): Record<string, string> => ({
  PATGATE_TABLE_NAME: config.tableName,
  ...(config.dynamoDbEndpoint ? { PATGATE_DYNAMODB_ENDPOINT: config.dynamoDbEndpoint } : {}),
  ...(config.localKey ? { PATGATE_LOCAL_KEY: config.localKey } : {}),
  ...(config.forgeAppId ? { PATGATE_FORGE_APP_ID: config.forgeAppId } : {}),
  PATGATE_FORGE_JWKS_URL: config.forgeJwksUrl,
  PATGATE_APP_BASE_URL: config.appBaseUrl,
  PATGATE_APP_KEY: config.appKey,
  PATGATE_LOCAL_MODE: 'true',
  AWS_REGION: config.region,
});

/** The API alone in a child process (api-process.ts), with a way to read its CPU time. */
class ApiProcess {
  readonly #pending: { readonly resolve: (micros: number) => void; readonly reject: (error: Error) => void }[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (message: ApiProcessMessage) => {
      if (message.cpu) this.#pending.shift()?.resolve(message.cpu.user + message.cpu.system);
    });
    // A crashed API must fail the benchmark, not leave it waiting for an answer.
    child.on('exit', (code) => {
      for (const waiting of this.#pending.splice(0)) waiting.reject(new Error(`the API process exited with code ${code}`));
    });
  }

  static start(env: Record<string, string>): Promise<ApiProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'api-process.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      // Its log lines go nowhere: a Lambda's stdout is a pipe the runtime drains, not a terminal.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the API process did not start within 60 s')), 60_000);
      child.once('exit', (code) => reject(new Error(`the API process exited with code ${code}`)));
      child.once('message', (message: ApiProcessMessage) => {
        clearTimeout(timer);
        if (message.url) resolve(new ApiProcess(child, message.url));
      });
    });
  }

  /** Microseconds of CPU the API process has used so far. */
  cpuMicros(): Promise<number> {
    if (this.child.exitCode !== null) return Promise.reject(new Error(`the API process exited with code ${this.child.exitCode}`));
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.child.send('cpu');
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/**
 * Benchmark "cost per request": the API alone in its own process (each function with its own
 * dependencies), a tenant seeded with 200 integrations × 20 overrides besides the GitHub one the
 * branches go to; the list route and create branch (GitHub simulator, the user's own PAT), requests
 * one after another from this process. The API's CPU is read from the child before and after.
 */
export const measureApiCost = async (requests = 200, warmup = 20): Promise<ApiCostRow[]> => {
  const site = await BenchSite.start();
  let api: ApiProcess | undefined;
  try {
    const world = site.world('github');
    const integrationId = await site.createIntegration(world, true);
    const user = await site.newUser(world, integrationId, true);
    await seedListTenant(site.harness.app.deps, site.site.clientKey, new Date().toISOString());
    api = await ApiProcess.start({ ...envOf(site.harness.config), ...site.hosts.env });
    const child = api;

    const list = { method: 'GET', path: '/api/me/integrations', headers: site.forgeHeaders(user, '/api/me/integrations') };
    const branches = { method: 'POST', path: '/api/git/branches', headers: site.forgeHeaders(user, '/api/git/branches') };
    let branch = 0;
    const send = async (route: typeof list): Promise<number> => {
      const res = await fetch(new URL(route.path, child.url), {
        method: route.method,
        headers: { ...route.headers, 'content-type': 'application/json' },
        ...(route.method === 'POST' ? { body: JSON.stringify(site.branchBody(world, integrationId, `bench/cost-${(branch += 1)}`)) } : {}),
      });
      const text = await res.text();
      if (route === list && res.status === 200) {
        const count = (JSON.parse(text) as { integrations: unknown[] }).integrations.length;
        if (count !== INTEGRATIONS + 1) throw new Error(`the list had ${count} integrations, not ${INTEGRATIONS + 1}`);
      }
      return res.status;
    };
    const run = async (route: typeof list, label: ApiCostRow['case'], count: number): Promise<ApiCostRow> => {
      const statuses = new Map<number, number>();
      const walls: number[] = [];
      const before = await child.cpuMicros();
      for (let n = 0; n < count; n += 1) {
        const started = performance.now();
        const status = await send(route);
        walls.push(performance.now() - started);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      const cpu = (await child.cpuMicros()) - before;
      return {
        route: `${route.method} ${route.path}`,
        case: label,
        requests: count,
        cpuMsPerRequest: cpu / 1000 / count,
        wallP50Ms: percentile(walls, 50),
        statuses: [...statuses].map(([status, n]) => `${status}×${n}`).join(' '),
      };
    };
    // Each function's first request in the fresh process: its container is cold (caches empty, no connections).
    const rows = [await run(list, 'first request after start', 1), await run(branches, 'first request after start', 1)];
    for (const route of [list, branches]) {
      await run(route, 'warm', warmup);
      rows.push(await run(route, 'warm', requests));
    }
    return rows;
  } finally {
    await api?.stop();
    await site.stop();
  }
};

export const apiCostFailures = (rows: readonly ApiCostRow[]): string[] =>
  rows.filter((r) => !r.statuses.startsWith(r.route.startsWith('POST') ? '201×' : '200×') || r.statuses.includes(' ')).map((r) => `cost per request: ${r.route} (${r.case}) answered ${r.statuses}`);

export const apiCostTable = (rows: readonly ApiCostRow[]): string =>
  formatTable(
    `4b. Cost per request: the API alone in its own process (each function with its own dependencies), CPU time of that process only; tenant with ${INTEGRATIONS} integrations × ${OVERRIDES} overrides + the GitHub one; requests one at a time; DynamoDB Local, simulators and client in other processes`,
    ['route', 'case', 'requests', 'API CPU ms / request', 'wall p50 ms', 'answers'],
    rows.map((r) => [r.route, r.case, r.requests, r.cpuMsPerRequest.toFixed(2), r.wallP50Ms.toFixed(1), r.statuses]),
  );

/** Standalone: `npx tsx test/bench/api-cost.ts` (starts its own DynamoDB Local). */
if (require.main === module) {
  runAlone(async () => {
    const rows = await measureApiCost();
    return { tables: [apiCostTable(rows)], failures: apiCostFailures(rows) };
  });
}
