import { AppError } from '../domain/errors';
import { epochSeconds, type Clock } from '../domain/clock';
import type { Secret } from '../domain/secret';
import { signAppRequest } from './connect-jwt';

export type JiraPermission = 'ADMINISTER' | 'VIEW_DEV_TOOLS';

export interface PermissionQuery {
  readonly clientKey: string;
  readonly baseUrl: string;
  readonly sharedSecret: Secret;
  readonly accountId: string;
  readonly permission: JiraPermission;
  /** For project permissions. */
  readonly projectKey?: string;
}

/** The port: does Jira grant this account this permission? */
export interface PermissionChecker {
  has(query: PermissionQuery): Promise<boolean>;
}

interface CheckResponse {
  readonly globalPermissions?: readonly string[];
  readonly projectPermissions?: readonly { readonly permission: string; readonly projects?: readonly unknown[]; readonly issues?: readonly unknown[] }[];
}

/**
 * Asks Jira (`POST /rest/api/3/permissions/check`, signed as the app). Answers are cached per
 * tenant+user+permission+project for a short time. Any failure to get an answer is 503
 * JIRA_UNAVAILABLE — never an allow.
 */
export class JiraPermissionChecker implements PermissionChecker {
  readonly #cache = new Map<string, { granted: boolean; until: number }>();

  constructor(
    private readonly appKey: string,
    private readonly clock: Clock,
    private readonly cacheSeconds: number,
    private readonly timeoutMs = 3_000,
  ) {}

  async has(query: PermissionQuery): Promise<boolean> {
    const key = [query.clientKey, query.accountId, query.permission, query.projectKey ?? ''].join('\u0000');
    const now = this.clock.now().getTime();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) return cached.granted;
    const granted = await this.#ask(query);
    this.#cache.set(key, { granted, until: now + this.cacheSeconds * 1000 });
    return granted;
  }

  async #ask(query: PermissionQuery): Promise<boolean> {
    const base = query.baseUrl.replace(/\/+$/, '');
    const path = `${new URL(base).pathname.replace(/\/+$/, '')}/rest/api/3/permissions/check`;
    const jwt = signAppRequest(this.appKey, query.sharedSecret.reveal(), { method: 'POST', path, query: {} }, base, epochSeconds(this.clock));
    const body =
      query.permission === 'ADMINISTER'
        ? { accountId: query.accountId, globalPermissions: ['ADMINISTER'] }
        : { accountId: query.accountId, projectPermissions: [{ permissions: [query.permission], projects: [query.projectKey] }] };
    let response: Response;
    try {
      response = await fetch(`${base}/rest/api/3/permissions/check`, {
        method: 'POST',
        headers: { authorization: `JWT ${jwt}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw jiraUnavailable();
    }
    if (response.status === 404 && query.projectKey) return false;
    if (!response.ok) throw jiraUnavailable();
    let parsed: CheckResponse;
    try {
      parsed = (await response.json()) as CheckResponse;
    } catch {
      throw jiraUnavailable();
    }
    if (query.permission === 'ADMINISTER') return parsed.globalPermissions?.includes('ADMINISTER') === true;
    const entry = parsed.projectPermissions?.find((p) => p.permission === query.permission);
    return (entry?.projects?.length ?? 0) > 0;
  }
}

const jiraUnavailable = (): AppError =>
  new AppError('JIRA_UNAVAILABLE', 'Jira did not answer the permission check; try again shortly.', { status: 503 });
