import '../../local/esm-only-packages';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { GitHubClient } from '../../lambdas/hosts/github/octokit';
import { decodeJwt } from 'jose';
import type { IntegrationRecord, UserTokenRecord } from '../../lambdas/domain/records';
import { createTimedFetch } from '../../lambdas/hosts/github/timed-fetch';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';
import { Secret } from '../../lambdas/domain/secret';
import { ForgeJiraClient } from '../../lambdas/jira/jira-rest-client';
import { openCredential, userTokenContext } from '../../lambdas/services/host-credentials';
import { issueLinks } from '../../lambdas/services/issue-links';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { auditPk, integrationSk, overrideSk, tenantPk, TENANT_SK, tokenSk, userPk } from '../../lambdas/store/keys';
import { tenantInstalled } from '../../lambdas/store/tenant-guard';
import { BenchSite, ISSUE_KEY } from './bench-site';
import { GitActionContainer } from './function-container';
import { percentile } from './percentile';
import { referenceWorkload } from './reference';
import { runAlone } from './run-alone';

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
  /** API minus direct, paired per iteration (both ran back to back), at p50 and p99. */
  readonly added: LatencySummary;
  readonly p50Ratio: number;
  readonly p99Ratio: number;
  /** Median wall time of one reference workload unit (reference.ts), one run per iteration between the two paths. */
  readonly referenceMs: number;
  /** `added` as multiples of `referenceMs`: the figures the targets hold. */
  readonly addedVsReference: { readonly p50: number; readonly p99: number };
}

const HOST_LATENCY_MS = 20;

const summarise = (samples: readonly number[]): LatencySummary => ({ p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) });

const timed = async (work: () => Promise<void>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

/**
 * Benchmark 2: a create-branch through the whole API against the same work done directly: read the
 * FIT's claims, one consistent BatchGetItem (tenant, integration, override, token), decrypt the
 * user's token, the same two GitHub calls through the same keep-alive agent, then one audit write with
 * the tenant check (TransactWriteItems) beside the issue's remote link (the same Jira call the API
 * makes as the app, issue-links.ts). What remains is the API's own cost (routing, FIT verification,
 * tenant and permission caches, validation, policy, problem+json). The two alternate, so both see
 * the same machine load; the difference is paired per iteration.
 */
export const measureOverheadRatio = async (dynamoEndpoint: string, iterations = 200, warmup = 20): Promise<OverheadResult> => {
  const site = await BenchSite.start();
  const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint });
  let container: GitActionContainer | undefined;
  try {
    const world = site.world('github');
    const integrationId = await site.createIntegration(world, true);
    const user = await site.newUser(world, integrationId, true);
    const forge = site.forgeHeaders(user, '/api/git/branches');
    // The API path: the git-action function in a container of its own (function-container.ts), so
    // nothing in it was warmed by the admin and tokens calls above; the warm-up iterations warm it.
    container = await GitActionContainer.start(site.harness.config);
    const url = new URL('/api/git/branches', container.url);
    const viaApi = async (n: number): Promise<void> => {
      const res = await fetch(url, { method: 'POST', headers: { ...forge, 'content-type': 'application/json' }, body: JSON.stringify(site.branchBody(world, integrationId, `bench/api-${n}`)) });
      if (res.status !== 201) throw new Error(`API create branch answered ${res.status}: ${await res.text()}`);
    };

    const fetchLikeTheApi = createTimedFetch({ connectTimeoutMs: 3_000, agent: LOCAL_HOSTS_ALLOWED.agentFor(site.hosts.github.url) });
    const { deps } = site.harness.app;
    const keys = [
      { PK: tenantPk(site.site.clientKey), SK: TENANT_SK },
      { PK: tenantPk(site.site.clientKey), SK: integrationSk(integrationId) },
      { PK: tenantPk(site.site.clientKey), SK: overrideSk(integrationId, world.repositoryId) },
      { PK: userPk(site.site.clientKey, user.login), SK: tokenSk(integrationId) },
    ];
    const tableName = site.harness.config.tableName;
    const direct = async (n: number): Promise<void> => {
      // The direct path reads the token's claims (the API verifies it against the JWKS as well).
      const claims = decodeJwt((forge.authorization ?? '').slice('Bearer '.length)) as { app?: { apiBaseUrl?: string } };
      const jira = new ForgeJiraClient(String(claims.app?.apiBaseUrl), new Secret(forge['x-forge-oauth-system'] ?? ''));
      const read = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys, ConsistentRead: true } } }));
      const items = read.Responses?.[tableName] ?? [];
      const token = items.find((item) => item.SK === tokenSk(integrationId)) as UserTokenRecord | undefined;
      const integration = items.find((item) => item.SK === integrationSk(integrationId)) as IntegrationRecord | undefined;
      if (!token || !integration) throw new Error('the integration or the user token is not stored');
      const credential = await openCredential(deps.vault, token.credential, userTokenContext(deps.families, integration, user.login), integration);
      const auth = credential.kind === 'token' ? credential.token.reveal() : '';
      const octokit = new GitHubClient({ auth, baseUrl: site.hosts.github.url, request: { fetch: fetchLikeTheApi } });
      const source = await octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { owner: 'acme', repo: 'web', ref: 'heads/main' });
      const branch = `bench/direct-${n}`;
      const created = await octokit.request('POST /repos/{owner}/{repo}/git/refs', { owner: 'acme', repo: 'web', ref: `refs/heads/${branch}`, sha: source.data.object.sha });
      const at = new Date().toISOString();
      const place = { integrationId, integrationName: integration.name, repository: world.repositoryId };
      await Promise.all([
        db.send(
          new TransactWriteCommand({
            TransactItems: [
              tenantInstalled(tableName, site.site.clientKey),
              { Put: { TableName: tableName, Item: { PK: auditPk(site.site.clientKey), SK: `${at}#${randomUUID()}`, type: 'audit', action: 'create-branch', at } } },
            ],
          }),
        ),
        issueLinks.upsert(jira, ISSUE_KEY, { kind: 'branch', place, branchName: branch, url: `${site.hosts.github.url}/acme/web/tree/${branch}`, actedAs: { credential: 'user-pat', login: user.login } }),
      ]);
      if (!created.data.ref) throw new Error('the direct create-branch made no ref');
    };

    site.hosts.github.latencyMs = HOST_LATENCY_MS;
    const apiSamples: number[] = [];
    const directSamples: number[] = [];
    const addedSamples: number[] = [];
    const referenceSamples: number[] = [];
    for (let n = 0; n < warmup + iterations; n += 1) {
      const a = await timed(() => viaApi(n));
      const d = await timed(() => direct(n));
      // The yardstick in the same loop, so it sees the same machine load as the pair it is held against.
      const r = await timed(async () => void referenceWorkload());
      if (n < warmup) continue;
      referenceSamples.push(r);
      apiSamples.push(a);
      directSamples.push(d);
      addedSamples.push(a - d);
    }
    // Both paths did the same Jira work: a link per branch each (the direct path's upsert never throws, so count them).
    const links = site.harness.jira.remoteLinks(site.site.clientKey, ISSUE_KEY).length;
    if (links < 2 * (warmup + iterations)) throw new Error(`expected a remote link per create-branch on both paths, Jira has ${links}`);
    const api = summarise(apiSamples);
    const bare = summarise(directSamples);
    const added = summarise(addedSamples);
    const referenceMs = percentile(referenceSamples, 50);
    return {
      iterations,
      warmup,
      hostLatencyMs: HOST_LATENCY_MS,
      api,
      direct: bare,
      added,
      p50Ratio: api.p50Ms / bare.p50Ms,
      p99Ratio: api.p99Ms / bare.p99Ms,
      referenceMs,
      addedVsReference: { p50: added.p50Ms / referenceMs, p99: added.p99Ms / referenceMs },
    };
  } finally {
    await container?.stop();
    db.destroy();
    await site.stop();
  }
};

/** Standalone: `npx tsx test/bench/overhead-ratio.ts [iterations]` (starts its own DynamoDB Local). */
if (require.main === module) {
  runAlone(async (endpoint) => {
    const r = await measureOverheadRatio(endpoint, Number(process.argv[2] ?? 200));
    const line = (name: string, s: LatencySummary): string => `${name.padEnd(8)} p50 ${s.p50Ms.toFixed(2)} ms  p99 ${s.p99Ms.toFixed(2)} ms`;
    const table = [line('api', r.api), line('direct', r.direct), line('added', r.added), `reference ${r.referenceMs.toFixed(2)} ms; added ${r.addedVsReference.p50.toFixed(2)}× / ${r.addedVsReference.p99.toFixed(2)}× the reference`].join('\n');
    return { tables: [table], failures: [] };
  });
}
