import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BenchSite, ISSUE_KEY, type BenchUser } from './bench-site';
import type { LoadFigures, LoadPlan } from './load-generator';

export interface ThroughputRow extends LoadFigures {
  readonly route: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** For the branch route: refs the GitHub simulator created (should equal the 2xx count). */
  readonly hostBranchesCreated?: number;
}

const ROOT = join(__dirname, '..', '..');
const CONNECTIONS = 20;

const run = promisify(execFile);

const COMPLETIONS = /"message":"request (handled|refused)"/g;
const completions = (site: BenchSite): number => site.harness.logs.text().match(COMPLETIONS)?.length ?? 0;

/**
 * autocannon stops at its deadline with requests still in the API; wait until the API has logged an
 * answer (its one line per request) for every request sent, so nothing is cut off by the shutdown.
 */
const drain = async (site: BenchSite, expected: number, timeoutMs = 30_000): Promise<number> => {
  const deadline = Date.now() + timeoutMs;
  while (completions(site) < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return Math.max(0, expected - completions(site));
};

const load = async (plan: LoadPlan): Promise<LoadFigures> => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, 'load-generator.ts'), JSON.stringify(plan)], { cwd: ROOT, maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as LoadFigures;
};

/** Benchmark 4: requests/s and p99 at 20 connections for 10 s, GitHub simulator without added latency. */
export const measureApiThroughput = async (durationSeconds = 10): Promise<ThroughputRow[]> => {
  const site = await BenchSite.start();
  try {
    const world = site.world('github');
    const integrationId = await site.createIntegration(world, true);
    // A user (and PAT) per connection: GitHub's 5,000 requests an hour are per user.
    const users: BenchUser[] = [];
    for (let i = 0; i < CONNECTIONS; i += 1) users.push(await site.newUser(world, integrationId, true));
    const warm = () =>
      Promise.all(users.map((u) => site.harness.call('GET', `/api/issues/${ISSUE_KEY}/git-readiness`, { as: u.as, query: { integrationId, repositoryId: world.repositoryId } })));
    const plan = (method: 'GET' | 'POST', path: string, body?: Record<string, string>): LoadPlan => ({
      url: site.harness.url,
      method,
      path,
      connections: CONNECTIONS,
      durationSeconds,
      // The FIT and the app system token, as Forge sends them.
      authorizations: users.map((u) => site.forgeHeaders(u, path)),
      ...(body ? { body } : {}),
    });

    const measure = async (loadPlan: LoadPlan): Promise<LoadFigures> => {
      await warm();
      const before = completions(site);
      const figures = await load(loadPlan);
      const undrained = await drain(site, before + figures.sent);
      if (undrained > 0) throw new Error(`${undrained} requests to ${loadPlan.path} never answered`);
      return figures;
    };
    const list = await measure(plan('GET', '/api/me/integrations'));
    site.hosts.github.clearRequests();
    const branches = await measure(plan('POST', '/api/git/branches', site.branchBody(world, integrationId, 'bench/load')));
    const created = site.hosts.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/git/refs') && r.status === 201).length;
    return [
      { route: 'GET /api/me/integrations', connections: CONNECTIONS, durationSeconds, ...list },
      { route: 'POST /api/git/branches', connections: CONNECTIONS, durationSeconds, ...branches, hostBranchesCreated: created },
    ];
  } finally {
    await site.stop();
  }
};
