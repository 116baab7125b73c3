import '../../local/esm-only-packages';
import { randomBytes } from 'node:crypto';
import type { ApiEvent } from '../../lambdas/http/api-types';
import { createApiHandler, type RouteDefinition } from '../../lambdas/http/create-api-handler';
import { gitActionRoutes } from '../../lambdas/handlers/git-action';
import { tokenRoutes } from '../../lambdas/handlers/tokens';
import type { DeletionQueue } from '../../lambdas/deletion/deletion-queue';
import type { EventSink } from '../../lambdas/expiry/event-sink';
import { providersFor } from '../../lambdas/hosts/provider-registry';
import { createMetrics, EmfTelemetry, useTelemetry } from '../../lambdas/observability/telemetry';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { localVault } from '../../local/local-encryption-key';
import { createDependencies, type Dependencies } from '../../lambdas/wiring/dependencies';
import { hostCallOptionsFor } from '../../lambdas/wiring/host-call-options';
import { apiEvent } from '../infra/built-lambdas';
import { BenchSite, type BenchUser } from './bench-site';
import { ConsumedCapacityCounter } from './consumed-capacity';
import { CountingVault, KeyUnwrapCounter } from './counting-vault';
import { dropModuleState } from './function-container';
import { runAlone } from './run-alone';

/** What one request of a kind costs in counted units, averaged over the warm requests measured. */
export interface RequestCounts {
  readonly request: string;
  /** The Lambda function that serves it (a key of lib/function-specs.ts). */
  readonly functionName: 'gitAction' | 'tokens';
  readonly requests: number;
  readonly statuses: string;
  /** API Gateway requests per request (one: the page's or panel's call). */
  readonly apiRequests: number;
  readonly dynamoRequests: number;
  /** Read and write request units per request, from the ConsumedCapacity DynamoDB returned. */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** KMS requests (data-key unwraps; a cached key costs none). */
  readonly kmsRequests: number;
  readonly sqsMessages: number;
  readonly events: number;
  /** Bytes the function wrote to stdout/stderr (CloudWatch Logs ingests them): log lines and EMF lines. */
  readonly logBytes: number;
  readonly logLines: number;
  /** EMF metric values per request. */
  readonly metricValues: number;
  /** Distinct CloudWatch metrics (namespace, name, dimension values) seen: each is billed per month. */
  readonly distinctMetrics: readonly string[];
  readonly hostCalls: number;
}

interface EmfLine {
  readonly _aws?: { readonly CloudWatchMetrics?: { readonly Namespace: string; readonly Dimensions: string[][]; readonly Metrics: { readonly Name: string }[] }[] };
  readonly [key: string]: unknown;
}

/** The metrics one EMF line publishes, each as `namespace/name{dim=value,...}`. */
const metricsOf = (line: string): string[] => {
  if (!line.includes('"_aws"')) return [];
  const parsed = JSON.parse(line) as EmfLine;
  return (parsed._aws?.CloudWatchMetrics ?? []).flatMap((directive) =>
    directive.Metrics.flatMap((metric) =>
      (directive.Dimensions.length ? directive.Dimensions : [[]]).map((dims) => `${directive.Namespace}/${metric.Name}{${dims.map((d) => `${d}=${String(parsed[d])}`).join(',')}}`),
    ),
  );
};

/** Captures what the process writes to stdout and stderr while `work` runs (and keeps it off the terminal). */
const capturingOutput = async <T>(work: () => Promise<T>): Promise<{ result: T; text: string }> => {
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (chunk: unknown): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  try {
    return { result: await work(), text: chunks.join('') };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
};

/**
 * Counts, per request, everything AWS bills for the two requests patgate serves most: a git action
 * (create branch on GitHub with the user's own PAT, the git-action function) and the issue panel's
 * one call on open (`GET /api/me/integrations`, the tokens function). Each function runs in-process
 * on dependencies of its own, as its Lambda container would, with counting seams: DynamoDB consumed
 * capacity (consumed-capacity.ts), KMS unwraps (counting-vault.ts), deletion-queue messages and
 * EventBridge events (counting ports), and the bytes it logs with EMF metrics on (as in Lambda).
 * The first requests warm the container and are not counted; CPU and duration come from api-cost.ts.
 */
export const measureRequestCounts = async (dynamoEndpoint: string, requests = 50, warmup = 5): Promise<RequestCounts[]> => {
  const key = randomBytes(32);
  const sceneDb = createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint });
  const site = await BenchSite.start({ db: sceneDb, vault: localVault(key) });
  const functionDbs: { destroy(): void }[] = [];
  try {
    const world = site.world('github');
    const integrationId = await site.createIntegration(world, true);
    const user = await site.newUser(world, integrationId, true);
    const config = site.harness.config;

    const measure = async (request: string, functionName: RequestCounts['functionName'], routesOf: (deps: () => Dependencies) => RouteDefinition[], event: (n: number) => ApiEvent): Promise<RequestCounts> => {
      dropModuleState();
      const capacity = new ConsumedCapacityCounter();
      const unwraps = new KeyUnwrapCounter();
      let sqsMessages = 0;
      let events = 0;
      const deletions: DeletionQueue = {
        send: () => {
          sqsMessages += 1;
          return Promise.resolve();
        },
      };
      const eventSink: EventSink = {
        emit: () => {
          events += 1;
          return Promise.resolve();
        },
      };
      const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint });
      functionDbs.push(db);
      capacity.attach(db);
      const deps = createDependencies(config, { providers: providersFor(config, hostCallOptionsFor(config, db)), db, vault: new CountingVault(unwraps.vault(key)), deletions, events: eventSink });
      const handler = createApiHandler(routesOf(() => deps), { authenticator: () => deps.authenticator });
      const statuses = new Map<number, number>();
      const call = async (n: number): Promise<void> => {
        const response = await handler(event(n));
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      };
      for (let n = 0; n < warmup; n += 1) await call(n);
      statuses.clear();
      capacity.take();
      unwraps.take();
      sqsMessages = 0;
      events = 0;
      site.hosts.github.clearRequests();
      // EMF on, as the Lambda middleware turns it on in AWS (powertools-middleware.ts).
      const previous = useTelemetry(new EmfTelemetry(createMetrics()));
      const { text } = await capturingOutput(async () => {
        for (let n = warmup; n < warmup + requests; n += 1) await call(n);
      }).finally(() => useTelemetry(previous));
      const lines = text.split('\n').filter((line) => line.trim() !== '');
      const metrics = lines.flatMap(metricsOf);
      const units = capacity.take();
      return {
        request,
        functionName,
        requests,
        statuses: [...statuses].map(([status, n]) => `${status}×${n}`).join(' '),
        apiRequests: 1,
        dynamoRequests: units.requests / requests,
        readUnits: units.readUnits / requests,
        writeUnits: units.writeUnits / requests,
        kmsRequests: unwraps.take() / requests,
        sqsMessages: sqsMessages / requests,
        events: events / requests,
        logBytes: Buffer.byteLength(text) / requests,
        logLines: lines.length / requests,
        metricValues: metrics.length / requests,
        distinctMetrics: [...new Set(metrics)].sort(),
        hostCalls: site.hosts.github.requests.length / requests,
      };
    };

    const signed = (u: BenchUser, method: string, path: string, body?: unknown): ApiEvent =>
      apiEvent(method, path, { headers: site.forgeHeaders(u, path), ...(body === undefined ? {} : { body }) }) as unknown as ApiEvent;
    const action = await measure('create branch (GitHub, user PAT)', 'gitAction', gitActionRoutes, (n) =>
      signed(user, 'POST', '/api/git/branches', site.branchBody(world, integrationId, `bench/cost-${n}-${Date.now()}`)),
    );
    const panel = await measure('issue panel opens (GET /api/me/integrations)', 'tokens', tokenRoutes, () => signed(user, 'GET', '/api/me/integrations'));
    return [action, panel];
  } finally {
    for (const db of functionDbs) db.destroy();
    await site.stop();
    sceneDb.destroy();
  }
};

/** Standalone: `npx tsx test/bench/action-counts.ts` (starts its own DynamoDB Local). */
if (require.main === module) {
  runAlone(async (endpoint) => {
    const rows = await measureRequestCounts(endpoint);
    return { tables: [JSON.stringify(rows, null, 2)], failures: [] };
  });
}
