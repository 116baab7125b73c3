import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../lambdas/domain/errors';
import type { IntegrationRecord, UserTokenRecord } from '../../lambdas/domain/records';
import { ExpiryTokenStore } from '../../lambdas/expiry/expiry-token-store';
import { MemoryEventSink } from '../support/memory-event-sink';
import { DEFAULT_CHECK_CONCURRENCY, TokenExpiryChecker } from '../../lambdas/expiry/token-expiry-checker';
import type { GitProvider } from '../../lambdas/hosts/git-provider';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { createTable } from '../../local/create-table';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { userTokenContext } from '../../lambdas/services/host-credentials';
import { TenantStore } from '../../lambdas/store/tenant-store';
import { TokenStore } from '../../lambdas/store/token-store';
import { localVault } from '../../local/local-encryption-key';
import { formatTable } from './format-table';
import { runAlone } from './run-alone';

export interface ReverifyThroughputRow {
  readonly case: string;
  readonly tokens: number;
  readonly hostLatencyMs: number;
  readonly concurrency: number;
  readonly reverified: number;
  readonly deferred: number;
  readonly seconds: number;
  readonly tokensPerSecond: number;
  /** Calls the rate-limited host got after it first answered 429 (the per-host pause: 0 new ones). */
  readonly callsAfterRateLimit?: number;
}

/** The target of issue 16. */
export const REVERIFY_TOKENS_PER_SECOND_TARGET = 50;

const TENANT = 'bench-reverify';
const NOW = new Date('2033-05-02T09:00:00.000Z');
const TODAY = '2033-05-02';

const integration = (id: string, baseUrl: string): IntegrationRecord => ({
  tenant: TENANT,
  id,
  name: id,
  provider: 'azure-devops',
  baseUrl,
  requireUserPat: true,
  serviceCredential: { kind: 'token', ciphertext: 'unused-here', hint: '****', setAt: NOW.toISOString() },
  version: 1,
  createdAt: NOW.toISOString(),
  createdBy: 'bench',
  updatedAt: NOW.toISOString(),
  updatedBy: 'bench',
});

/** A host whose every answer takes `latencyMs` (the injected host latency), optionally rate-limiting. */
const slowHost = (latencyMs: number, rateLimited: () => boolean) => {
  const stats = { calls: 0, firstLimitAt: -1, callsAfterLimit: 0 };
  const provider: GitProvider = {
    verifyToken: async () => {
      stats.calls += 1;
      if (stats.firstLimitAt >= 0) stats.callsAfterLimit += 1;
      await new Promise((resolve) => setTimeout(resolve, latencyMs));
      if (rateLimited()) {
        if (stats.firstLimitAt < 0) stats.firstLimitAt = stats.calls;
        throw new AppError('HOST_RATE_LIMITED', 'rate limited', { hostReason: 'rate-limited', retryAfterSeconds: 60 });
      }
      return { login: 'someone' };
    },
    createBranch: () => Promise.reject(new Error('not used')),
    deleteBranch: () => Promise.reject(new Error('not used')),
    createPullRequest: () => Promise.reject(new Error('not used')),
    listRepositories: () => Promise.reject(new Error('not used')),
    listBranches: () => Promise.reject(new Error('not used')),
    newTokenUrl: () => 'https://example.com/tokens',
  };
  return { provider, stats };
};

/**
 * The re-verify pass in tokens/s: `tokens` tokens due today over two hosts, each host answering in
 * `hostLatencyMs`; real decrypts (local keyring), real reads and writes (DynamoDB Local). Then the same
 * with host A rate-limiting: its tokens are deferred and it gets no call once its first 429 is back
 * beyond those already in flight.
 */
export const measureReverifyThroughput = async (endpoint: string, tokens = 400, hostLatencyMs = 200): Promise<ReverifyThroughputRow[]> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const vault = localVault(randomBytes(32));
  const rows: ReverifyThroughputRow[] = [];
  try {
    for (const limited of [false, true]) {
      const tableName = `patgate-bench-reverify-${randomUUID()}`;
      await createTable(client, tableName);
      await new TenantStore(db, tableName).put({ clientKey: TENANT, baseUrl: 'https://bench.atlassian.net', platform: 'forge', installedAt: NOW.toISOString(), updatedAt: NOW.toISOString(), version: 1 }, undefined);
      const integrations = new IntegrationStore(db, tableName);
      const hosts = [integration('int-a', 'https://a.example.com/org'), integration('int-b', 'https://b.example.com/org')];
      for (const record of hosts) await integrations.create(record);
      const store = new TokenStore(db, tableName);
      const save = async (i: number): Promise<void> => {
        const host = hosts[i % 2] ?? hosts[0];
        const integrationId = host?.id ?? 'int-a';
        const accountId = `user-${i}`;
        // Bound to the integration's host, as the token service saves it (docs/architecture.md §6).
        const context = host ? userTokenContext(BUILT_IN_FAMILIES, host, accountId) : { tenant: TENANT, integrationId, accountId, purpose: 'user-pat' as const };
        const record: UserTokenRecord = {
          tenant: TENANT,
          accountId,
          integrationId,
          credential: { kind: 'token', ciphertext: await vault.encrypt(JSON.stringify({ token: `pat-${i}-${'x'.repeat(40)}` }), context), hint: '…xxxx', setAt: NOW.toISOString() },
          providerLogin: accountId,
          status: 'valid',
          savedAt: NOW.toISOString(),
          verifiedAt: NOW.toISOString(),
          version: 1,
        };
        await store.save(record, undefined, TODAY);
      };
      for (let i = 0; i < tokens; i += 16) await Promise.all(Array.from({ length: Math.min(16, tokens - i) }, (_, k) => save(i + k)));
      const a = slowHost(hostLatencyMs, () => limited);
      const b = slowHost(hostLatencyMs, () => false);
      const checker = new TokenExpiryChecker({
        tokens: new ExpiryTokenStore(db, tableName),
        integrations,
        vault,
        providers: (record) => (record.baseUrl === hosts[0]?.baseUrl ? a.provider : b.provider),
        sink: new MemoryEventSink(),
        clock: { now: () => new Date(NOW) },
        logger: { warn: () => undefined },
      });
      const started = performance.now();
      const summary = await checker.run({ budgetMs: 10 * 60_000 });
      const seconds = (performance.now() - started) / 1000;
      rows.push({
        case: limited ? 'host A rate-limited (pause kept)' : 'both hosts answering',
        tokens,
        hostLatencyMs,
        concurrency: DEFAULT_CHECK_CONCURRENCY,
        reverified: summary.reverified,
        deferred: summary.deferred,
        seconds,
        tokensPerSecond: summary.reverified / seconds,
        ...(limited ? { callsAfterRateLimit: a.stats.callsAfterLimit } : {}),
      });
    }
  } finally {
    client.destroy();
  }
  return rows;
};

/**
 * Failures for the bench's exit code: under the target with both hosts answering; with host A
 * rate-limited, any token of A re-verified, or more calls to A than were already in flight at its first 429.
 */
export const reverifyThroughputFailures = (rows: readonly ReverifyThroughputRow[]): string[] =>
  rows.flatMap((row) => {
    if (row.callsAfterRateLimit === undefined) {
      return row.tokensPerSecond < REVERIFY_TOKENS_PER_SECOND_TARGET
        ? [`re-verify ${row.tokensPerSecond.toFixed(1)} tokens/s at ${row.hostLatencyMs} ms host latency (target ≥ ${REVERIFY_TOKENS_PER_SECOND_TARGET})`]
        : [];
    }
    return [
      ...(row.reverified !== row.tokens / 2 ? [`with host A rate-limited, ${row.reverified} tokens re-verified (expected host B's ${row.tokens / 2})`] : []),
      ...(row.callsAfterRateLimit >= row.concurrency ? [`host A got ${row.callsAfterRateLimit} calls after its first 429 (at most ${row.concurrency - 1} already in flight)`] : []),
    ];
  });

export const reverifyThroughputTable = (rows: readonly ReverifyThroughputRow[]): string =>
  formatTable(
    `7. Re-verify pass (decrypt + host call + write per token; target ≥ ${REVERIFY_TOKENS_PER_SECOND_TARGET} tokens/s, per-host pause kept)`,
    ['case', 'tokens', 'host latency ms', 'concurrency', 're-verified', 'deferred', 's', 'tokens/s', 'calls to A after its 429'],
    rows.map((r) => [r.case, r.tokens, r.hostLatencyMs, r.concurrency, r.reverified, r.deferred, r.seconds, r.tokensPerSecond, r.callsAfterRateLimit ?? '–']),
  );

/** Standalone: `npx tsx test/bench/reverify-throughput.ts` (starts its own DynamoDB Local). */
if (require.main === module) {
  runAlone(async (endpoint) => {
    const rows = await measureReverifyThroughput(endpoint);
    return { tables: [reverifyThroughputTable(rows)], failures: reverifyThroughputFailures(rows) };
  });
}
