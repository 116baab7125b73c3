import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { AssetHashType, DockerImage, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Data } from './data';
import {
  functionNames,
  functionRoleName,
  functionSpecs,
  type AppSetting,
  type FunctionName,
  type FunctionSpec,
  type KeyGrant,
} from './function-specs';
import type { Keys } from './keys';
import { moduleNameOf, PROJECT_ROOT } from './lambda-bundle';
import { METRICS_NAMESPACE } from '../lambdas/observability/telemetry';

/** The values behind each `AppSetting`, as the runtime's `lambdas/config.ts` names them. */
export interface AppSettings {
  /** The app's base URL (the `aud` of Atlassian's signed install callbacks); may be set later. */
  readonly appBaseUrl?: string;
  readonly appKey: string;
  /** Origin of the Jira app's iframe; absent when the app is served from the API's own origin. */
  readonly allowedOrigin?: string;
}

const SETTING_VARIABLES: Readonly<Record<AppSetting, string>> = {
  appBaseUrl: 'PATGATE_APP_BASE_URL',
  appKey: 'PATGATE_APP_KEY',
  allowedOrigin: 'PATGATE_ALLOWED_ORIGIN',
};

/**
 * Local-only switches of lambdas/config.ts, pinned to their safe value on every function whatever
 * the runtime's default becomes (issue 21 item 6): local mode would allow http and loopback hosts
 * (the simulators), PATGATE_JIRA_ALLOW_HTTP http Jira sites.
 */
export const PINNED_LOCAL_SWITCHES: Readonly<Record<string, string>> = {
  PATGATE_LOCAL_MODE: 'false',
  PATGATE_JIRA_ALLOW_HTTP: 'false',
};

/** Local-only variables that must never be set in Lambda (an endpoint or key of the local runtime). */
export const LOCAL_ONLY_VARIABLES: readonly string[] = ['PATGATE_DYNAMODB_ENDPOINT', 'PATGATE_LOCAL_KEY', 'PATGATE_LOCAL_KEY_FILE', 'PATGATE_CODECOMMIT_ENDPOINT', 'PATGATE_GITHUB_API_URL', 'PATGATE_GITHUB_WEB_URL', 'PATGATE_GITLAB_URL'];

export interface FunctionsProps {
  readonly data: Data;
  readonly keys: Keys;
  readonly settings: AppSettings;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Active X-Ray tracing on every function. @default false */
  readonly tracing?: boolean;
  /** The deletion queue (lib/deletion-queue.ts): its URL and the actions of each spec's `deletionQueue`. */
  readonly deletionQueue: sqs.IQueue;
  /** Reserved concurrency per function (caps a runaway function; needs account headroom). @default tokenExpiry 1 */
  readonly reservedConcurrency?: Partial<Record<FunctionName, number>>;
  /** Forge environment ids whose FITs the FIT-verifying functions accept (PATGATE_FORGE_ENVIRONMENT_IDS). @default none */
  readonly forgeEnvironmentIds?: readonly string[];
  /** Prefix of the roles' names (`<prefix>-<function>-function`), which the key policy names. @default 'patgate' */
  readonly namePrefix?: string;
}

/**
 * Reserved concurrency that is part of the design, not a deployment choice: the expiry checker
 * runs alone (reserved 1), so an hourly run that overruns never overlaps the next one.
 */
const DESIGN_RESERVED_CONCURRENCY: Partial<Record<FunctionName, number>> = { tokenExpiry: 1 };

/**
 * One function per handler (docs/architecture.md §10), each with its own role holding only the explicit
 * statements of its `FunctionSpec`: no managed policy, no `grant*` helper that adds more. All of them
 * run one asset, built by esbuild with code splitting (see `lambdaCode`).
 */
export class Functions extends Construct {
  public readonly byName: Readonly<Record<FunctionName, lambda.Function>>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);
    const code = lambdaCode();
    const entries = functionNames.map((name) => [name, this.createFunction(name, functionSpecs[name], props, code)] as const);
    this.byName = Object.fromEntries(entries) as Record<FunctionName, lambda.Function>;
  }

  /** Sets the app base URL once it is known (the API's own URL, created after the functions). */
  public useAppBaseUrl(url: string): void {
    for (const name of functionNames) {
      if (functionSpecs[name].settings.includes('appBaseUrl')) this.byName[name].addEnvironment(SETTING_VARIABLES.appBaseUrl, url);
    }
  }

  public roleOf(name: FunctionName): iam.IRole {
    const role = this.byName[name].role;
    if (!role) throw new Error(`function ${name} has no role`);
    return role;
  }

  private createFunction(name: FunctionName, spec: FunctionSpec, props: FunctionsProps, code: lambda.Code): lambda.Function {
    const scope = new Construct(this, upperFirst(name));
    const logGroup = new logs.LogGroup(scope, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const role = new iam.Role(scope, 'Role', {
      roleName: functionRoleName(props.namePrefix ?? 'patgate', name),
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `patgate ${name} function`,
    });
    const fn = new lambda.Function(scope, 'Function', {
      code,
      handler: `${moduleNameOf(spec.entry)}.handler`,
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      role,
      logGroup,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      reservedConcurrentExecutions: { ...DESIGN_RESERVED_CONCURRENCY, ...props.reservedConcurrency }[name],
      environment: this.environmentOf(spec, props),
      // Powertools writes JSON; the platform's own lines (START/END/REPORT) only from WARN up.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      // The deletion worker re-enqueues its continuations on purpose (SQS → Lambda → SQS): Lambda
      // must not stop that loop as a runaway recursion.
      recursiveLoop: name === 'deletion' ? lambda.RecursiveLoop.ALLOW : lambda.RecursiveLoop.TERMINATE,
      // Published versions (lib/deploy-safety.ts) go once CloudFormation's cleanup runs; the alias keeps the one in service.
      currentVersionOptions: { removalPolicy: RemovalPolicy.DESTROY },
    });
    grantLogWriting(role, logGroup);
    grantTableRights(role, spec, props.data);
    grantKeyRights(role, spec.credentialsKey, props.keys.credentials);
    grantQueueRights(role, spec, props.deletionQueue);
    acknowledgeFindings(fn, role, name, props.tracing ?? false);
    return fn;
  }

  private environmentOf(spec: FunctionSpec, props: FunctionsProps): Record<string, string> {
    const env: Record<string, string> = {
      // The asset's linked source maps (lambda-bundle.ts): stack traces name our source files.
      NODE_OPTIONS: '--enable-source-maps',
      ...PINNED_LOCAL_SWITCHES,
      // Powertools (lambdas/observability): one service name, the metrics namespace the dashboard
      // reads, and the tracer on exactly when the function's X-Ray tracing is.
      POWERTOOLS_SERVICE_NAME: 'patgate',
      POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
      POWERTOOLS_TRACE_ENABLED: String(props.tracing ?? false),
    };
    if (spec.table.length > 0 || spec.indexes.length > 0) env.PATGATE_TABLE_NAME = props.data.table.tableName;
    // The key ARN (never an alias: ciphertexts record the key ARN) goes to every function that
    // uses the vault; the IAM statements, not the variable, decide what each may do with it.
    if (spec.credentialsKey.length > 0) env.PATGATE_CREDENTIALS_KEY_ID = props.keys.credentials.keyArn;
    // FITs of the app's development or staging environment carry the same app id: production
    // accepts only its own environment(s) (docs/architecture.md §3).
    if (spec.verifiesFit && (props.forgeEnvironmentIds ?? []).length > 0) env.PATGATE_FORGE_ENVIRONMENT_IDS = (props.forgeEnvironmentIds ?? []).join(',');
    if (spec.deletionQueue.length > 0) env.PATGATE_DELETION_QUEUE_URL = props.deletionQueue.queueUrl;
    for (const setting of spec.settings) {
      const value = props.settings[setting];
      if (value !== undefined) env[SETTING_VARIABLES[setting]] = value;
    }
    return env;
  }
}

/**
 * Builds the Lambda asset into `outputDir` (lib/build-lambdas.ts in a child process), and esbuild's
 * metafile to `metafilePath` when given: synth and the bundle tests build it the same way.
 */
export const buildLambdaAsset = (outputDir: string, metafilePath?: string): void => {
  const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const script = path.join(PROJECT_ROOT, 'lib', 'build-lambdas.ts');
  const built = spawnSync(process.execPath, [tsx, script, outputDir, ...(metafilePath ? [metafilePath] : [])], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error(`building the Lambda asset failed (exit ${String(built.status ?? built.signal)})`);
};

/**
 * Every handler in one asset, built by lib/build-lambdas.ts with the options of lambda-bundle.ts
 * (which the bundle-size test and the cold-start bench build with too) in a child process: no
 * Docker, no network. The asset's hash is its output's, and a synth that skips bundling (the infra
 * tests) builds nothing.
 */
const lambdaCode = (): lambda.Code =>
  lambda.Code.fromAsset(PROJECT_ROOT, {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws (esbuild and tsx are dev dependencies of the stack).
      image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
      local: {
        tryBundle(outputDir: string): boolean {
          buildLambdaAsset(outputDir);
          return true;
        },
      },
    },
  });

const grantLogWriting = (role: iam.Role, logGroup: logs.LogGroup): void => {
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'WriteOwnLogs',
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [logGroup.logGroupArn],
    }),
  );
};

const grantTableRights = (role: iam.Role, spec: FunctionSpec, data: Data): void => {
  if (spec.table.length > 0) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'TableItems', actions: [...spec.table], resources: [data.table.tableArn] }),
    );
  }
  spec.indexes.forEach((grant, i) => {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: `TableIndexes${i}`,
        actions: [...grant.actions],
        resources: grant.names.map((indexName) => data.indexArn(indexName)),
      }),
    );
  });
};

const grantKeyRights = (role: iam.Role, grants: readonly KeyGrant[], key: kms.IKey): void => {
  for (const grant of grants) {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...grant.actions],
        resources: [key.keyArn],
        // The purpose is part of every ciphertext's encryption context (docs/architecture.md §6), so a function
        // allowed user PATs cannot be pointed at a service credential or a shared secret.
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': [...grant.purposes] } },
      }),
    );
  }
};

const grantQueueRights = (role: iam.Role, spec: FunctionSpec, queue: sqs.IQueue): void => {
  if (spec.deletionQueue.length === 0) return;
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'DeletionQueue', actions: [...spec.deletionQueue], resources: [queue.queueArn] }));
};

const acknowledgeFindings = (fn: lambda.Function, role: iam.Role, name: FunctionName, tracing: boolean): void => {
  Validations.of(fn).acknowledge({
    id: 'AwsSolutions-L1',
    reason: 'Node.js 22 is the runtime the handlers are built and tested for (esbuild target node22, docs/architecture.md §10); moving to a newer runtime is a deliberate upgrade, not a drift.',
  });
  if (!tracing) return;
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: `X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; the ${name} role gets them only because tracing is on.`,
  });
};

const upperFirst = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
