import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';

/** The CloudWatch namespace of every business metric (the dashboard reads them from here). */
export const METRICS_NAMESPACE = 'patgate';

/**
 * Business metrics, one call per fact (the port services use; no service knows about EMF).
 * Dimensions: `hostKind` is the integration's provider kind (github, gitlab, tfs, ...), `action`
 * the git action or host operation, `code` the stable problem code of a refusal.
 */
export interface Telemetry {
  /** A branch/pull-request action the host carried out. */
  gitActionSucceeded(hostKind: string, action: string): void;
  /** A git action that ended with a problem code: policy refusals (PAT_*) and host failures alike. */
  gitActionRefused(hostKind: string, action: string, code: string): void;
  /** Milliseconds one call to a git host took (any operation: verifyToken, createBranch, ...). */
  hostLatency(hostKind: string, operation: string, milliseconds: number): void;
  tokenSaved(hostKind: string): void;
  tokenRejected(hostKind: string): void;
  /** Tokens the expiry checker moved to `expiring`, `expired` or `invalid` in one run. */
  expiryMarked(status: string, count: number): void;
  /** A call to Jira that failed (the operation names it, e.g. `permissions/check`, `remotelink`). */
  jiraCallFailed(operation: string): void;
  /**
   * A KMS call that failed after its retries (timeout, throttling, access denied, bad ciphertext).
   * One dimension set (`service` only), so that one alarm watches every KMS failure.
   */
  kmsCallFailed(): void;
  /** A deletion job (`tenant` after an uninstall, or `integration`) finished and verified: items it deleted. */
  deletionCompleted(kind: string, items: number): void;
}

/** Where nothing is measured: the local runtime and tests that do not look. */
export const noTelemetry: Telemetry = {
  gitActionSucceeded: () => undefined,
  gitActionRefused: () => undefined,
  hostLatency: () => undefined,
  tokenSaved: () => undefined,
  tokenRejected: () => undefined,
  expiryMarked: () => undefined,
  jiraCallFailed: () => undefined,
  kmsCallFailed: () => undefined,
  deletionCompleted: () => undefined,
};

/**
 * CloudWatch Embedded Metric Format through Powertools Metrics: each fact is one EMF line on stdout
 * with its own dimensions (a single-metric flush), so facts of one request never share, or lose,
 * dimensions, and a Lambda that times out has already written what it counted.
 */
export class EmfTelemetry implements Telemetry {
  constructor(private readonly metrics: Metrics) {}

  gitActionSucceeded(hostKind: string, action: string): void {
    this.#emit('GitActionSucceeded', MetricUnit.Count, 1, { hostKind, action });
  }

  gitActionRefused(hostKind: string, action: string, code: string): void {
    this.#emit('GitActionRefused', MetricUnit.Count, 1, { hostKind, action, code });
  }

  hostLatency(hostKind: string, operation: string, milliseconds: number): void {
    this.#emit('HostLatency', MetricUnit.Milliseconds, milliseconds, { hostKind, action: operation });
  }

  tokenSaved(hostKind: string): void {
    this.#emit('TokenSaved', MetricUnit.Count, 1, { hostKind });
  }

  tokenRejected(hostKind: string): void {
    this.#emit('TokenRejected', MetricUnit.Count, 1, { hostKind });
  }

  expiryMarked(status: string, count: number): void {
    if (count > 0) this.#emit('ExpiryMarked', MetricUnit.Count, count, { status });
  }

  jiraCallFailed(operation: string): void {
    this.#emit('JiraCallFailed', MetricUnit.Count, 1, { operation });
  }

  kmsCallFailed(): void {
    this.#emit('KmsCallFailed', MetricUnit.Count, 1, {});
  }

  deletionCompleted(kind: string, items: number): void {
    this.#emit('DeletionItems', MetricUnit.Count, items, { kind });
  }

  #emit(name: string, unit: Unit, value: number, dimensions: Record<string, string>): void {
    const single = this.metrics.singleMetric();
    if (Object.keys(dimensions).length > 0) single.addDimensions(dimensions);
    single.addMetric(name, unit, value);
  }
}

/** The Powertools Metrics of this process: namespace `patgate`, default dimension `service`. */
export const createMetrics = (): Metrics => new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'patgate' });

let current: Telemetry = noTelemetry;

/** Chooses where facts go (the Lambda middleware picks EMF; tests pick what they read). Returns the previous one. */
export const useTelemetry = (next: Telemetry): Telemetry => {
  const previous = current;
  current = next;
  return previous;
};

/**
 * The process-wide port. Services call it directly (`telemetry.tokenSaved(kind)`): counting is a
 * side effect of the Lambda, like logging, and needs no constructor wiring in every service.
 */
export const telemetry: Telemetry = {
  gitActionSucceeded: (...args) => current.gitActionSucceeded(...args),
  gitActionRefused: (...args) => current.gitActionRefused(...args),
  hostLatency: (...args) => current.hostLatency(...args),
  tokenSaved: (...args) => current.tokenSaved(...args),
  tokenRejected: (...args) => current.tokenRejected(...args),
  expiryMarked: (...args) => current.expiryMarked(...args),
  jiraCallFailed: (...args) => current.jiraCallFailed(...args),
  kmsCallFailed: () => current.kmsCallFailed(),
  deletionCompleted: (...args) => current.deletionCompleted(...args),
};
