import type { HostTarget } from '../../lambdas/hosts/git-provider';
import { LoopbackServer, type Fault, type RecordedRequest, type SimRequest, type SimResponse } from '../kit/loopback-server';
import { CONTROL_PREFIX, handleControlRequest, type BranchView, type PullRequestView, type SimulatorControls } from './control-api';
import { RateLimitLedger } from './rate-limit-ledger';
import { RestApi } from './rest-api';
import { GitHubWebPages } from './web-pages';
import {
  SimulatorState,
  type RepositoryPermission,
  type RepositorySeed,
  type SimRepository,
  type TokenSpec,
  type UserSeed,
} from './simulator-state';

export type { FineGrainedPermissions, RepositoryPermission, RepositorySeed, TokenKind, TokenSpec, UserSeed } from './simulator-state';
export type { BranchView, PullRequestView } from './control-api';

export interface GitHubSimulatorOptions {
  /** The host's clock (token expiry, rate-limit windows, timestamps). Defaults to the system clock. */
  readonly clock?: () => Date;
  /** Fixed latency added to every answer. */
  readonly latencyMs?: number;
}

/**
 * A loopback GitHub: REST v3 at the root like api.github.com and under /api/v3 like Enterprise
 * Server (same state), with users, tokens (classic and fine-grained), repositories, branches and
 * pull requests, plus programmatic and HTTP (/_control) control for tests and the local runtime.
 */
export class GitHubSimulator implements SimulatorControls {
  readonly #state: SimulatorState;
  readonly #rateLimits = new RateLimitLedger();
  readonly #rest: RestApi;
  readonly #web: GitHubWebPages;
  readonly #server: LoopbackServer;

  constructor(options: GitHubSimulatorOptions = {}) {
    this.#state = new SimulatorState(options.clock ?? (() => new Date()));
    this.#rest = new RestApi(this.#state, this.#rateLimits);
    this.#web = new GitHubWebPages(this.#state);
    this.#server = new LoopbackServer((request) => this.#handle(request));
    this.#server.latencyMs = options.latencyMs ?? 0;
  }

  start(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.#server.start(port, host);
  }

  stop(): Promise<void> {
    return this.#server.stop();
  }

  /** `http://127.0.0.1:PORT`: the github.com API root and the web root of both flavours. */
  get url(): string {
    return this.#server.url;
  }

  /** Where an adapter reaches this simulator as github.com (root) or as Enterprise Server (/api/v3). */
  hostTarget(provider: 'github' | 'github-enterprise'): HostTarget {
    const apiUrl = provider === 'github' ? this.url : `${this.url}/api/v3`;
    return { provider, apiUrl, webUrl: this.url };
  }

  get latencyMs(): number {
    return this.#server.latencyMs;
  }

  set latencyMs(value: number) {
    this.#server.latencyMs = value;
  }

  get requests(): readonly RecordedRequest[] {
    return this.#server.requests;
  }

  injectFault(fault: Fault): void {
    this.#server.injectFault(fault);
  }

  /** Closes idle kept-alive connections, as GitHub's idle timeout does (see LoopbackServer). */
  closeIdleConnections(): void {
    this.#server.closeIdleConnections();
  }

  clearFaults(): void {
    this.#server.clearFaults();
  }

  clearRequests(): void {
    this.#server.clearRequests();
  }

  /** Forgets users, tokens, repositories, rate-limit counters, faults and the request log. */
  reset(): void {
    this.#state.reset();
    this.#web.sessions.clear();
    this.#rateLimits.clear();
    this.#server.clearFaults();
    this.#server.clearRequests();
  }

  addUser(seed: UserSeed): void {
    this.#state.addUser(seed);
  }

  seedRepository(seed: RepositorySeed): void {
    this.#state.seedRepository(seed);
  }

  setCollaborator(repository: string, login: string, permission: RepositoryPermission | undefined): void {
    this.#state.setCollaborator(this.#repository(repository), login, permission);
  }

  /** Mints a token (`ghp_…` classic, `github_pat_…` fine-grained) owned by `login`; the user is created if new. */
  issueToken(spec: TokenSpec): string {
    return this.#state.issueToken(spec);
  }

  revokeToken(token: string): boolean {
    return this.#state.revokeToken(token);
  }

  expireToken(token: string): boolean {
    return this.#state.expireToken(token);
  }

  /** Moves a branch to a new commit, as a push would (a pull request needs its head ahead of its base). */
  pushCommit(repository: string, branch: string): string | undefined {
    return this.#state.pushCommit(this.#repository(repository), branch);
  }

  /** Closes an open pull request (merged, or closed unmerged); false when there is none with that number. */
  closePullRequest(repository: string, number: number, options: { merged: boolean }): boolean {
    return this.#state.closePullRequest(this.#repository(repository), number, options.merged);
  }

  /** github.com flavour only: leaves `remaining` requests in the user's hourly window (0 → rate-limit 403). */
  setRateLimitRemaining(login: string, remaining: number): void {
    this.#rateLimits.setRemaining(login, remaining, this.#state.now());
  }

  getBranch(repository: string, name: string): { commitId: string; createdBy: string | null } | undefined {
    const branch = this.#state.repositoryByFullName(repository)?.branches.get(name);
    return branch ? { commitId: branch.commitId, createdBy: branch.createdBy } : undefined;
  }

  listBranches(repository: string): readonly BranchView[] | undefined {
    const found = this.#state.repositoryByFullName(repository);
    if (!found) return undefined;
    return [...found.branches].map(([name, branch]) => ({ name, commitId: branch.commitId, createdBy: branch.createdBy }));
  }

  listPullRequests(repository: string): readonly PullRequestView[] | undefined {
    const found = this.#state.repositoryByFullName(repository);
    if (!found) return undefined;
    return found.pulls.map((pull) => ({
      number: pull.number,
      title: pull.title,
      body: pull.body,
      head: pull.head,
      base: pull.base,
      state: pull.state,
      createdBy: pull.createdBy,
      url: `${this.url}/${found.owner}/${found.name}/pull/${pull.number}`,
    }));
  }

  #repository(fullName: string): SimRepository {
    const found = this.#state.repositoryByFullName(fullName);
    if (!found) throw new Error(`no repository ${fullName}`);
    return found;
  }

  #handle(request: SimRequest): SimResponse {
    if (request.path.startsWith(`${CONTROL_PREFIX}/`)) return handleControlRequest(this, request);
    // The web pages a person opens (docs/architecture.md §9); everything else is the REST API.
    return this.#web.handle(request) ?? this.#rest.handle(request);
  }
}
