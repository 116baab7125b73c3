import type { Node } from 'constructs';

/** What a deployment chooses, from CDK context (`cdk.json` or `-c key=value`). */
export interface PatgateSettings {
  /** The app's base URL as the Connect descriptor declares it. @default the API's own URL */
  readonly appBaseUrl?: string;
  /** The Jira app iframe's origin, the only one CORS allows. @default none (no CORS) */
  readonly allowedOrigin?: string;
  /** Where Atlassian publishes the keys that sign install callbacks. */
  readonly installKeysUrl: string;
  /** The Connect app key. */
  readonly appKey: string;
  /** Active X-Ray tracing on every function. */
  readonly tracing: boolean;
  /** SNS topic every alarm notifies. @default none */
  readonly alarmTopicArn?: string;
  /** An e-mail address subscribed to the token-events topic (it confirms by mail). @default none */
  readonly notifyEmail?: string;
  /** The HTTP API stage's steady-state requests per second, all tenants together. @default 50 */
  readonly apiRateLimit?: number;
  /** The burst the stage absorbs above the rate. @default 100 */
  readonly apiBurstLimit?: number;
}

export const DEFAULT_API_RATE_LIMIT = 50;
export const DEFAULT_API_BURST_LIMIT = 100;

export const DEFAULT_INSTALL_KEYS_URL = 'https://connect-install-keys.atlassian.com';

/** Reads and checks the context once, at synth time, so a bad value fails before any deploy. */
export const readPatgateSettings = (node: Node): PatgateSettings => {
  const text = (key: string): string | undefined => {
    const value: unknown = node.tryGetContext(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string' && typeof value !== 'boolean' && typeof value !== 'number') throw new Error(`context ${key} must be a string`);
    return String(value);
  };
  const appBaseUrl = text('appBaseUrl');
  const allowedOrigin = text('allowedOrigin');
  const installKeysUrl = text('installKeysUrl') ?? DEFAULT_INSTALL_KEYS_URL;
  const alarmTopicArn = text('alarmTopicArn');
  if (appBaseUrl !== undefined) requireHttpsUrl('appBaseUrl', appBaseUrl);
  if (allowedOrigin !== undefined) requireHttpsOrigin(allowedOrigin);
  requireHttpsUrl('installKeysUrl', installKeysUrl);
  if (alarmTopicArn !== undefined && !alarmTopicArn.startsWith('arn:')) throw new Error('context alarmTopicArn must be an SNS topic ARN');
  const notifyEmail = text('notifyEmail');
  if (notifyEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(notifyEmail)) throw new Error('context notifyEmail must be an e-mail address');
  const apiRateLimit = positiveInteger('apiRateLimit', text('apiRateLimit'), DEFAULT_API_RATE_LIMIT);
  const apiBurstLimit = positiveInteger('apiBurstLimit', text('apiBurstLimit'), DEFAULT_API_BURST_LIMIT);
  if (apiBurstLimit < apiRateLimit) throw new Error('context apiBurstLimit must be at least apiRateLimit');
  return {
    appBaseUrl: appBaseUrl?.replace(/\/+$/, ''),
    allowedOrigin,
    installKeysUrl: installKeysUrl.replace(/\/+$/, ''),
    appKey: text('appKey') ?? 'patgate',
    tracing: text('tracing') === 'true',
    alarmTopicArn,
    notifyEmail,
    apiRateLimit,
    apiBurstLimit,
  };
};

/** API Gateway's account default is 10,000 rps; a stage above it would only mislead. */
const positiveInteger = (key: string, value: string | undefined, fallback: number): number => {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000) throw new Error(`context ${key} must be a whole number from 1 to 10000`);
  return parsed;
};

const requireHttpsUrl = (key: string, value: string): void => {
  if (!URL.canParse(value) || new URL(value).protocol !== 'https:') throw new Error(`context ${key} must be an https URL`);
};

/** One exact origin: CORS for a wildcard or a path would either open the API or never match. */
export const requireHttpsOrigin = (value: string): void => {
  const valid = URL.canParse(value) && new URL(value).protocol === 'https:' && new URL(value).origin === value && !value.includes('*');
  if (!valid) throw new Error('allowedOrigin must be one https origin, like https://patgate.example.com (no path, no wildcard)');
};
