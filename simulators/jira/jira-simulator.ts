import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as z from 'zod';
import { LoopbackServer, type SimRequest, type SimResponse } from '../kit/loopback-server';
import type { JiraPermission } from '../../lambdas/jira/permission-checker';
import { FORGE_FIT_ISSUER } from '../../lambdas/jira/forge-invocation-token';
import { PersonalDataApi } from './personal-data-api';

/** The Forge app id the simulator mints FITs for unless told otherwise (also `npm start`'s). */
export const SIMULATED_FORGE_APP_ID = 'ari:cloud:ecosystem::app/5e1f0c1d-2a4b-4c6d-8e9f-0a1b2c3d4e5f';
/** The scopes of jira-app/manifest.yml: what an app system token of an installed app carries. */
export const MANIFEST_SCOPES: readonly string[] = ['read:jira-work', 'read:jira-user', 'write:jira-work', 'report:personal-data'];

/** A Forge environment of the app (`forge environments list`): each has its own id. */
export type ForgeEnvironmentType = 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION';

/**
 * The manifest module types of the app's modules (jira-app/manifest.yml), as FITs name them in
 * `app.module.type`; a trigger is `core:trigger`. Unknown keys are minted as an issue panel's.
 */
export const MODULE_TYPES: Readonly<Record<string, string>> = {
  'patgate-admin': 'jira:adminPage',
  'patgate-issue-context': 'jira:issueContext',
  'patgate-user-settings': 'jira:personalSettingsPage',
  'patgate-lifecycle-events': 'core:trigger',
};
/** The manifest key of the lifecycle trigger. */
export const LIFECYCLE_TRIGGER_KEY = 'patgate-lifecycle-events';

interface Project {
  readonly id: number;
  readonly key: string;
}

/** Issue type ids of a new Jira site's defaults. */
const ISSUE_TYPE_IDS: Readonly<Record<string, string>> = { Task: '10001', Bug: '10002', Story: '10003', Epic: '10000' };

interface Issue {
  readonly id: number;
  readonly key: string;
  readonly summary: string;
  /** The issue type's name (`fields.issuetype.name`); Task unless the test says otherwise. */
  readonly type: string;
  readonly project: Project;
}

interface SystemToken {
  readonly installationId: string;
  readonly scopes: ReadonlySet<string>;
  readonly expiresAt: number;
}

interface Site {
  readonly name: string;
  readonly clientKey: string;
  readonly cloudId: string;
  readonly installationId: string;
  readonly environmentType: ForgeEnvironmentType;
  readonly environmentId: string;
  readonly globalGrants: Set<string>;
  /** accountId → project keys with VIEW_DEV_TOOLS. */
  readonly projectGrants: Map<string, Set<string>>;
  readonly projects: Map<string, Project>;
  readonly issues: Map<string, Issue>;
  /** Issue id → its remote links, in creation order. */
  readonly remoteLinks: Map<number, RemoteLink[]>;
  /** A status every remote-link request of the site is answered with (fault injection), if set. */
  remoteLinkFault?: number;
}

/** A stored remote issue link (RemoteIssueLink in Jira's platform OpenAPI, without `self`). */
export interface RemoteLink {
  readonly id: number;
  readonly globalId?: string;
  readonly application?: Record<string, unknown>;
  readonly relationship?: string;
  readonly object: Record<string, unknown>;
}

export interface SiteInfo {
  readonly name: string;
  /** The tenant key patgate stores: the Forge installation id (an installation ARI). */
  readonly clientKey: string;
  /** The site's own URL. */
  readonly baseUrl: string;
  readonly cloudId: string;
  /** The API base URL FITs name (`app.apiBaseUrl`). */
  readonly apiBaseUrl: string;
  readonly installationId: string;
  readonly environmentType: ForgeEnvironmentType;
  /** The environment's ARI, as FITs name it (`ari:cloud:ecosystem::environment/<app uuid>/<env uuid>`). */
  readonly environmentId: string;
}

export interface FitOptions {
  readonly moduleKey?: string;
  /** `app.module.type`; default: the manifest type of `moduleKey` (MODULE_TYPES). */
  readonly moduleType?: string;
  readonly expiresInSeconds?: number;
  /** Overrides for negative tests. */
  readonly audience?: string;
  readonly issuer?: string;
  readonly apiBaseUrl?: string;
  readonly signWith?: 'jwks-key' | 'foreign-key';
  /** No principal: a trigger (lifecycle event). */
  readonly trigger?: boolean;
}

export interface LifecycleDelivery {
  /** The last status the app answered (0: unreachable). */
  readonly status: number;
  readonly attempts: number;
}

/** One REST exchange the simulator served, for contract tests against Jira's OpenAPI. */
export interface JiraExchange {
  readonly method: string;
  /** The REST path template, e.g. `/rest/api/3/issue/{issueIdOrKey}`. */
  readonly operation: string;
  readonly requestBody: unknown;
  readonly status: number;
  readonly responseBody: unknown;
}

/** Projects and issues every simulated site starts with (like a site with sample projects). */
const SEEDED_ISSUES: readonly { key: string; summary: string }[] = [
  ...Array.from({ length: 999 }, (_, i) => ({ key: `PROJ-${i + 1}`, summary: `Sample issue ${i + 1}` })),
  { key: 'DEMO-1', summary: 'Fix login timeout' },
  { key: 'DEMO-2', summary: 'Add dark mode' },
  { key: 'DEMO-3', summary: 'Upgrade the build' },
];

/**
 * The parts of Jira's platform OpenAPI the app calls, as the simulator enforces them
 * (https://developer.atlassian.com/cloud/jira/platform/swagger-v3.v3.json; pinned in
 * test/fixtures/jira-platform-openapi.json, which the contract test validates exchanges against):
 * BulkPermissionsRequestBean has no other properties, and `projects`/`issues` are int64 ids.
 */
const int64 = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const bulkPermissionsRequestSchema = z.strictObject({
  accountId: z.string().optional(),
  globalPermissions: z.array(z.string()).optional(),
  projectPermissions: z.array(z.strictObject({ permissions: z.array(z.string()), projects: z.array(int64).optional(), issues: z.array(int64).optional() })).optional(),
});

/**
 * RemoteIssueLinkRequest (Create or update remote issue link): `object` with `url` and `title` is
 * required; every object of it allows other members (additionalProperties: true). On top of the
 * schema Jira refuses what its remote-link validation refuses: a `url` (or icon URL) that is not an
 * absolute URI, and globalId, title, relationship or the application's name and type over 255.
 */
const MAX_REMOTE_LINK_FIELD = 255;
const absoluteUri = z.string().refine((value) => {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}, 'not a valid URI');
const short = z.string().max(MAX_REMOTE_LINK_FIELD);
const iconSchema = z.looseObject({ url16x16: absoluteUri.optional(), title: z.string().optional(), link: absoluteUri.optional() });
const remoteIssueLinkRequestSchema = z.looseObject({
  globalId: short.optional(),
  application: z.looseObject({ type: short.optional(), name: short.optional() }).optional(),
  relationship: short.optional(),
  object: z.looseObject({
    url: absoluteUri,
    title: z.string().min(1).max(MAX_REMOTE_LINK_FIELD),
    summary: z.string().optional(),
    icon: iconSchema.optional(),
    status: z.looseObject({ resolved: z.boolean().optional(), icon: iconSchema.optional() }).optional(),
  }),
});

const jiraError = (status: number, message: string): SimResponse => ({ status, body: { errorMessages: [message], errors: {} } });
const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * A loopback Jira Cloud with Forge for tests and `npm start`, strict where Jira is strict.
 * - Forge: publishes a JWKS (`/.well-known/jwks.json`), mints Forge Invocation Tokens per module
 *   and principal, issues app system tokens and checks them (and their scopes) on REST calls under
 *   `/ex/jira/{cloudId}`, and delivers lifecycle events to the app's remote with retries.
 * - REST: `POST /rest/api/3/permissions/check` (400 for string ids, as Jira), `GET
 *   /rest/api/3/issue/{key}` (`fields.project`, `fields.summary`), `GET /rest/api/3/serverInfo`,
 *   and the issue's remote links (`POST`/`GET`/`DELETE /rest/api/3/issue/{key}/remotelink`, upsert
 *   by globalId, `write:jira-work` for system tokens that write; a fault switch answers 5xx).
 * Control API under `/_control` (see `#control`).
 */
export class JiraSimulator {
  readonly server: LoopbackServer;
  readonly forgeKid = `sim-forge-${randomUUID()}`;
  readonly exchanges: JiraExchange[] = [];
  readonly #foreignKey = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  readonly #forgeKey: KeyObject;
  readonly #sites = new Map<string, Site>();
  readonly #systemTokens = new Map<string, SystemToken>();
  /** Atlassian's personal data reporting API (`POST /app/report-accounts/`, personal-data-api.ts). */
  readonly personalData = new PersonalDataApi((token) => this.#systemTokens.get(token));
  #nextId = 10_000;
  #jwksFetches = 0;

  /** The app's environments, by type: one id each (`forge environments list`). */
  readonly #environments = new Map<ForgeEnvironmentType, string>();

  constructor(readonly forgeAppId = SIMULATED_FORGE_APP_ID) {
    this.#forgeKey = createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey);
    this.server = new LoopbackServer((request) => this.#route(request));
  }

  get url(): string {
    return this.server.url;
  }

  /** Where the app reads the FIT signing keys (Atlassian: forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json). */
  get jwksUrl(): string {
    return `${this.url}/.well-known/jwks.json`;
  }

  /** How often the JWKS was fetched (tests of the unknown-kid cooldown). */
  get jwksFetches(): number {
    return this.#jwksFetches;
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The ARI of one of the app's environments (`ari:cloud:ecosystem::environment/<app uuid>/<env uuid>`). */
  environmentId(type: ForgeEnvironmentType = 'DEVELOPMENT'): string {
    let id = this.#environments.get(type);
    if (!id) {
      id = `ari:cloud:ecosystem::environment/${this.forgeAppId.replace(/^ari:cloud:ecosystem::app\//, '')}/${randomUUID()}`;
      this.#environments.set(type, id);
    }
    return id;
  }

  /** A Jira site on which the app (of `environment`, DEVELOPMENT unless told) is to be installed. */
  createSite(name = `site-${randomBytes(3).toString('hex')}`, options: { environment?: ForgeEnvironmentType } = {}): SiteInfo {
    const installationId = `ari:cloud:ecosystem::installation/${randomUUID()}`;
    const environmentType = options.environment ?? 'DEVELOPMENT';
    const site: Site = {
      name,
      clientKey: installationId,
      cloudId: randomUUID(),
      installationId,
      environmentType,
      environmentId: this.environmentId(environmentType),
      globalGrants: new Set(),
      projectGrants: new Map(),
      projects: new Map(),
      issues: new Map(),
      remoteLinks: new Map(),
    };
    this.#sites.set(site.clientKey, site);
    for (const issue of SEEDED_ISSUES) this.#addIssue(site, issue);
    return this.#info(site);
  }

  site(clientKey: string): SiteInfo {
    return this.#info(this.#site(clientKey));
  }

  /** Adds an issue (its project is created from the key's prefix when new). */
  addIssue(clientKey: string, issue: { key: string; summary: string; type?: string }): { id: string; projectId: string } {
    const created = this.#addIssue(this.#site(clientKey), issue);
    return { id: String(created.id), projectId: String(created.project.id) };
  }

  /** The remote links on an issue, as Jira stores them (tests read what the app wrote). */
  remoteLinks(clientKey: string, issueKey: string): readonly RemoteLink[] {
    const site = this.#site(clientKey);
    const issue = site.issues.get(issueKey);
    return issue ? [...(site.remoteLinks.get(issue.id) ?? [])] : [];
  }

  /** Fault injection: every remote-link request of the site is answered with `status` (e.g. 500); undefined clears it. */
  failRemoteLinks(clientKey: string, status: number | undefined): void {
    this.#site(clientKey).remoteLinkFault = status;
  }

  /** Jira's numeric id of a project (as Jira sends it: a string). */
  projectId(clientKey: string, projectKey: string): string | undefined {
    const project = this.#site(clientKey).projects.get(projectKey);
    return project ? String(project.id) : undefined;
  }

  grant(clientKey: string, accountId: string, permission: JiraPermission, projectKey?: string): void {
    const site = this.#site(clientKey);
    if (permission === 'ADMINISTER') site.globalGrants.add(accountId);
    else site.projectGrants.set(accountId, new Set([...(site.projectGrants.get(accountId) ?? []), projectKey ?? '']));
  }

  revoke(clientKey: string, accountId: string, permission: JiraPermission, projectKey?: string): void {
    const site = this.#site(clientKey);
    if (permission === 'ADMINISTER') site.globalGrants.delete(accountId);
    else site.projectGrants.get(accountId)?.delete(projectKey ?? '');
  }

  /**
   * Forge: delivers a lifecycle event to the app's remote (`{remoteBaseUrl}/lifecycle/forge`,
   * POST, FIT without principal, app system token), retrying like Forge (up to 4 retries) while the
   * app answers 5xx/429 or cannot be reached.
   */
  async deliverForgeEvent(
    clientKey: string,
    remoteBaseUrl: string,
    eventType: 'avi:forge:installed:app' | 'avi:forge:upgraded:app' | 'avi:forge:uninstalled:app',
    options: { retries?: number; retryDelayMs?: number; fit?: FitOptions } = {},
  ): Promise<LifecycleDelivery> {
    const site = this.#site(clientKey);
    // The payload of https://developer.atlassian.com/platform/forge/events-reference/life-cycle/:
    // `id` (the installation), `installerAccountId` (or `upgraderAccountId`), `app` {id, version},
    // `environment` {id}; plus the event type and the site's ARI as `context`.
    const body = {
      eventType,
      id: site.installationId,
      ...(eventType === 'avi:forge:upgraded:app' ? { upgraderAccountId: 'sim-installer' } : { installerAccountId: 'sim-installer' }),
      app: { id: this.forgeAppId, version: '3.1.0' },
      environment: { id: site.environmentId },
      context: `ari:cloud:jira::site/${site.cloudId}`,
    };
    const retries = options.retries ?? 4;
    let status = 0;
    let attempts = 0;
    for (let attempt = 0; attempt <= retries; attempt += 1) {
      attempts += 1;
      try {
        const response = await fetch(`${remoteBaseUrl}/lifecycle/forge`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.triggerHeaders(clientKey, options.fit) },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        status = response.status;
        if (status < 500 && status !== 429) break;
      } catch {
        status = 0;
      }
      if (attempt < retries) await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 50 * 2 ** attempt));
    }
    return { status, attempts };
  }

  /** Forge: installs the app on a Forge site (the `installed` event). Returns the app's last status. */
  async installForge(clientKey: string, remoteBaseUrl: string): Promise<number> {
    return (await this.deliverForgeEvent(clientKey, remoteBaseUrl, 'avi:forge:installed:app')).status;
  }

  async uninstallForge(clientKey: string, remoteBaseUrl: string): Promise<number> {
    const delivery = await this.deliverForgeEvent(clientKey, remoteBaseUrl, 'avi:forge:uninstalled:app');
    this.revokeSystemTokens(clientKey);
    return delivery.status;
  }

  /**
   * A Forge Invocation Token as Forge sends it to the remote for this module and principal, in the
   * shape of the documented examples (test/fixtures/forge-documented-examples.ts): `app` with the
   * app ARI, `installationId`, `apiBaseUrl`, `environment` {type, id: an environment ARI},
   * `module` {key, type}, `installation` {id, contexts}; `context` {cloudId, moduleKey, userAccess};
   * `principal` only for a user (a trigger has none).
   */
  fit(clientKey: string, accountId: string | undefined, options: FitOptions = {}): string {
    const site = this.#site(clientKey);
    const now = Math.floor(Date.now() / 1000);
    const moduleKey = options.moduleKey ?? (options.trigger ? LIFECYCLE_TRIGGER_KEY : 'patgate-issue-context');
    const moduleType = options.moduleType ?? MODULE_TYPES[moduleKey] ?? 'jira:issuePanel';
    const apiBaseUrl = options.apiBaseUrl ?? this.#apiBaseUrl(site);
    const claims = {
      app: {
        id: this.forgeAppId,
        version: '3',
        appVersion: '3.1.0',
        installationId: site.installationId,
        apiBaseUrl,
        environment: { type: site.environmentType, id: site.environmentId },
        module: { type: moduleType, key: moduleKey },
        installation: { id: site.installationId, contexts: [{ name: 'jira', apiBaseUrl }] },
      },
      context: { cloudId: site.cloudId, moduleKey, userAccess: { enabled: false } },
      ...(options.trigger || accountId === undefined ? {} : { principal: accountId }),
      aud: options.audience ?? this.forgeAppId,
      iss: options.issuer ?? FORGE_FIT_ISSUER,
      iat: now,
      nbf: now,
      exp: now + (options.expiresInSeconds ?? 300),
      jti: randomBytes(20).toString('hex'),
    };
    return this.signFit(claims, options.signWith);
  }

  /** Signs FIT claims with the simulator's JWKS key (tests re-sign Atlassian's documented examples with it). */
  signFit(claims: Readonly<Record<string, unknown>>, signWith: FitOptions['signWith'] = 'jwks-key'): string {
    const header = { alg: 'RS256', typ: 'JWT', kid: this.forgeKid };
    const input = `${base64url(header)}.${base64url(claims)}`;
    const key = signWith === 'foreign-key' ? createPrivateKey(this.#foreignKey.privateKey) : this.#forgeKey;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
  }

  /** An app system token for the site (what Forge sends in `x-forge-oauth-system`). */
  systemToken(clientKey: string, options: { scopes?: readonly string[]; expiresInSeconds?: number } = {}): string {
    const site = this.#site(clientKey);
    const token = `sim-sys-${randomBytes(24).toString('base64url')}`;
    this.#systemTokens.set(token, { installationId: site.installationId, scopes: new Set(options.scopes ?? MANIFEST_SCOPES), expiresAt: Date.now() + (options.expiresInSeconds ?? 3600) * 1000 });
    return token;
  }

  /** Jira refuses every system token of the site from now on (an uninstall, a revoked grant). */
  revokeSystemTokens(clientKey: string): void {
    const site = this.#site(clientKey);
    for (const [token, facts] of this.#systemTokens) if (facts.installationId === site.installationId) this.#systemTokens.delete(token);
  }

  /** The headers Forge adds when the lifecycle trigger calls the remote: a FIT with no principal, and the app system token. */
  triggerHeaders(clientKey: string, options: FitOptions = {}): { authorization: string; 'x-forge-oauth-system': string } {
    return { authorization: `Bearer ${this.fit(clientKey, undefined, { trigger: true, ...options })}`, 'x-forge-oauth-system': this.systemToken(clientKey) };
  }

  /** The headers Forge adds when a page of this module calls the remote as this user. */
  forgeHeaders(clientKey: string, accountId: string, options: FitOptions & { scopes?: readonly string[] } = {}): { authorization: string; 'x-forge-oauth-system': string } {
    return {
      authorization: `Bearer ${this.fit(clientKey, accountId, options)}`,
      'x-forge-oauth-system': this.systemToken(clientKey, { scopes: options.scopes, expiresInSeconds: Math.max(3600, options.expiresInSeconds ?? 0) }),
    };
  }

  #addIssue(site: Site, spec: { key: string; summary: string; type?: string }): Issue {
    const projectKey = spec.key.split('-')[0] ?? spec.key;
    let project = site.projects.get(projectKey);
    if (!project) {
      project = { id: (this.#nextId += 1), key: projectKey };
      site.projects.set(projectKey, project);
    }
    const issue: Issue = { id: (this.#nextId += 1), key: spec.key, summary: spec.summary, type: spec.type ?? 'Task', project };
    site.issues.set(spec.key, issue);
    return issue;
  }

  #apiBaseUrl(site: Site): string {
    return `${this.url}/ex/jira/${site.cloudId}`;
  }

  #site(clientKey: string): Site {
    const site = this.#sites.get(clientKey);
    if (!site) throw new Error(`unknown site ${clientKey}`);
    return site;
  }

  #info(site: Site): SiteInfo {
    return {
      name: site.name,
      clientKey: site.clientKey,
      baseUrl: `${this.url}/sites/${site.name}`,
      cloudId: site.cloudId,
      apiBaseUrl: this.#apiBaseUrl(site),
      installationId: site.installationId,
      environmentType: site.environmentType,
      environmentId: site.environmentId,
    };
  }

  #route(request: SimRequest): SimResponse | Promise<SimResponse> {
    if (request.method === 'GET' && request.path === '/.well-known/jwks.json') {
      this.#jwksFetches += 1;
      const jwk = createPublicKey(this.#forgeKey).export({ format: 'jwk' });
      return { status: 200, body: { keys: [{ ...jwk, kid: this.forgeKid, alg: 'RS256', use: 'sig' }] } };
    }
    if (request.path.startsWith('/_control/')) return this.#control(request);
    const forge = /^\/ex\/jira\/([^/]+)(\/rest\/api\/3\/.+)$/.exec(request.path);
    if (forge) {
      const site = [...this.#sites.values()].find((s) => s.cloudId === forge[1]);
      if (!site) return jiraError(404, 'Site not found');
      const path = forge[2] ?? '';
      const refusal = this.#forgeRefusal(site, request, path);
      if (refusal) return refusal;
      return this.#rest(site, request.method, path, request);
    }
    if (request.path.startsWith('/app/report-accounts')) return this.personalData.handle(request);
    return jiraError(404, 'Not found');
  }

  /** Atlassian's API gateway: a valid system token of this installation, with the operation's scope. */
  #forgeRefusal(site: Site, request: SimRequest, path: string): SimResponse | undefined {
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const facts = token ? this.#systemTokens.get(token) : undefined;
    if (!facts || facts.installationId !== site.installationId || facts.expiresAt < Date.now()) return { status: 401, body: { code: 401, message: 'Unauthorized' } };
    // The classic scope each operation names in Jira's platform OpenAPI (x-atlassian-oauth2-scopes).
    const writes = /^\/rest\/api\/3\/issue\/[^/]+\/remotelink/.test(path) && request.method !== 'GET';
    const needed = writes ? 'write:jira-work' : path.startsWith('/rest/api/3/issue/') || path === '/rest/api/3/project/search' ? 'read:jira-work' : 'read:jira-user';
    if (!facts.scopes.has(needed)) return { status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } };
    return undefined;
  }

  #rest(site: Site, method: string, path: string, request: SimRequest): SimResponse {
    let operation = path;
    let answer: SimResponse;
    let requestBody: unknown;
    if (method === 'POST' && path === '/rest/api/3/permissions/check') {
      operation = '/rest/api/3/permissions/check';
      try {
        requestBody = JSON.parse(request.rawBody || 'null');
      } catch {
        requestBody = request.rawBody;
      }
      answer = this.#permissionsCheck(site, requestBody);
    } else if (/^\/rest\/api\/3\/issue\/[^/]+\/remotelink$/.test(path) && ['GET', 'POST', 'DELETE'].includes(method)) {
      operation = '/rest/api/3/issue/{issueIdOrKey}/remotelink';
      if (method === 'POST') {
        try {
          requestBody = JSON.parse(request.rawBody || 'null');
        } catch {
          requestBody = request.rawBody;
        }
      }
      answer = this.#remoteLink(site, method, decodeURIComponent(path.slice('/rest/api/3/issue/'.length, -'/remotelink'.length)), request, requestBody);
    } else if (method === 'GET' && /^\/rest\/api\/3\/issue\/[^/]+$/.test(path)) {
      operation = '/rest/api/3/issue/{issueIdOrKey}';
      answer = this.#issue(site, decodeURIComponent(path.slice('/rest/api/3/issue/'.length)), request.query.get('fields'));
    } else if (method === 'GET' && path === '/rest/api/3/project/search') {
      operation = '/rest/api/3/project/search';
      answer = projectSearch(site, this.#info(site).baseUrl, request.query);
    } else if (method === 'GET' && path === '/rest/api/3/serverInfo') {
      answer = { status: 200, body: { baseUrl: this.#info(site).baseUrl, displayUrl: this.#info(site).baseUrl, version: '1001.0.0-SNAPSHOT', versionNumbers: [1001, 0, 0], deploymentType: 'Cloud', buildNumber: 100_000, buildDate: '2026-11-30T00:00:00.000Z', serverTime: new Date().toISOString(), scmInfo: 'simulated', serverTitle: site.name } };
    } else {
      return jiraError(404, 'Not found');
    }
    if (this.exchanges.length < 10_000) this.exchanges.push({ method, operation, requestBody, status: answer.status, responseBody: answer.body });
    return answer;
  }

  #permissionsCheck(site: Site, raw: unknown): SimResponse {
    const parsed = bulkPermissionsRequestSchema.safeParse(raw);
    if (!parsed.success) return jiraError(400, 'Invalid request payload. Refer to the REST API documentation and try again.');
    const body = parsed.data;
    const accountId = body.accountId ?? '';
    const globalPermissions = (body.globalPermissions ?? []).filter((p) => p === 'ADMINISTER' && site.globalGrants.has(accountId));
    const granted = (permission: string, projectKey: string): boolean => permission === 'VIEW_DEV_TOOLS' && site.projectGrants.get(accountId)?.has(projectKey) === true;
    const projectById = new Map([...site.projects.values()].map((p) => [p.id, p]));
    const issueById = new Map([...site.issues.values()].map((i) => [i.id, i]));
    const projectPermissions = (body.projectPermissions ?? []).flatMap((entry) =>
      entry.permissions.map((permission) => ({
        permission,
        // Jira ignores ids it does not know.
        projects: (entry.projects ?? []).filter((id) => { const project = projectById.get(id); return project !== undefined && granted(permission, project.key); }),
        issues: (entry.issues ?? []).filter((id) => { const issue = issueById.get(id); return issue !== undefined && granted(permission, issue.project.key); }),
      })),
    );
    return { status: 200, body: { globalPermissions, projectPermissions } };
  }

  /**
   * Issue remote links: POST creates, or updates the link with the same globalId (200; the whole
   * link is replaced, members left out become empty, as Jira does); GET lists (or, with globalId,
   * returns that one); DELETE ?globalId= removes (400 without it, 404 when no link has it).
   */
  #remoteLink(site: Site, method: string, idOrKey: string, request: SimRequest, body: unknown): SimResponse {
    if (site.remoteLinkFault !== undefined) return jiraError(site.remoteLinkFault, 'Internal server error');
    const issue = site.issues.get(idOrKey) ?? [...site.issues.values()].find((i) => String(i.id) === idOrKey);
    if (!issue) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    const links = site.remoteLinks.get(issue.id) ?? [];
    site.remoteLinks.set(issue.id, links);
    const self = (link: RemoteLink) => `${this.#info(site).baseUrl}/rest/api/3/issue/${issue.key}/remotelink/${link.id}`;
    const view = (link: RemoteLink) => ({ id: link.id, self: self(link), ...(link.globalId === undefined ? {} : { globalId: link.globalId }), ...(link.application ? { application: link.application } : {}), ...(link.relationship === undefined ? {} : { relationship: link.relationship }), object: link.object });
    const globalId = request.query.get('globalId');
    if (method === 'GET') {
      if (globalId === null) return { status: 200, body: links.map(view) };
      const found = links.find((l) => l.globalId === globalId);
      return found ? { status: 200, body: view(found) } : jiraError(404, 'No remote link with this global id.');
    }
    if (method === 'DELETE') {
      if (!globalId) return jiraError(400, 'A global ID must be provided.');
      const index = links.findIndex((l) => l.globalId === globalId);
      if (index < 0) return jiraError(404, 'No remote link with this global id.');
      links.splice(index, 1);
      return { status: 204 };
    }
    const parsed = remoteIssueLinkRequestSchema.safeParse(body);
    if (!parsed.success) {
      const errors = Object.fromEntries(parsed.error.issues.map((issue) => { const field = String(issue.path.at(-1) ?? 'object'); return [field, issue.code === 'invalid_type' && issue.input === undefined ? `'${field}' is required.` : `'${field}' is not valid: ${issue.message}`]; }));
      return { status: 400, body: { errorMessages: [], errors } };
    }
    const { globalId: wanted, application, relationship, object } = parsed.data;
    const existing = wanted === undefined ? -1 : links.findIndex((l) => l.globalId === wanted);
    const link: RemoteLink = { id: existing >= 0 ? (links[existing]?.id ?? 0) : (this.#nextId += 1), ...(wanted === undefined ? {} : { globalId: wanted }), ...(application ? { application } : {}), ...(relationship === undefined ? {} : { relationship }), object };
    if (existing >= 0) links[existing] = link;
    else links.push(link);
    return { status: existing >= 0 ? 200 : 201, body: { id: link.id, self: self(link) } };
  }

  #issue(site: Site, idOrKey: string, fields: string | null): SimResponse {
    const issue = site.issues.get(idOrKey) ?? [...site.issues.values()].find((i) => String(i.id) === idOrKey);
    if (!issue) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    const wanted = new Set((fields ?? '*all').split(',').map((f) => f.trim()));
    const all = wanted.has('*all') || wanted.has('*navigable');
    const self = `${this.#info(site).baseUrl}/rest/api/3/issue/${issue.id}`;
    const projectSelf = `${this.#info(site).baseUrl}/rest/api/3/project/${issue.project.id}`;
    return {
      status: 200,
      body: {
        expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
        id: String(issue.id),
        self,
        key: issue.key,
        fields: {
          ...(all || wanted.has('project') ? { project: { self: projectSelf, id: String(issue.project.id), key: issue.project.key, name: `Project ${issue.project.key}`, projectTypeKey: 'software', simplified: false } } : {}),
          ...(all || wanted.has('summary') ? { summary: issue.summary } : {}),
          // IssueTypeDetails (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get).
          ...(all || wanted.has('issuetype')
            ? { issuetype: { self: `${this.#info(site).baseUrl}/rest/api/3/issuetype/${ISSUE_TYPE_IDS[issue.type] ?? '10001'}`, id: ISSUE_TYPE_IDS[issue.type] ?? '10001', description: '', iconUrl: `${this.#info(site).baseUrl}/images/icons/issuetypes/task.svg`, name: issue.type, subtask: false, avatarId: 10318, hierarchyLevel: 0 } }
            : {}),
        },
      },
    };
  }

  async #control(request: SimRequest): Promise<SimResponse> {
    let body: Record<string, unknown>;
    try {
      body = (request.rawBody ? JSON.parse(request.rawBody) : {}) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { message: 'malformed JSON' } };
    }
    const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    if (request.method === 'POST' && request.path === '/_control/sites') {
      const environment = body.environment === 'STAGING' || body.environment === 'PRODUCTION' ? body.environment : 'DEVELOPMENT';
      return { status: 201, body: this.createSite(text(body.name), { environment }) };
    }
    const match = /^\/_control\/sites\/([^/]+)\/(install|uninstall|grants|fit|issues|faults)$/.exec(request.path);
    if (!match) return { status: 404, body: { message: 'unknown control route' } };
    const clientKey = decodeURIComponent(match[1] ?? '');
    const site = this.#sites.get(clientKey);
    if (!site) return { status: 404, body: { message: 'unknown site' } };
    switch (`${request.method} ${match[2]}`) {
      case 'POST install':
        return { status: 200, body: { appStatus: await this.installForge(clientKey, String(body.appBaseUrl)) } };
      case 'POST uninstall':
        return { status: 200, body: { appStatus: await this.uninstallForge(clientKey, String(body.appBaseUrl)) } };
      case 'POST grants':
        this.grant(clientKey, String(body.accountId), body.permission as JiraPermission, text(body.projectKey));
        return { status: 204 };
      case 'DELETE grants':
        this.revoke(clientKey, String(body.accountId), body.permission as JiraPermission, text(body.projectKey));
        return { status: 204 };
      case 'POST issues': {
        const key = text(body.key);
        if (!key || !/^[A-Z][A-Z0-9_]{0,49}-[1-9][0-9]{0,9}$/.test(key)) return { status: 400, body: { message: 'key like ABC-123 required' } };
        return { status: 201, body: this.addIssue(clientKey, { key, summary: text(body.summary) ?? key }) };
      }
      case 'POST faults':
        // `{ "remotelink": 500 }` answers every remote-link request with 500; `{ "remotelink": null }` clears it.
        this.failRemoteLinks(clientKey, typeof body.remotelink === 'number' && body.remotelink >= 400 && body.remotelink <= 599 ? body.remotelink : undefined);
        return { status: 204 };
      case 'POST fit': {
        const accountId = text(body.accountId);
        if (!accountId) return { status: 400, body: { message: 'accountId required' } };
        const moduleKey = text(body.moduleKey) ?? 'patgate-issue-context';
        const headers = this.forgeHeaders(clientKey, accountId, { moduleKey, expiresInSeconds: typeof body.expiresInSeconds === 'number' ? body.expiresInSeconds : undefined });
        return { status: 200, body: { fit: headers.authorization.slice('Bearer '.length), systemToken: headers['x-forge-oauth-system'], headers } };
      }
      default:
        return { status: 405, body: { message: 'method not allowed' } };
    }
  }
}

// --- Project search (project association, issue 21) ---

/**
 * "Get projects paginated", `GET /rest/api/3/project/search`
 * (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get):
 * a PageBeanProject; `startAt` (default 0) and `maxResults` (default 50, at most 100) page it, `keys`
 * and `id` filter (comma-separated, up to 50 each; Jira answers 400 above that), `query` matches
 * key or name case-insensitively, `orderBy` key. A non-numeric `startAt`/`maxResults`/`id` is 400.
 */
const projectSearch = (site: Site, baseUrl: string, query: URLSearchParams): SimResponse => {
  const numberOf = (name: string, fallback: number): number | undefined => {
    const raw = query.get(name);
    if (raw === null) return fallback;
    return /^\d+$/.test(raw) ? Number(raw) : undefined;
  };
  const listOf = (name: string): string[] => query.getAll(name).flatMap((v) => v.split(',')).filter((v) => v !== '');
  const startAt = numberOf('startAt', 0);
  const requested = numberOf('maxResults', 50);
  const keys = listOf('keys');
  const ids = listOf('id');
  if (startAt === undefined || requested === undefined || ids.some((id) => !/^\d+$/.test(id))) return jiraError(400, 'Invalid request parameters.');
  if (keys.length > 50 || ids.length > 50) return jiraError(400, 'Too many project keys or ids: at most 50.');
  const maxResults = Math.min(requested, 100);
  const text = query.get('query')?.toLowerCase();
  const matching = [...site.projects.values()]
    .filter((p) => (keys.length === 0 || keys.includes(p.key)) && (ids.length === 0 || ids.includes(String(p.id))))
    .filter((p) => !text || p.key.toLowerCase().includes(text) || `project ${p.key}`.toLowerCase().includes(text))
    .sort((a, b) => a.key.localeCompare(b.key));
  const values = matching.slice(startAt, startAt + maxResults).map((p) => ({
    self: `${baseUrl}/rest/api/3/project/${p.id}`,
    id: String(p.id),
    key: p.key,
    name: `Project ${p.key}`,
    projectTypeKey: 'software',
    simplified: false,
    style: 'classic',
  }));
  const isLast = startAt + values.length >= matching.length;
  return {
    status: 200,
    body: {
      self: `${baseUrl}/rest/api/3/project/search?startAt=${startAt}&maxResults=${maxResults}`,
      ...(isLast ? {} : { nextPage: `${baseUrl}/rest/api/3/project/search?startAt=${startAt + maxResults}&maxResults=${maxResults}` }),
      maxResults,
      startAt,
      total: matching.length,
      isLast,
      values,
    },
  };
};
