import { AppError } from '../domain/errors';
import type { Secret } from '../domain/secret';

/** One answer of Jira's REST API: the status and the parsed JSON body (undefined when empty). */
export interface JiraAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The Jira REST client port: one tenant's Jira, authenticated as the app. The Forge adapter sends
 * the app system token; handlers and services never see which adapter they hold.
 */
export type JiraMethod = 'GET' | 'POST' | 'DELETE';

export interface JiraRestClient {
  send(method: JiraMethod, path: string, options?: { query?: Readonly<Record<string, string>>; body?: unknown }): Promise<JiraAnswer>;
}

export const jiraUnavailable = (what = 'Jira did not answer'): AppError =>
  new AppError('JIRA_UNAVAILABLE', `${what}; try again shortly.`, { status: 503 });

const ATLASSIAN_API_HOST_SUFFIXES = ['.atlassian.com', '.atlassian-us-gov-mod.com'];

/**
 * The API base URL a FIT names (`app.apiBaseUrl`, e.g. `https://api.atlassian.com/ex/jira/{cloudId}`)
 * must be an Atlassian API host over https: the system token is never sent anywhere else, even if a
 * verified token named another host. Local mode also allows loopback http (the Jira simulator).
 */
export const atlassianApiBaseUrl = (value: unknown, allowLoopback: boolean): string | undefined => {
  if (typeof value !== 'string' || value.length > 500) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.username || url.password || url.search || url.hash) return undefined;
  const host = url.hostname.toLowerCase();
  const atlassian = url.protocol === 'https:' && !url.port && (host === 'api.atlassian.com' || ATLASSIAN_API_HOST_SUFFIXES.some((suffix) => host.endsWith(suffix)));
  const loopback = allowLoopback && url.protocol === 'http:' && (host === '127.0.0.1' || host === 'localhost' || host === '[::1]');
  return atlassian || loopback ? url.toString().replace(/\/+$/, '') : undefined;
};

const send = async (url: string, init: RequestInit, timeoutMs: number, refusedMeansUnavailable: boolean): Promise<JiraAnswer> => {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch {
    throw jiraUnavailable();
  }
  const text = await response.text().catch(() => '');
  // Jira refusing the app's own credentials is never the caller's fault and never an allow.
  if (refusedMeansUnavailable && (response.status === 401 || response.status === 403)) throw jiraUnavailable('Jira refused the app\'s credentials');
  if (response.status >= 500 || response.status === 429) throw jiraUnavailable();
  let body: unknown;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    throw jiraUnavailable('Jira answered something that is not JSON');
  }
  return { status: response.status, body };
};

const withQuery = (path: string, query: Readonly<Record<string, string>> | undefined): string => {
  const search = new URLSearchParams(query ?? {}).toString();
  return search ? `${path}?${search}` : path;
};

/** Forge Remote: `Authorization: Bearer <app system token from x-forge-oauth-system>` against the FIT's API base URL. */
export class ForgeJiraClient implements JiraRestClient {
  constructor(
    private readonly apiBaseUrl: string,
    private readonly systemToken: Secret,
    private readonly timeoutMs = 3_000,
  ) {}

  send(method: JiraMethod, path: string, options: { query?: Readonly<Record<string, string>>; body?: unknown } = {}): Promise<JiraAnswer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.systemToken.reveal()}`, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    return send(`${this.apiBaseUrl}${withQuery(path, options.query)}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) }, this.timeoutMs, true);
  }
}
