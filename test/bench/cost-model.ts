import { functionSpecs } from '../../lib/function-specs';
import type { ApiCostRow } from './api-cost';
import type { RequestCounts } from './action-counts';
import { formatTable } from './format-table';

/**
 * AWS list prices used by the cost figures: US East (N. Virginia), on-demand, no free tier, no
 * Savings Plans. Checked 2026-12-07 against the stored copies of AWS's pricing pages (and, where the
 * stored copy of AWS's own page did not show the figure, a dated third-party copy of it, named).
 * Redo the figures when prices change: edit this table and run `npm run bench`.
 */
export const PRICES = {
  checked: '2026-12-07',
  region: 'us-east-1',
  lambdaRequestPerMillion: { usd: 0.2, source: 'https://aws.amazon.com/lambda/pricing/ (Requests: $0.20 per 1M)' },
  // Arm, first 7.5 billion GB-s a month (the functions are ARM_64: lib/functions.ts).
  lambdaArmGbSecond: { usd: 0.0000133334, source: 'https://aws.amazon.com/lambda/pricing/ (Arm price, US East; as copied by cloudchipr.com/blog/aws-lambda-pricing)' },
  httpApiPerMillion: { usd: 1.0, source: 'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million; as copied by amnic.com/blogs/aws-api-gateway-pricing)' },
  dynamoWriteUnitPerMillion: { usd: 0.625, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (write request units, Standard table class, since the November 2024 reduction; as copied by airbyte.com)' },
  dynamoReadUnitPerMillion: { usd: 0.125, source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (read request units; as copied by airbyte.com)' },
  kmsRequestPer10k: { usd: 0.03, source: 'https://aws.amazon.com/kms/pricing/ (symmetric requests, $0.03 per 10,000)' },
  kmsKeyMonth: { usd: 1.0, source: 'https://aws.amazon.com/kms/pricing/ (each KMS key $1/month)' },
  sqsRequestPerMillion: { usd: 0.4, source: 'https://aws.amazon.com/sqs/pricing/ (standard queue, per million requests; as copied by cloudburn.io/blog/amazon-sqs-pricing)' },
  eventBridgeEventPerMillion: { usd: 1.0, source: 'https://aws.amazon.com/eventbridge/pricing/ (custom events; as copied by cloudburn.io/blog/amazon-eventbridge-pricing)' },
  logsIngestedPerGb: { usd: 0.5, source: 'https://aws.amazon.com/cloudwatch/pricing/ (Logs, standard ingestion per GB)' },
  customMetricMonth: { usd: 0.3, source: 'https://aws.amazon.com/cloudwatch/pricing/ (first 10,000 metrics, per metric per month; as copied by signoz.io/guides/cloudwatch-pricing)' },
} as const;

/** What the per-month figure assumes about use; change it here, it is not measured. */
export const USAGE = {
  users: 1000,
  gitActionsPerUserMonth: 30,
  issueViewsPerUserMonth: 400,
  /**
   * Round trip to the git host from AWS per host call, added to the measured duration (the
   * simulators answer on loopback in well under a millisecond). An assumption, not a measurement.
   */
  hostRoundTripMs: 100,
  /** KMS keys the stack creates (lib/keys.ts: credentials and tenant). */
  kmsKeys: 2,
} as const;

/** At 1,769 MB a function has the equivalent of one vCPU (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). */
const MB_PER_VCPU = 1769;

export interface ServiceCost {
  readonly service: string;
  readonly perRequest: string;
  readonly usdPerMillion: number;
}

export interface RequestCost {
  readonly request: string;
  readonly memoryMb: number;
  readonly cpuMs: number;
  readonly localWallMs: number;
  /** Duration in Lambda: the measured wall time, its CPU part slowed to the function's share of a vCPU, plus the host round trips. */
  readonly lambdaDurationMs: number;
  readonly gbSeconds: number;
  readonly services: readonly ServiceCost[];
  readonly usdPerMillion: number;
  readonly distinctMetrics: readonly string[];
}

const ROUTES: Record<RequestCounts['functionName'], string> = { gitAction: 'POST /api/git/branches', tokens: 'GET /api/me/integrations' };

const fixed = (value: number, digits = 2): string => (Number.isInteger(value) ? String(value) : value.toFixed(digits));

/** The cost of one kind of request, per million, service by service, from the counts and the API's measured CPU and wall time. */
export const costOf = (counts: RequestCounts, api: readonly ApiCostRow[]): RequestCost => {
  const spec = functionSpecs[counts.functionName];
  const measured = api.find((r) => r.route === ROUTES[counts.functionName] && r.case === 'warm');
  if (!measured) throw new Error(`no warm CPU measurement for ${ROUTES[counts.functionName]}`);
  const slowdown = Math.max(1, MB_PER_VCPU / spec.memorySize);
  const cpuMs = measured.cpuMsPerRequest;
  const localWallMs = measured.wallP50Ms;
  const lambdaDurationMs = Math.ceil(Math.max(localWallMs, cpuMs) - cpuMs + cpuMs * slowdown + counts.hostCalls * USAGE.hostRoundTripMs);
  const gbSeconds = (spec.memorySize / 1024) * (lambdaDurationMs / 1000);
  const services: ServiceCost[] = [
    { service: 'API Gateway (HTTP API)', perRequest: `${fixed(counts.apiRequests)} request`, usdPerMillion: counts.apiRequests * PRICES.httpApiPerMillion.usd },
    { service: 'Lambda requests', perRequest: '1 invocation', usdPerMillion: PRICES.lambdaRequestPerMillion.usd },
    {
      service: `Lambda duration (${spec.memorySize} MB, Arm)`,
      perRequest: `${lambdaDurationMs} ms = ${gbSeconds.toFixed(5)} GB-s (CPU ${cpuMs.toFixed(2)} ms ×${slowdown.toFixed(2)} at ${(spec.memorySize / MB_PER_VCPU).toFixed(2)} vCPU; ${fixed(counts.hostCalls)} host calls × ${USAGE.hostRoundTripMs} ms)`,
      usdPerMillion: gbSeconds * 1e6 * PRICES.lambdaArmGbSecond.usd,
    },
    { service: 'DynamoDB reads (on-demand)', perRequest: `${fixed(counts.readUnits)} RRU (${fixed(counts.dynamoRequests)} requests in all)`, usdPerMillion: counts.readUnits * PRICES.dynamoReadUnitPerMillion.usd },
    { service: 'DynamoDB writes (on-demand)', perRequest: `${fixed(counts.writeUnits)} WRU`, usdPerMillion: counts.writeUnits * PRICES.dynamoWriteUnitPerMillion.usd },
    { service: 'KMS', perRequest: `${fixed(counts.kmsRequests, 3)} requests`, usdPerMillion: counts.kmsRequests * 100 * PRICES.kmsRequestPer10k.usd },
    { service: 'SQS', perRequest: `${fixed(counts.sqsMessages)} messages`, usdPerMillion: counts.sqsMessages * PRICES.sqsRequestPerMillion.usd },
    { service: 'EventBridge', perRequest: `${fixed(counts.events)} events`, usdPerMillion: counts.events * PRICES.eventBridgeEventPerMillion.usd },
    {
      service: 'CloudWatch Logs ingestion',
      perRequest: `${Math.round(counts.logBytes)} bytes (${fixed(counts.logLines)} lines, ${fixed(counts.metricValues)} of them EMF metric values)`,
      usdPerMillion: ((counts.logBytes * 1e6) / 1024 ** 3) * PRICES.logsIngestedPerGb.usd,
    },
  ];
  return {
    request: counts.request,
    memoryMb: spec.memorySize,
    cpuMs,
    localWallMs,
    lambdaDurationMs,
    gbSeconds,
    services,
    usdPerMillion: services.reduce((sum, s) => sum + s.usdPerMillion, 0),
    distinctMetrics: counts.distinctMetrics,
  };
};

export interface MonthlyCost {
  readonly lines: readonly { readonly item: string; readonly quantity: string; readonly usd: number }[];
  readonly usd: number;
}

/** 1,000 users for a month: their git actions and issue views (USAGE), plus what AWS bills per month whatever the traffic. */
export const monthlyCost = (action: RequestCost, view: RequestCost): MonthlyCost => {
  const actions = USAGE.users * USAGE.gitActionsPerUserMonth;
  const views = USAGE.users * USAGE.issueViewsPerUserMonth;
  const metrics = new Set([...action.distinctMetrics, ...view.distinctMetrics]).size;
  const lines = [
    { item: `git actions (${action.request})`, quantity: actions.toLocaleString('en-US'), usd: (actions / 1e6) * action.usdPerMillion },
    { item: `issue views (${view.request})`, quantity: views.toLocaleString('en-US'), usd: (views / 1e6) * view.usdPerMillion },
    { item: 'KMS keys', quantity: String(USAGE.kmsKeys), usd: USAGE.kmsKeys * PRICES.kmsKeyMonth.usd },
    { item: 'CloudWatch custom metrics (distinct metrics these requests publish)', quantity: String(metrics), usd: metrics * PRICES.customMetricMonth.usd },
  ];
  return { lines, usd: lines.reduce((sum, l) => sum + l.usd, 0) };
};

const usd = (value: number): string => (value >= 100 ? `$${value.toFixed(0)}` : value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`);

export const costTables = (costs: readonly RequestCost[], month: MonthlyCost): string =>
  [
    ...costs.map((c) =>
      formatTable(
        `Cost per million: ${c.request} (${PRICES.region} list prices of ${PRICES.checked}, no free tier)`,
        ['service', 'per request (measured)', 'USD per million'],
        [...c.services.map((s) => [s.service, s.perRequest, usd(s.usdPerMillion)]), ['total', '', usd(c.usdPerMillion)]],
      ),
    ),
    formatTable(
      `Cost per ${USAGE.users.toLocaleString('en-US')} users a month (${USAGE.gitActionsPerUserMonth} git actions and ${USAGE.issueViewsPerUserMonth} issue views per user; assumptions in test/bench/cost-model.ts)`,
      ['item', 'quantity', 'USD a month'],
      [...month.lines.map((l) => [l.item, l.quantity, usd(l.usd)]), ['total', '', usd(month.usd)]],
    ),
    formatTable(
      `Prices used (${PRICES.region}, checked ${PRICES.checked})`,
      ['price', 'USD', 'source'],
      Object.entries(PRICES).flatMap(([name, p]: [string, unknown]) => {
        const price = p as { usd?: number; source?: string };
        return price.usd === undefined ? [] : [[name, String(price.usd), price.source ?? '']];
      }),
    ),
  ].join('\n');
