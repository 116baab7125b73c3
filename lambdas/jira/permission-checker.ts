import type { Clock } from '../domain/clock';
import { jiraUnavailable, type JiraRestClient } from './jira-rest-client';

export type JiraPermission = 'ADMINISTER' | 'VIEW_DEV_TOOLS';

export interface PermissionQuery {
  /** The tenant (cache scope). */
  readonly tenant: string;
  /** The tenant's Jira, authenticated as the app (the platform port's JiraRestClient). */
  readonly jira: JiraRestClient;
  readonly accountId: string;
  readonly permission: JiraPermission;
  /** For project permissions: Jira's numeric project id (`fields.project.id`), never the key. */
  readonly projectId?: string;
}

/** The port: does Jira grant this account this permission? */
export interface PermissionChecker {
  has(query: PermissionQuery): Promise<boolean>;
}

interface CheckResponse {
  readonly globalPermissions?: readonly string[];
  readonly projectPermissions?: readonly { readonly permission: string; readonly projects?: readonly unknown[]; readonly issues?: readonly unknown[] }[];
}

const NUMERIC_ID = /^[1-9][0-9]{0,17}$/;

/**
 * Asks Jira `POST /rest/api/3/permissions/check`. Its `projects` and `issues` are int64 ids
 * (BulkProjectPermissions in Jira's platform OpenAPI): a project key is refused with 400, so
 * project permissions are always asked by the numeric id. Answers are cached per
 * tenant+user+permission+project for a short time. Any failure to get an answer is 503
 * JIRA_UNAVAILABLE — never an allow.
 */
export class JiraPermissionChecker implements PermissionChecker {
  readonly #cache = new Map<string, { granted: boolean; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly cacheSeconds: number,
  ) {}

  async has(query: PermissionQuery): Promise<boolean> {
    const key = [query.tenant, query.accountId, query.permission, query.projectId ?? ''].join('\u0000');
    const now = this.clock.now().getTime();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) return cached.granted;
    const granted = await this.#ask(query);
    this.#cache.set(key, { granted, until: now + this.cacheSeconds * 1000 });
    return granted;
  }

  async #ask(query: PermissionQuery): Promise<boolean> {
    if (query.permission !== 'ADMINISTER' && !NUMERIC_ID.test(query.projectId ?? '')) return false;
    const body =
      query.permission === 'ADMINISTER'
        ? { accountId: query.accountId, globalPermissions: ['ADMINISTER'] }
        : { accountId: query.accountId, projectPermissions: [{ permissions: [query.permission], projects: [Number(query.projectId)] }] };
    const answer = await query.jira.send('POST', '/rest/api/3/permissions/check', { body });
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) throw jiraUnavailable('Jira did not answer the permission check');
    const parsed = answer.body as CheckResponse;
    if (query.permission === 'ADMINISTER') return parsed.globalPermissions?.includes('ADMINISTER') === true;
    const entry = parsed.projectPermissions?.find((p) => p.permission === query.permission);
    return entry?.projects?.some((id) => String(id) === query.projectId) === true;
  }
}

/** Where an issue lives: Jira's numeric ids (as strings, as Jira's issue resource gives them). */
export interface IssueLocation {
  readonly issueId: string;
  readonly projectId: string;
  /** The project's key as Jira answers it now (shown to users; decisions use the id). */
  readonly projectKey?: string;
  /** `fields.summary` and `fields.issuetype.name`: the issue panel's suggested branch name (cached with the location). */
  readonly summary?: string;
  readonly issueType?: string;
}

/**
 * Resolves an issue key with `GET /rest/api/3/issue/{key}?fields=project,issuetype,summary`, cached per tenant
 * (a key keeps its project unless the issue is moved; a few minutes of staleness only affects
 * which project's permission is asked). Unknown issues are remembered briefly too.
 */
export class IssueLocator {
  readonly #cache = new Map<string, { location: IssueLocation | undefined; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly cacheSeconds = 300,
    private readonly missingCacheSeconds = 30,
  ) {}

  async locate(tenant: string, jira: JiraRestClient, issueKey: string): Promise<IssueLocation | undefined> {
    const key = `${tenant}\u0000${issueKey}`;
    const now = this.clock.now().getTime();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) return cached.location;
    const answer = await jira.send('GET', `/rest/api/3/issue/${encodeURIComponent(issueKey)}`, { query: { fields: 'project,issuetype,summary' } });
    let location: IssueLocation | undefined;
    if (answer.status === 404) {
      location = undefined;
    } else if (answer.status === 200) {
      // https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get (IssueBean; issuetype is IssueTypeDetails).
      const issue = answer.body as { id?: unknown; fields?: { project?: { id?: unknown; key?: unknown }; summary?: unknown; issuetype?: { name?: unknown } } } | undefined;
      const issueId = String(issue?.id ?? '');
      const projectId = String(issue?.fields?.project?.id ?? '');
      const projectKey = issue?.fields?.project?.key;
      if (!NUMERIC_ID.test(issueId) || !NUMERIC_ID.test(projectId)) throw jiraUnavailable('Jira answered the issue without its project');
      const summary = issue?.fields?.summary;
      const issueType = issue?.fields?.issuetype?.name;
      location = {
        issueId,
        projectId,
        ...(typeof projectKey === 'string' ? { projectKey } : {}),
        ...(typeof summary === 'string' ? { summary } : {}),
        ...(typeof issueType === 'string' ? { issueType } : {}),
      };
    } else {
      throw jiraUnavailable('Jira did not answer the issue lookup');
    }
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(key, { location, until: now + (location ? this.cacheSeconds : this.missingCacheSeconds) * 1000 });
    return location;
  }
}
