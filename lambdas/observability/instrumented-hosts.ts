import type { Subsegment } from 'aws-xray-sdk-core';
import type { GitProvider } from '../hosts/git-provider';
import type { ProviderLookup } from '../hosts/provider-registry';
import { telemetry } from './telemetry';
import { tracer } from './tracer';

const isPromise = (value: unknown): value is Promise<unknown> => value instanceof Promise;

/**
 * Runs `work` in an X-Ray subsegment named `name` when tracing is on (just runs it otherwise). A
 * synchronous result closes the subsegment at once; a promise closes it when it settles.
 */
export const inSubsegment = <T>(name: string, work: () => T, settled?: () => void): T => {
  const run = (subsegment?: Subsegment): T => {
    const close = (error?: unknown): void => {
      if (error !== undefined) subsegment?.addError(error instanceof Error ? error : new Error(String(error)));
      subsegment?.close();
    };
    let out: T;
    try {
      out = work();
    } catch (error) {
      close(error);
      throw error;
    }
    if (!isPromise(out)) {
      close();
      return out;
    }
    return out.then(
      (value) => {
        close();
        settled?.();
        return value;
      },
      (error: unknown) => {
        close(error);
        settled?.();
        throw error;
      },
    ) as T;
  };
  const xray = tracer.isTracingEnabled() && tracer.getSegment() ? tracer.provider : undefined;
  if (!xray) return run();
  return xray.captureAsyncFunc(name, run) as T;
};

/**
 * Every call a git host adapter makes, measured: `HostLatency` per host kind and operation, and a
 * `## host <kind> <operation>` subsegment when tracing is on (the HTTP calls inside it are traced by
 * the tracer's HTTP and fetch capture). Synchronous members (newTokenUrl) pass through unmeasured.
 * The adapters themselves stay unaware of both.
 */
export const instrumentHosts = (lookup: ProviderLookup): ProviderLookup => (integration) => {
  const provider = lookup(integration);
  const hostKind = integration.provider;
  return new Proxy(provider, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]): unknown => {
        const started = performance.now();
        return inSubsegment(
          `## host ${hostKind} ${property}`,
          () => (value as (...a: unknown[]) => unknown).apply(target, args),
          () => telemetry.hostLatency(hostKind, property, Math.round(performance.now() - started)),
        );
      };
    },
  }) as GitProvider;
};
