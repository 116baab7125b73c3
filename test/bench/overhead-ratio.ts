import { performance } from 'node:perf_hooks';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { Octokit } from '@octokit/rest';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { integrationSk, overrideSk, tenantPk, tokenSk, userPk } from '../../lambdas/store/keys';
import { BenchSite } from './bench-site';
import { percentile } from './percentile';

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

export interface OverheadResult {
  readonly iterations: number;
  readonly warmup: number;
  readonly hostLatencyMs: number;
  readonly api: LatencySummary;
  readonly direct: LatencySummary;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
}

const HOST_LATENCY_MS = 20;

const summarise = (samples: readonly number[]): LatencySummary => ({ p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) });

const timed = async (work: () => Promise<void>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

/**
 * Benchmark 2: a create-branch through the whole API (JWT, tenant, permission cache, BatchGetItem,
 * decrypt, Octokit, audit) against its bare minimum: the same two GitHub calls with one long-lived
 * Octokit plus one BatchGetItem. The two alternate, so both see the same machine load.
 */
export const measureOverheadRatio = async (dynamoEndpoint: string, iterations = 200, warmup = 20): Promise<OverheadResult> => {
  const site = await BenchSite.start();
  const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint });
  try {
    const world = site.world('github');
    const integrationId = await site.createIntegration(world, true);
    const user = await site.newUser(world, integrationId, true);
    const authorization = `JWT ${site.jwt(user, 'POST', '/api/git/branches')}`;
    const url = new URL('/api/git/branches', site.harness.url);
    const viaApi = async (n: number): Promise<void> => {
      const res = await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(site.branchBody(world, integrationId, `bench/api-${n}`)) });
      if (res.status !== 201) throw new Error(`API create branch answered ${res.status}: ${await res.text()}`);
    };

    const octokit = new Octokit({ auth: world.userToken('bench-direct').secret, baseUrl: site.hosts.github.url });
    const keys = [
      { PK: tenantPk(site.site.clientKey), SK: integrationSk(integrationId) },
      { PK: tenantPk(site.site.clientKey), SK: overrideSk(integrationId, world.repositoryId) },
      { PK: userPk(site.site.clientKey, user.login), SK: tokenSk(integrationId) },
    ];
    const tableName = site.harness.config.tableName;
    const direct = async (n: number): Promise<void> => {
      await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
      const source = await octokit.rest.git.getRef({ owner: 'acme', repo: 'web', ref: 'heads/main' });
      await octokit.rest.git.createRef({ owner: 'acme', repo: 'web', ref: `refs/heads/bench/direct-${n}`, sha: source.data.object.sha });
    };

    site.hosts.github.latencyMs = HOST_LATENCY_MS;
    const apiSamples: number[] = [];
    const directSamples: number[] = [];
    for (let n = 0; n < warmup + iterations; n += 1) {
      const a = await timed(() => viaApi(n));
      const d = await timed(() => direct(n));
      if (n < warmup) continue;
      apiSamples.push(a);
      directSamples.push(d);
    }
    const api = summarise(apiSamples);
    const bare = summarise(directSamples);
    return { iterations, warmup, hostLatencyMs: HOST_LATENCY_MS, api, direct: bare, p50Ratio: api.p50Ms / bare.p50Ms, p99Ratio: api.p99Ms / bare.p99Ms };
  } finally {
    db.destroy();
    await site.stop();
  }
};
