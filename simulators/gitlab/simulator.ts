import * as z from 'zod';
import { faultSchema, LoopbackServer, type Fault, type RecordedRequest, type SimRequest, type SimResponse } from '../kit/loopback-server';
import { API_PREFIX, handleGitLabApi } from './gitlab-api';
import { matchPathPattern } from './match-path-pattern';
import { GitLabSimState, PROJECT_ROLES, type IssueTokenInput, type ProjectRole, type SeedProjectInput, type SimProject } from './gitlab-sim-state';
import { GitLabWebPages } from './web-pages';

/**
 * A loopback GitLab (GitLab.com or self-managed) for tests and `npm start`: REST v4 under `/api/v4`
 * with GitLab's wire format, state kept in memory, and control under `/_control` (see SIMULATOR.md).
 */
export interface GitLabSimulatorOptions {
  /** Personal access token prefix; self-managed admins may change it. Default `glpat-`. */
  readonly tokenPrefix?: string;
  /** false behaves as GitLab before 15.5, which has no `GET /personal_access_tokens/self`. Default true. */
  readonly tokenSelfEndpoint?: boolean;
  /** The clock that decides token expiry. */
  readonly now?: () => Date;
}

export interface SeededProject {
  readonly id: number;
  readonly path: string;
  readonly webUrl: string;
  readonly defaultBranch: string;
}

export interface IssuedToken {
  readonly token: string;
  readonly id: number;
  readonly username: string;
  readonly scopes: readonly string[];
  /** `YYYY-MM-DD`, or null for a token that never expires. */
  readonly expiresAt: string | null;
  readonly name: string;
}

export interface BranchInfo {
  readonly name: string;
  readonly commitId: string;
  /** The acting user whose token created the branch; null for seeded branches. */
  readonly createdBy: string | null;
}

export interface PullRequestInfo {
  readonly id: number;
  readonly iid: number;
  readonly title: string;
  readonly description: string | null;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly state: string;
  readonly webUrl: string;
  /** The acting user whose token created the merge request. */
  readonly createdBy: string;
}

const CONTROL_PREFIX = '/_control';

const roleSchema = z.enum(PROJECT_ROLES as [ProjectRole, ...ProjectRole[]]);
const userBody = z.object({ username: z.string().min(1), name: z.string().optional(), email: z.string().optional() });
const projectBody = z.object({
  path: z.string().min(3),
  defaultBranch: z.string().min(1).optional(),
  branches: z.record(z.string(), z.string().regex(/^[0-9a-f]{40}$/)).optional(),
  members: z.record(z.string(), roleSchema).optional(),
  visibility: z.enum(['private', 'internal', 'public']).optional(),
});
const tokenBody = z.object({
  username: z.string().min(1),
  scopes: z.array(z.string()).optional(),
  expiresAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
});
const tokenRef = z.object({ token: z.string().min(1) });
const memberBody = z.object({ role: roleSchema });

const json = (status: number, body?: unknown): SimResponse => ({ status, body });
const controlError = (status: number, text: string): SimResponse => json(status, { error: text });

const parseJson = (rawBody: string): unknown => {
  try {
    return rawBody.trim() === '' ? {} : (JSON.parse(rawBody) as unknown);
  } catch {
    return undefined;
  }
};

interface ControlRoute {
  readonly method: string;
  readonly pattern: readonly string[];
  readonly run: (params: Readonly<Record<string, string>>, body: unknown) => SimResponse;
}

/** A project or token the control call names does not exist: 404, not 400. */
class UnknownItemError extends Error {}

export class GitLabSimulator {
  readonly #state: GitLabSimState;
  readonly #server: LoopbackServer;
  readonly #tokenSelfEndpoint: boolean;
  readonly #web: GitLabWebPages;

  constructor(options: GitLabSimulatorOptions = {}) {
    this.#state = new GitLabSimState(options.now ?? (() => new Date()), options.tokenPrefix ?? 'glpat-');
    this.#tokenSelfEndpoint = options.tokenSelfEndpoint ?? true;
    this.#web = new GitLabWebPages(this.#state);
    this.#server = new LoopbackServer((request) => this.#serve(request));
  }

  start(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.#server.start(port, host);
  }

  stop(): Promise<void> {
    return this.#server.stop();
  }

  /** Base URL: both the target's apiUrl and webUrl (the client adds /api/v4). */
  get url(): string {
    return this.#server.url;
  }

  /** Every /api/v4 request received, credentials removed. */
  get requests(): readonly RecordedRequest[] {
    return this.#server.requests;
  }

  clearRequests(): void {
    this.#server.clearRequests();
  }

  injectFault(fault: Fault): void {
    this.#server.injectFault(fault);
  }

  clearFaults(): void {
    this.#server.clearFaults();
  }

  get latencyMs(): number {
    return this.#server.latencyMs;
  }

  set latencyMs(value: number) {
    this.#server.latencyMs = value;
  }

  /** Forgets users, tokens and projects (faults and the request log stay). */
  reset(): void {
    this.#state.reset();
    this.#web.sessions.clear();
  }

  addUser(input: { readonly username: string; readonly name?: string; readonly email?: string }): { id: number; username: string; name: string } {
    const { id, username, name } = this.#state.addUser(input.username, input.name, input.email);
    return { id, username, name };
  }

  seedProject(input: SeedProjectInput): SeededProject {
    return this.#seeded(this.#state.seedProject(input));
  }

  addMember(project: string, username: string, role: ProjectRole): void {
    this.#state.addMember(this.#project(project).path, username, role);
  }

  issueToken(input: IssueTokenInput): IssuedToken {
    const token = this.#state.issueToken(input);
    return { token: token.value, id: token.id, username: token.username, scopes: token.scopes, expiresAt: token.expiresAt, name: token.name };
  }

  revokeToken(token: string): void {
    if (!this.#state.revokeToken(token)) throw new UnknownItemError('No such token');
  }

  /** Sets the expiry date to today (UTC): from then on GitLab answers 401 "Token is expired". */
  expireToken(token: string): void {
    if (!this.#state.expireToken(token)) throw new UnknownItemError('No such token');
  }

  getBranch(project: string, name: string): BranchInfo | undefined {
    return this.listBranches(project).find((branch) => branch.name === name);
  }

  listBranches(project: string): BranchInfo[] {
    return [...this.#project(project).branches.values()].map(({ name, commit, createdBy }) => ({ name, commitId: commit.id, createdBy }));
  }

  listPullRequests(project: string): PullRequestInfo[] {
    const found = this.#project(project);
    return found.mergeRequests.map((mr) => ({
      id: mr.id,
      iid: mr.iid,
      title: mr.title,
      description: mr.description,
      sourceBranch: mr.sourceBranch,
      targetBranch: mr.targetBranch,
      state: mr.state,
      webUrl: `${this.url}/${found.path}/-/merge_requests/${mr.iid}`,
      createdBy: mr.createdBy,
    }));
  }

  #project(ref: string): SimProject {
    const project = this.#state.project(ref);
    if (!project) throw new UnknownItemError(`No project ${ref}`);
    return project;
  }

  #seeded(project: SimProject): SeededProject {
    return { id: project.id, path: project.path, webUrl: `${this.url}/${project.path}`, defaultBranch: project.defaultBranch };
  }

  #serve(request: SimRequest): SimResponse {
    if (request.path.startsWith(`${CONTROL_PREFIX}/`)) return this.#control(request);
    if (request.path.startsWith(`${API_PREFIX}/`)) {
      return handleGitLabApi({ state: this.#state, baseUrl: this.url, tokenSelfEndpoint: this.#tokenSelfEndpoint }, request);
    }
    // The web pages a person opens (docs/architecture.md §9); anything else is GitLab's HTML 404.
    return this.#web.handle(request) ?? { status: 404, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html><title>Not Found (404)</title>' };
  }

  #control(request: SimRequest): SimResponse {
    const body = parseJson(request.rawBody);
    if (body === undefined) return controlError(400, 'The body is not JSON');
    const segments = request.path.slice(CONTROL_PREFIX.length + 1).split('/');
    const match = this.#controlRoutes().flatMap((route) => {
      const params = route.method === request.method ? matchPathPattern(route.pattern, segments) : undefined;
      return params ? [{ route, params }] : [];
    })[0];
    if (!match) return controlError(404, 'No such control route');
    try {
      return match.route.run(match.params, body);
    } catch (error) {
      if (error instanceof z.ZodError) return controlError(400, z.prettifyError(error));
      return controlError(error instanceof UnknownItemError ? 404 : 400, (error as Error).message);
    }
  }

  #controlRoutes(): readonly ControlRoute[] {
    return [
      { method: 'POST', pattern: ['reset'], run: () => (this.reset(), json(204)) },
      { method: 'POST', pattern: ['users'], run: (_, body) => json(201, this.addUser(userBody.parse(body))) },
      { method: 'POST', pattern: ['projects'], run: (_, body) => json(201, this.seedProject(projectBody.parse(body))) },
      {
        method: 'PUT',
        pattern: ['projects', ':project', 'members', ':username'],
        run: (params, body) => (this.addMember(params.project ?? '', params.username ?? '', memberBody.parse(body).role), json(204)),
      },
      { method: 'GET', pattern: ['projects', ':project', 'branches'], run: (params) => json(200, this.listBranches(params.project ?? '')) },
      {
        method: 'GET',
        pattern: ['projects', ':project', 'branches', ':branch'],
        run: (params) => this.#branchOrNotFound(params.project ?? '', params.branch ?? ''),
      },
      { method: 'GET', pattern: ['projects', ':project', 'merge_requests'], run: (params) => json(200, this.listPullRequests(params.project ?? '')) },
      { method: 'POST', pattern: ['tokens'], run: (_, body) => json(201, this.issueToken(tokenBody.parse(body))) },
      { method: 'POST', pattern: ['tokens', 'revoke'], run: (_, body) => (this.revokeToken(tokenRef.parse(body).token), json(204)) },
      { method: 'POST', pattern: ['tokens', 'expire'], run: (_, body) => (this.expireToken(tokenRef.parse(body).token), json(204)) },
      { method: 'POST', pattern: ['faults'], run: (_, body) => (this.injectFault(faultSchema.parse(body)), json(204)) },
      { method: 'DELETE', pattern: ['faults'], run: () => (this.clearFaults(), json(204)) },
      { method: 'GET', pattern: ['requests'], run: () => json(200, this.requests) },
    ];
  }

  #branchOrNotFound(project: string, name: string): SimResponse {
    const branch = this.getBranch(project, name);
    return branch ? json(200, branch) : controlError(404, 'No such branch');
  }
}
