import { randomBytes, randomUUID } from 'node:crypto';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { parseConfig, type Config } from '../../lambdas/config';
import { JiraSimulator, type ForgeEnvironmentType, type SiteInfo } from '../../simulators/jira/jira-simulator';
import { freePort, LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { createLocalApp, type LocalApp } from '../../local/local-app';
import { InProcessDeletionQueue } from '../../lambdas/deletion/deletion-queue';
import { createTable } from '../../local/create-table';
import type { DependencyOverrides } from '../../lambdas/wiring/dependencies';
import { captureLogs, type CapturedLogs } from './capture-logs';

export interface CallOptions {
  readonly as?: { readonly site: SiteInfo; readonly accountId: string };
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
  /** The manifest module the FIT is minted for; default: the page that calls this path (moduleForPath). */
  readonly moduleKey?: string;
  /** Another server of the same app (a second "container"); default: this harness's. */
  readonly via?: string;
}

/** The page of jira-app that calls a path: the admin page for /api/admin, the issue panel for the rest. */
export const moduleForPath = (path: string): string => (path.startsWith('/api/admin/') ? 'patgate-admin' : 'patgate-issue-context');

export interface CallResult {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
  readonly text: string;
}

/**
 * One API under test: its own table in the shared DynamoDB Local, a Jira simulator, the local API
 * server with the real handlers, and captured log lines.
 */
export class Harness {
  private constructor(
    readonly app: LocalApp,
    readonly jira: JiraSimulator,
    readonly url: string,
    readonly config: Config,
    readonly logs: CapturedLogs,
    private readonly dynamo: DynamoDBClient,
  ) {}

  /** `env` may depend on the harness's Jira simulator (e.g. its environment ids). */
  static async start(env: Record<string, string> | ((jira: JiraSimulator) => Record<string, string>) = {}, overrides: DependencyOverrides = {}): Promise<Harness> {
    const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT;
    if (!endpoint) throw new Error('DynamoDB Local is not running (Jest globalSetup)');
    const jira = new JiraSimulator();
    await jira.start();
    const port = await freePort();
    const config = parseConfig({
      PATGATE_TABLE_NAME: `patgate-test-${randomUUID()}`,
      PATGATE_DYNAMODB_ENDPOINT: endpoint,
      PATGATE_LOCAL_KEY: randomBytes(32).toString('base64'),
      PATGATE_FORGE_APP_ID: jira.forgeAppId,
      PATGATE_FORGE_JWKS_URL: jira.jwksUrl,
      PATGATE_APP_BASE_URL: `http://127.0.0.1:${port}`,
      PATGATE_LOCAL_MODE: 'true',
      AWS_REGION: 'us-east-1',
      // The uninstall's second deletion pass at once (a test that looks at the wait sets its own).
      PATGATE_UNINSTALL_SWEEP_DELAY_SECONDS: '0',
      ...(typeof env === 'function' ? env(jira) : env),
    });
    const dynamo = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
    await createTable(dynamo, config.tableName);
    const app = createLocalApp(config, overrides);
    const url = await app.server.start(port);
    return new Harness(app, jira, url, config, captureLogs(), dynamo);
  }

  async stop(): Promise<void> {
    if (this.app.deps.deletions instanceof InProcessDeletionQueue) await this.app.deps.deletions.close();
    this.logs.restore();
    await this.app.server.stop();
    await this.jira.stop();
    this.dynamo.destroy();
  }

  /** The in-process deletion queue (lambdas/deletion): the worker of uninstalls and integration deletes. */
  get deletions(): InProcessDeletionQueue {
    const queue = this.app.deps.deletions;
    if (!(queue instanceof InProcessDeletionQueue)) throw new Error('this harness has no in-process deletion queue');
    return queue;
  }

  /** A new Jira site with the app installed through Forge's lifecycle trigger. */
  async installSite(environment?: ForgeEnvironmentType): Promise<SiteInfo> {
    const site = this.jira.createSite(undefined, { environment });
    const status = await this.jira.installForge(site.clientKey, this.url);
    if (status !== 204) throw new Error(`install answered ${status}`);
    return site;
  }

  /** Uninstalls through the lifecycle trigger; returns the app's status. */
  uninstallSite(site: SiteInfo): Promise<number> {
    return this.jira.uninstallForge(site.clientKey, this.url);
  }

  async call(method: string, path: string, options: CallOptions = {}): Promise<CallResult> {
    const url = new URL(path, options.via ?? this.url);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.append(k, v);
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.as) {
      // Valid for as long as the app's (possibly advanced) test clock needs.
      const offset = Math.ceil(((this.app.deps.clock.now().getTime() - Date.now()) / 1000));
      const forge = this.jira.forgeHeaders(options.as.site.clientKey, options.as.accountId, { moduleKey: options.moduleKey ?? moduleForPath(url.pathname), expiresInSeconds: 600 + Math.max(0, offset) });
      headers.authorization ??= forge.authorization;
      headers['x-forge-oauth-system'] ??= forge['x-forge-oauth-system'];
    }
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(url, { method, headers, body });
    const text = await response.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  }

  /** Every item of the table (tests only: the service itself never scans). */
  async scanAll(): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await this.dynamo.send(new ScanCommand({ TableName: this.config.tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
