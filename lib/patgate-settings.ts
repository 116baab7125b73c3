import type { Node } from 'constructs';

/** What a deployment chooses, from CDK context (`cdk.json` or `-c key=value`); docs/deploying.md lists every key. */
export interface PatgateSettings {
  /** A production deployment: every check of docs/deploying.md §"Production" must hold, or synth fails. @default false */
  readonly production?: boolean;
  /** Short name of the environment (`dev`, `staging`, `prod`); names (key aliases, bus, dashboard) carry it. @default none */
  readonly environmentName?: string;
  /** The app's public base URL. @default https://<domainName> when a domain is set, else the API's own URL */
  readonly appBaseUrl?: string;
  /** The Jira app iframe's origin, the only one CORS allows. @default none (no CORS) */
  readonly allowedOrigin?: string;
  /** The app key (the runtime's setup links). */
  readonly appKey: string;
  /** Active X-Ray tracing on every function. */
  readonly tracing: boolean;
  /** The public host name Forge calls (the manifest's remote baseUrl). @default none (the API's own URL) */
  readonly domainName?: string;
  /**
   * ACM certificate (in us-east-1, CloudFront's region) covering `domainName` and `origin.<domainName>`
   * (the API's own custom domain behind CloudFront). Required with `domainName`.
   */
  readonly certificateArn?: string;
  /** The Forge environment ids whose FITs production accepts (`forge environments list`). @default none */
  readonly forgeEnvironmentIds?: readonly string[];
  /** An existing SNS topic (e.g. an AWS Chatbot one) subscribed to every alarm. @default none */
  readonly alarmTopicArn?: string;
  /** An e-mail address subscribed to the alarm topic (it confirms by mail). @default none */
  readonly alarmEmail?: string;
  /** An e-mail address subscribed to the token-events topic (it confirms by mail). @default none */
  readonly notifyEmail?: string;
  /** The only role that may change the secret keys' policies and grants. Required in production. */
  readonly breakGlassRoleArn?: string;
  /** A backup vault in another account or Region that receives a copy of every table backup. @default none */
  readonly backupCopyVaultArn?: string;
  /** Reserved concurrency of gitAction (needs account headroom). @default 100 in production, none otherwise */
  readonly gitActionReservedConcurrency?: number;
  /** The origin secret's version CloudFront sends (a rotation, docs/operations.md). @default the current one at deploy */
  readonly originSecretVersion?: string;
  /** The origin secret's previous version, still accepted by the functions during a rotation. @default none */
  readonly originSecretPreviousVersion?: string;
  /** The HTTP API stage's steady-state requests per second, all tenants together. @default 50 */
  readonly apiRateLimit?: number;
  /** The burst the stage absorbs above the rate. @default 100 */
  readonly apiBurstLimit?: number;
}

/** Every name's prefix (`patgate-<environment>`): names carry the environment, so two environments fit one account. */
export const namePrefixOf = (settings: Pick<PatgateSettings, 'environmentName'>): string => (settings.environmentName ? `patgate-${settings.environmentName}` : 'patgate');

export const DEFAULT_API_RATE_LIMIT = 50;
export const DEFAULT_API_BURST_LIMIT = 100;
export const PRODUCTION_GIT_ACTION_RESERVED_CONCURRENCY = 100;

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
  const alarmTopicArn = text('alarmTopicArn');
  if (appBaseUrl !== undefined) requireHttpsUrl('appBaseUrl', appBaseUrl);
  if (allowedOrigin !== undefined) requireHttpsOrigin(allowedOrigin);
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(alarmTopicArn)) throw new Error('context alarmTopicArn must be an SNS topic ARN');
  const notifyEmail = emailOrUndefined('notifyEmail', text('notifyEmail'));
  const alarmEmail = emailOrUndefined('alarmEmail', text('alarmEmail'));
  const apiRateLimit = positiveInteger('apiRateLimit', text('apiRateLimit'), DEFAULT_API_RATE_LIMIT);
  const apiBurstLimit = positiveInteger('apiBurstLimit', text('apiBurstLimit'), DEFAULT_API_BURST_LIMIT);
  if (apiBurstLimit < apiRateLimit) throw new Error('context apiBurstLimit must be at least apiRateLimit');
  const environmentName = text('environment');
  if (environmentName !== undefined && !/^[a-z][a-z0-9-]{0,15}$/.test(environmentName)) throw new Error('context environment must be a short lower-case name like prod or staging (letters, digits, -; at most 16)');
  const domainName = text('domainName')?.toLowerCase();
  if (domainName !== undefined && !/^(?=.{1,200}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(domainName)) throw new Error('context domainName must be a host name like patgate.example.com');
  const certificateArn = text('certificateArn');
  if (certificateArn !== undefined && !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error('context certificateArn must be an ACM certificate ARN in us-east-1 (CloudFront reads certificates only there)');
  }
  if ((domainName === undefined) !== (certificateArn === undefined)) throw new Error('context domainName and certificateArn go together: set both or neither');
  const breakGlassRoleArn = text('breakGlassRoleArn');
  if (breakGlassRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(breakGlassRoleArn)) throw new Error('context breakGlassRoleArn must be an IAM role ARN');
  const reserved = text('gitActionReservedConcurrency');
  const backupCopyVaultArn = text('backupCopyVaultArn');
  if (backupCopyVaultArn !== undefined && !/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[\w.-]+$/.test(backupCopyVaultArn)) throw new Error('context backupCopyVaultArn must be a backup vault ARN');
  const originSecretVersion = secretVersionOrUndefined('originSecretVersion', text('originSecretVersion'));
  const originSecretPreviousVersion = secretVersionOrUndefined('originSecretPreviousVersion', text('originSecretPreviousVersion'));
  if (originSecretPreviousVersion !== undefined && originSecretVersion === undefined) throw new Error('context originSecretPreviousVersion needs originSecretVersion (the version CloudFront sends now)');
  const production = text('production') === 'true';
  const settings: PatgateSettings = {
    production,
    environmentName,
    appBaseUrl: appBaseUrl?.replace(/\/+$/, ''),
    allowedOrigin,
    appKey: text('appKey') ?? 'patgate',
    tracing: text('tracing') === 'true',
    domainName,
    certificateArn,
    forgeEnvironmentIds: forgeEnvironmentIdsOf(text('forgeEnvironmentIds')),
    alarmTopicArn,
    alarmEmail,
    notifyEmail,
    breakGlassRoleArn,
    backupCopyVaultArn,
    gitActionReservedConcurrency: reserved === undefined ? undefined : positiveInteger('gitActionReservedConcurrency', reserved, 0),
    originSecretVersion,
    originSecretPreviousVersion,
    apiRateLimit,
    apiBurstLimit,
  };
  if (production) requireProductionReady(settings);
  return settings;
};

/**
 * What production cannot go without (issue 26): a stable host name (a remote's baseUrl cannot change
 * without every site admin's approval), its own Forge environment only, alarms that reach someone,
 * and a named break-glass role for the keys. Each missing piece is named with the context key.
 */
export const requireProductionReady = (settings: PatgateSettings): void => {
  const missing: string[] = [];
  if (settings.domainName === undefined) missing.push('domainName and certificateArn (the stable host name Forge calls; the execute-api URL would strand every install when the API is replaced)');
  if ((settings.forgeEnvironmentIds ?? []).length === 0) missing.push('forgeEnvironmentIds (the production Forge environment id(s); FITs of development and staging carry the same app id)');
  if (settings.alarmEmail === undefined && settings.alarmTopicArn === undefined) missing.push('alarmEmail or alarmTopicArn (an alarm subscriber: without one no alarm reaches anybody)');
  if (settings.breakGlassRoleArn === undefined) missing.push('breakGlassRoleArn (the only role that may change the secret keys\' policies and grants)');
  if (missing.length > 0) throw new Error(`a production synth (production=true) needs context: ${missing.join('; ')}. See docs/deploying.md.`);
};

const FORGE_ENVIRONMENT_ID = /^[A-Za-z0-9-]{1,100}$/;

const forgeEnvironmentIdsOf = (value: string | undefined): readonly string[] | undefined => {
  if (value === undefined) return undefined;
  const ids = value.split(',').map((id) => id.trim()).filter((id) => id !== '');
  for (const id of ids) if (!FORGE_ENVIRONMENT_ID.test(id)) throw new Error(`context forgeEnvironmentIds: "${id}" is not a Forge environment id (letters, digits and -, as \`forge environments list\` shows)`);
  return ids;
};

/** A Secrets Manager version id (a UUID as put-secret-value returns it). */
const secretVersionOrUndefined = (key: string, value: string | undefined): string | undefined => {
  if (value !== undefined && !/^[A-Za-z0-9-]{32,64}$/.test(value)) throw new Error(`context ${key} must be a Secrets Manager version id (as put-secret-value prints it)`);
  return value;
};

const emailOrUndefined = (key: string, value: string | undefined): string | undefined => {
  if (value !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new Error(`context ${key} must be an e-mail address`);
  return value;
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
