import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Whether this process may trace: inside Lambda (AWS_EXECUTION_ENV) with POWERTOOLS_TRACE_ENABLED
 * not `false` (the stack sets it from its `tracing` context). Only then is the Powertools tracer
 * (and the X-Ray SDK beneath it) loaded, a chunk of its own in the deployed bundle; once loaded it
 * applies its own, stricter rules (SAM and Amplify mocks trace nothing).
 */
export const tracingWanted = (env: NodeJS.ProcessEnv = process.env): boolean =>
  (env.AWS_EXECUTION_ENV ?? '') !== '' && (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false';

let loaded: Tracer | undefined;
let loading: Promise<Tracer | undefined> | undefined;
/** AWS SDK clients made before the tracer was loaded: captured when it is (capture adds a middleware to the client in place). */
const pendingClients: object[] = [];

/**
 * The process-wide Powertools tracer, loaded on first need: undefined when tracing is not wanted.
 * The Powertools middleware awaits it before every handler runs, so the facade below is complete
 * from then on.
 */
export const loadTracer = (): Promise<Tracer | undefined> => {
  loading ??= tracingWanted()
    ? import('@aws-lambda-powertools/tracer').then(({ Tracer: PowertoolsTracer }) => {
        loaded = new PowertoolsTracer({ serviceName: 'patgate' });
        for (const client of pendingClients.splice(0)) loaded.captureAWSv3Client(client);
        return loaded;
      })
    : Promise.resolve(undefined);
  return loading;
};

/** The members of the tracer that patgate uses, answering "off" until (and unless) it is loaded. */
export interface ProcessTracer {
  isTracingEnabled(): boolean;
  getSegment(): ReturnType<Tracer['getSegment']>;
  /** The X-Ray SDK (for `captureAsyncFunc`); only when tracing is enabled. */
  readonly provider: Tracer['provider'] | undefined;
  /** Traces an AWS SDK v3 client's calls when tracing is on (returns the same client). */
  captureAWSv3Client<T extends object>(client: T): T;
}

/**
 * The process-wide X-Ray tracer, as a facade that loads nothing: it is active only inside Lambda
 * with POWERTOOLS_TRACE_ENABLED not `false`, once `loadTracer()` has run; elsewhere every capture
 * is a no-op.
 */
export const tracer: ProcessTracer = {
  isTracingEnabled: () => loaded?.isTracingEnabled() ?? false,
  getSegment: () => loaded?.getSegment(),
  get provider() {
    return loaded?.provider;
  },
  captureAWSv3Client: (client) => {
    if (loaded) return loaded.captureAWSv3Client(client);
    if (tracingWanted()) pendingClients.push(client);
    return client;
  },
};
