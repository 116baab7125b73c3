import autocannon from 'autocannon';

/**
 * Child process of the throughput benchmark, so the load generator does not share the API's event
 * loop: reads its plan as JSON from argv, runs autocannon, prints the figures as JSON on stdout.
 */
export interface LoadPlan {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly connections: number;
  readonly durationSeconds: number;
  /** The headers Forge sends (FIT and app system token), one set per connection (a user each). */
  readonly authorizations: readonly Readonly<Record<string, string>>[];
  /** POST body; `branchName` is made unique per request. */
  readonly body?: Record<string, string>;
}

export interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  /** Requests written; the API may still be answering some when autocannon stops. */
  readonly sent: number;
  readonly ok2xx: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly statusCodes: Record<string, number>;
}

const runPlan = async (plan: LoadPlan): Promise<LoadFigures> => {
  let connection = 0;
  let sent = 0;
  const requestFor = (authorization: Readonly<Record<string, string>>): autocannon.Request => {
    const headers = { ...authorization, 'content-type': 'application/json' };
    const { body } = plan;
    if (!body) return { method: plan.method, path: plan.path, headers };
    return {
      method: plan.method,
      path: plan.path,
      headers,
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ ...body, branchName: `${body.branchName}-${process.pid}-${(sent += 1)}` }) }),
    };
  };
  const result = await autocannon({
    url: plan.url,
    connections: plan.connections,
    duration: plan.durationSeconds,
    setupClient: (client) => {
      const authorization = plan.authorizations[connection % plan.authorizations.length] ?? {};
      connection += 1;
      client.setRequests([requestFor(authorization)]);
    },
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    sent: result.requests.sent,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, stats]) => [code, stats.count])),
  };
};

if (require.main === module) {
  runPlan(JSON.parse(process.argv[2] ?? '{}') as LoadPlan)
    .then((figures) => process.stdout.write(JSON.stringify(figures)))
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
