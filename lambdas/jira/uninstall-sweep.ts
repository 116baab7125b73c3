import { createHash, createHmac } from 'node:crypto';
import { logger } from '../observability/logger';

/**
 * Schedules the second uninstall sweep. An API container may trust its cached tenant for up to a
 * minute after an uninstall and write in that window (stores condition writes on the tenant item,
 * but the sweep is the backstop); a second sweep after the cache lifetime removes anything left.
 */
export interface SweepScheduler {
  schedule(clientKey: string, afterMs: number): Promise<void>;
}

/** The event the scheduled sweep delivers to the lifecycle function (not an API Gateway event). */
export interface SweepEvent {
  readonly patgateSweep: { readonly tenant: string };
}

export const isSweepEvent = (event: unknown): event is SweepEvent =>
  typeof event === 'object' && event !== null && typeof (event as SweepEvent).patgateSweep?.tenant === 'string';

/** Local runtime and tests: a timer in this process (unref'd, so it never holds the process open). */
export class TimerSweepScheduler implements SweepScheduler {
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(private readonly sweep: (clientKey: string) => Promise<unknown>) {}

  async schedule(clientKey: string, afterMs: number): Promise<void> {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.sweep(clientKey).catch((error: Error) => logger.error('second uninstall sweep failed', { tenant: clientKey, error: error.message }));
    }, afterMs);
    timer.unref();
    this.#timers.add(timer);
  }

  /** Stops pending sweeps (local shutdown). */
  cancelAll(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

export interface SchedulerTarget {
  readonly region: string;
  readonly groupName: string;
  /** The role EventBridge Scheduler assumes to invoke the lifecycle function. */
  readonly roleArn: string;
  /** The lifecycle function's own ARN (the Lambda context's `invokedFunctionArn`). */
  readonly functionArn: () => string | undefined;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * In AWS: a one-shot EventBridge Scheduler schedule (`at(...)`, deleted after it runs) that invokes
 * the lifecycle function with a `SweepEvent`. Called through the Scheduler REST API
 * (CreateSchedule) signed with SigV4 from the function's own credentials, so the Lambda bundle
 * needs no extra client. A failure to schedule is logged and never fails the uninstall.
 */
export class EventBridgeSweepScheduler implements SweepScheduler {
  constructor(
    private readonly target: SchedulerTarget,
    private readonly env: Readonly<Record<string, string | undefined>> = process.env,
  ) {}

  async schedule(clientKey: string, afterMs: number): Promise<void> {
    const functionArn = this.target.functionArn();
    const accessKeyId = this.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = this.env.AWS_SECRET_ACCESS_KEY;
    if (!functionArn || !accessKeyId || !secretAccessKey) {
      logger.error('second uninstall sweep not scheduled: no function ARN or credentials', { tenant: clientKey });
      return;
    }
    const at = new Date(Date.now() + Math.max(afterMs, 60_000));
    const name = `sweep-${sha256Hex(clientKey).slice(0, 32)}-${at.getTime()}`;
    const body = JSON.stringify({
      ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      GroupName: this.target.groupName,
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: functionArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify({ patgateSweep: { tenant: clientKey } } satisfies SweepEvent),
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 3600 },
      },
    });
    const host = `scheduler.${this.target.region}.amazonaws.com`;
    const path = `/schedules/${name}`;
    const headers = this.#sign(host, path, body, accessKeyId, secretAccessKey, this.env.AWS_SESSION_TOKEN);
    try {
      const response = await fetch(`https://${host}${path}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(3_000) });
      const text = await response.text();
      if (!response.ok) logger.error('second uninstall sweep not scheduled', { tenant: clientKey, status: response.status, answer: text.slice(0, 300) });
    } catch (error) {
      logger.error('second uninstall sweep not scheduled', { tenant: clientKey, error: (error as Error).message });
    }
  }

  #sign(host: string, path: string, body: string, accessKeyId: string, secretAccessKey: string, sessionToken: string | undefined): Record<string, string> {
    const now = new Date();
    const amzDate = now.toISOString().replace(/[:-]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const headers: Record<string, string> = { 'content-type': 'application/json', host, 'x-amz-date': amzDate, ...(sessionToken ? { 'x-amz-security-token': sessionToken } : {}) };
    const names = Object.keys(headers).sort();
    const canonical = ['POST', path, '', ...names.map((n) => `${n}:${headers[n]}`), '', names.join(';'), sha256Hex(body)].join('\n');
    const scope = `${day}/${this.target.region}/scheduler/aws4_request`;
    const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
    const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), this.target.region), 'scheduler'), 'aws4_request');
    const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
    const { host: _host, ...sent } = headers;
    return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}` };
  }
}
