import { invokeRemote } from '@forge/bridge';

/**
 * The one way the pages reach the patgate API. It always goes through the Forge bridge's
 * `invokeRemote` (Forge Remote: Atlassian adds the invocation token). Locally, the simulated Jira
 * page provides a stand-in bridge that mints a token with the Jira simulator and fetches the same
 * API, so a page never knows which one it runs in.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem as the API sends it (stable `code`, human `detail`, per-field `errors`). */
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title?: string;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
  readonly retryAfterSeconds?: number;
  readonly [extension: string]: unknown;
}

export class ApiProblem extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ApiProblem';
  }

  get code(): string {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The user cancelled a request (the API may still finish it; callers reload what they show). */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'Cancelled';
  }
}

export interface CallOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface ApiResult<T> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: T;
}

const toProblem = (status: number, body: unknown): Problem => {
  if (body && typeof body === 'object' && typeof (body as Problem).code === 'string') return { ...(body as Problem), status };
  return { status, code: status >= 500 ? 'HOST_UNAVAILABLE' : 'REQUEST_FAILED', detail: `patgate answered ${status}.` };
};

const parseBody = (body: unknown): unknown => {
  if (typeof body !== 'string') return body ?? {};
  if (body === '') return {};
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return {};
  }
};

const whenAborted = (signal: AbortSignal | undefined): Promise<never> | undefined =>
  signal &&
  new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(new Cancelled());
    signal.addEventListener('abort', () => reject(new Cancelled()), { once: true });
  });

export const apiPath = (path: string, query: CallOptions['query'] = {}): string => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') search.append(key, String(value));
  const text = search.toString();
  return text ? `${path}?${text}` : path;
};

/** One API call. Answers 2xx as a result; throws ApiProblem for a refusal, Cancelled when aborted. */
export const call = async <T>(method: HttpMethod, path: string, options: CallOptions = {}): Promise<ApiResult<T>> => {
  const headers: Record<string, string> = { accept: 'application/json', ...(options.headers ?? {}) };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const request = invokeRemote({ path: apiPath(path, options.query), method, headers, ...(options.body !== undefined ? { body: options.body } : {}) });
  const aborted = whenAborted(options.signal);
  let response;
  try {
    response = await (aborted ? Promise.race([request, aborted]) : request);
  } catch (error) {
    if (error instanceof Cancelled) throw error;
    throw new ApiProblem({ status: 0, code: 'NETWORK', detail: 'patgate could not be reached. Check your connection and try again.' });
  }
  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(response?.headers ?? {})) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : String(value);
  const status = Number(response?.status ?? 0);
  const body = parseBody(response?.body);
  if (status < 200 || status >= 300) {
    const problem = toProblem(status, body);
    const retryAfter = Number(responseHeaders['retry-after']);
    throw new ApiProblem(problem.retryAfterSeconds === undefined && Number.isFinite(retryAfter) && retryAfter > 0 ? { ...problem, retryAfterSeconds: retryAfter } : problem);
  }
  return { status, headers: responseHeaders, body: body as T };
};
