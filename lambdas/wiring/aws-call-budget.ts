/**
 * How long one AWS SDK call may take, retries included. Every client the functions build takes its
 * timeouts and attempts from here, so that a hung endpoint fails the call well inside the shortest
 * function timeout (10 s) instead of holding the Lambda until it is killed.
 *
 * `requestTimeoutMs` bounds one attempt from the moment the request is created (connection
 * included; `throwOnRequestTimeout` turns the SDK's warning into a `TimeoutError`, which the
 * standard retry strategy treats as transient and retries). `connectionTimeoutMs` only makes an
 * unreachable endpoint fail sooner than that.
 */
export interface AwsCallBudget {
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
}

/** DynamoDB answers in milliseconds; 1.5 s is a hung connection, not a slow query. */
export const DYNAMODB_BUDGET: AwsCallBudget = { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 3 };

/** KMS Encrypt/Decrypt: one retry, since a vault call sits on every authenticated request. */
export const KMS_BUDGET: AwsCallBudget = { connectionTimeoutMs: 500, requestTimeoutMs: 1_500, maxAttempts: 2 };

/** The deletion queue's SendMessage: a failure answers 500 and the caller's retry enqueues again. */
export const SQS_BUDGET: AwsCallBudget = { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 3 };

/** The checker's PutEvents: an undelivered event stays marked on its token and goes out next run. */
export const EVENTBRIDGE_BUDGET: AwsCallBudget = { connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 3 };

/**
 * DynamoDB Local is a JVM on the developer's machine (or a busy CI runner) whose first calls can
 * take seconds: the same attempts, a lenient clock.
 */
export const LOCAL_DYNAMODB_BUDGET: AwsCallBudget = { connectionTimeoutMs: 5_000, requestTimeoutMs: 30_000, maxAttempts: 3 };

/** The standard retry strategy's largest delay before attempt n+1 (full jitter on 100 ms · 2^n). */
const MAX_BACKOFF_MS = (retry: number): number => Math.min(20_000, 100 * 2 ** retry);

/** The longest one call can take under a budget: every attempt timing out, every backoff at its cap. */
export const worstCaseMs = (budget: AwsCallBudget): number => {
  let total = budget.maxAttempts * budget.requestTimeoutMs;
  for (let retry = 0; retry < budget.maxAttempts - 1; retry += 1) total += MAX_BACKOFF_MS(retry);
  return total;
};

/** The client options a budget stands for (`requestHandler` as NodeHttpHandler options). */
export const clientOptionsFor = (budget: AwsCallBudget) =>
  ({
    maxAttempts: budget.maxAttempts,
    requestHandler: {
      connectionTimeout: budget.connectionTimeoutMs,
      requestTimeout: budget.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  }) as const;
