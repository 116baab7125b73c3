import * as z from 'zod';

/**
 * All configuration, read from the environment once at start (docs/architecture.md §13). Names are what the CDK
 * stack sets on each function and what the local runtime sets for itself.
 */
const schema = z.object({
  PATGATE_TABLE_NAME: z.string().min(1).default('patgate'),
  /** The credentials KMS key's ARN (AWS), for every secret the vault keeps. Absent: the local runtime's local key. */
  PATGATE_CREDENTIALS_KEY_ID: z.string().min(1).optional(),
  /** Base64 AES-256 key for the local runtime's stand-in for KMS; otherwise a generated key file (mode 0600). */
  PATGATE_LOCAL_KEY: z.string().optional(),
  PATGATE_LOCAL_KEY_FILE: z.string().default('.local/patgate.key'),
  PATGATE_EVENT_BUS_NAME: z.string().default('default'),
  /** The app's own base URL (the Forge remote's baseUrl; local: the API server's address). */
  PATGATE_APP_BASE_URL: z.string().url().default('http://localhost:3000'),
  PATGATE_APP_KEY: z.string().default('patgate'),
  /**
   * The Forge app's id (`app.id` of jira-app/manifest.yml, `ari:cloud:ecosystem::app/<uuid>`): the
   * audience every Forge Invocation Token must name. CDK context `forgeAppId` sets it. Absent:
   * every request needing a FIT is refused (401).
   */
  PATGATE_FORGE_APP_ID: z.string().regex(/^ari:cloud:ecosystem::app\/[A-Za-z0-9-]{1,64}$/).optional(),
  /**
   * The Forge environment(s) this deployment serves: comma-separated environment ids or their ARIs
   * (`ari:cloud:ecosystem::environment/<app uuid>/<env uuid>`). A FIT of another environment of the
   * same app (development, staging) is refused with 401. Unset or empty: any environment (local).
   * CDK context `forgeEnvironmentIds` sets it.
   */
  PATGATE_FORGE_ENVIRONMENT_IDS: z.string().max(4000).regex(/^[A-Za-z0-9:/_, -]*$/).optional(),
  /** Atlassian's published key set for FITs (Forge Remote essentials); the Jira simulator's locally. */
  PATGATE_FORGE_JWKS_URL: z.string().url().default('https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json'),
  /** Seconds between key-set refetches for an unknown `kid` (jose's cooldown). */
  PATGATE_FORGE_JWKS_COOLDOWN_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  /** The uninstall's second deletion pass runs this long after an uninstall (longer than the 60 s tenant cache). */
  PATGATE_UNINSTALL_SWEEP_DELAY_SECONDS: z.coerce.number().int().min(0).max(3600).default(90),
  /** AWS: the SQS queue of deletion jobs (set by the CDK stack). Absent: an in-process queue (local, tests). */
  PATGATE_DELETION_QUEUE_URL: z.string().url().optional(),
  /** Local mode allows http and loopback base URLs for hosts and Jira sites (simulators). */
  PATGATE_LOCAL_MODE: z.enum(['true', 'false']).default('false'),
  /** Accept http Jira sites (the Jira simulator) even outside local mode; tests only. */
  PATGATE_JIRA_ALLOW_HTTP: z.enum(['true', 'false']).default('false'),
  PATGATE_DYNAMODB_ENDPOINT: z.string().url().optional(),
  /** Origin of the Jira app's iframe, for CORS. */
  PATGATE_ALLOWED_ORIGIN: z.string().optional(),
  /** Host endpoints for the public kinds, overridable only in local mode (simulators). */
  PATGATE_GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  PATGATE_GITHUB_WEB_URL: z.string().url().default('https://github.com'),
  PATGATE_GITLAB_URL: z.string().url().default('https://gitlab.com'),
  PATGATE_CODECOMMIT_ENDPOINT: z.string().url().optional(),
  PATGATE_PERMISSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  AWS_REGION: z.string().default('us-east-1'),
  /** Set by the Lambda runtime: the vault never uses its local key there. */
  AWS_LAMBDA_FUNCTION_NAME: z.string().optional(),
});

export type Config = Readonly<{
  tableName: string;
  credentialsKeyId: string | undefined;
  localKey: string | undefined;
  localKeyFile: string;
  /** In the Lambda runtime (AWS_LAMBDA_FUNCTION_NAME set). */
  runningInLambda: boolean;
  eventBusName: string;
  appBaseUrl: string;
  appKey: string;
  forgeAppId: string | undefined;
  /** PATGATE_FORGE_ENVIRONMENT_IDS split; empty: any environment. */
  forgeEnvironmentIds: readonly string[];
  forgeJwksUrl: string;
  forgeJwksCooldownSeconds: number;
  uninstallSweepDelaySeconds: number;
  deletionQueueUrl: string | undefined;
  /**
   * What local mode (PATGATE_LOCAL_MODE, the simulators of `npm start` and the tests) allows, one
   * capability each, so each use says which it needs:
   * git-host base URLs may be http and loopback, and are not held to their family's URL shape
   * (a simulator on localhost serves every family);
   */
  allowSimulatedHosts: boolean;
  /** the public hosts' endpoints (GitHub, GitLab.com, CodeCommit) come from configuration instead of being fixed; */
  configurablePublicHostEndpoints: boolean;
  /** events go to a JSON-lines file instead of EventBridge. */
  eventsToFile: boolean;
  /** Accept http Jira sites and a loopback Forge API base URL (local mode, or PATGATE_JIRA_ALLOW_HTTP in tests). */
  jiraAllowHttp: boolean;
  dynamoDbEndpoint: string | undefined;
  allowedOrigin: string | undefined;
  githubApiUrl: string;
  githubWebUrl: string;
  gitlabUrl: string;
  codecommitEndpoint: string | undefined;
  permissionCacheSeconds: number;
  region: string;
}>;

export const parseConfig = (env: Readonly<Record<string, string | undefined>>): Config => {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    throw new Error(`patgate configuration is invalid: ${fields}`);
  }
  const e = parsed.data;
  return {
    tableName: e.PATGATE_TABLE_NAME,
    credentialsKeyId: e.PATGATE_CREDENTIALS_KEY_ID,
    localKey: e.PATGATE_LOCAL_KEY,
    localKeyFile: e.PATGATE_LOCAL_KEY_FILE,
    runningInLambda: e.AWS_LAMBDA_FUNCTION_NAME !== undefined && e.AWS_LAMBDA_FUNCTION_NAME !== '',
    eventBusName: e.PATGATE_EVENT_BUS_NAME,
    appBaseUrl: e.PATGATE_APP_BASE_URL.replace(/\/+$/, ''),
    appKey: e.PATGATE_APP_KEY,
    forgeAppId: e.PATGATE_FORGE_APP_ID,
    forgeEnvironmentIds: (e.PATGATE_FORGE_ENVIRONMENT_IDS ?? '').split(',').map((id) => id.trim()).filter((id) => id.length > 0),
    forgeJwksUrl: e.PATGATE_FORGE_JWKS_URL,
    forgeJwksCooldownSeconds: e.PATGATE_FORGE_JWKS_COOLDOWN_SECONDS,
    uninstallSweepDelaySeconds: e.PATGATE_UNINSTALL_SWEEP_DELAY_SECONDS,
    deletionQueueUrl: e.PATGATE_DELETION_QUEUE_URL,
    allowSimulatedHosts: e.PATGATE_LOCAL_MODE === 'true',
    configurablePublicHostEndpoints: e.PATGATE_LOCAL_MODE === 'true',
    eventsToFile: e.PATGATE_LOCAL_MODE === 'true',
    jiraAllowHttp: e.PATGATE_LOCAL_MODE === 'true' || e.PATGATE_JIRA_ALLOW_HTTP === 'true',
    dynamoDbEndpoint: e.PATGATE_DYNAMODB_ENDPOINT,
    allowedOrigin: e.PATGATE_ALLOWED_ORIGIN,
    githubApiUrl: e.PATGATE_GITHUB_API_URL.replace(/\/+$/, ''),
    githubWebUrl: e.PATGATE_GITHUB_WEB_URL.replace(/\/+$/, ''),
    gitlabUrl: e.PATGATE_GITLAB_URL.replace(/\/+$/, ''),
    codecommitEndpoint: e.PATGATE_CODECOMMIT_ENDPOINT,
    permissionCacheSeconds: e.PATGATE_PERMISSION_CACHE_SECONDS,
    region: e.AWS_REGION,
  };
};
