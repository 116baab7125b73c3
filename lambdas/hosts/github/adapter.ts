import { AppError } from '../../domain/errors';
import { carriesIssueKey } from '../../domain/branch-name';
import type { Secret } from '../../domain/secret';
import { logger } from '../../observability/logger';
import {
  DEFAULT_HOST_CALL_OPTIONS,
  type BranchResult,
  type ConflictingCreate,
  type CreateBranchInput,
  type CreatePullRequestInput,
  type DeleteBranchInput,
  type GitProvider,
  type GitProviderFactory,
  type HostCallOptions,
  type HostCredential,
  type HostTarget,
  type HostDevelopment,
  type HostPullRequest,
  type IssueDevelopmentInput,
  type BranchSummary,
  type ListBranchesInput,
  type ListRepositoriesInput,
  type Listing,
  type RepositorySummary,
  type PullRequestResult,
  type VerifiedIdentity,
} from '../git-provider';
import { CallDeadline, requireCredential, withoutTrailingSlash } from '../host-call';
import { isTransientFailure, malformedAnswer, mapGitHubError } from './github-failure';
import { connectionsOf, type OutboundConnections } from '../outbound-connections';
import { gitHubFamily } from './descriptor';
import { GitHubClient } from './octokit';
import { createTimedFetch } from './timed-fetch';
import { readTokenFacts } from './token-facts';
import { branchListing, collectMatches, matchesQuery, type HostPage } from '../listing';

const USER_AGENT = 'patgate';
/** GitHub owner (user or organisation) and repository names. */
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/;

interface RepositoryCoordinates {
  readonly owner: string;
  readonly repo: string;
}

type Work<T> = (octokit: GitHubClient, budget: CallDeadline) => Promise<T>;

/**
 * Octokit's own log lines (method, path, status, GitHub's request id; never headers). A failed request
 * is logged at debug only: the caller gets an AppError and decides whether it is worth a log line.
 */
const OCTOKIT_LOG = {
  debug: (): void => undefined,
  info: (): void => undefined,
  warn: (message: string): void => logger.warn('GitHub client warning', { detail: message }),
  error: (message: string): void => logger.debug('GitHub request failed', { detail: message }),
};

const parseRepository = (repository: string): RepositoryCoordinates => {
  const match = REPOSITORY.exec(repository);
  if (!match?.[1] || !match[2]) {
    const message = 'A GitHub repository is named owner/repository.';
    throw new AppError('VALIDATION_FAILED', message, { hostReason: 'bad-request', errors: [{ field: 'repository', message }] });
  }
  return { owner: match[1], repo: match[2] };
};

const tokenOf = (credential: HostCredential): Secret => requireCredential(credential, 'token', 'GitHub takes a personal access token.').token;

const asRecord = (data: unknown): Record<string, unknown> => {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw malformedAnswer();
  return data as Record<string, unknown>;
};

/** Octokit hands a 3xx through as a success: a renamed or moved repository. */
const requireSuccess = (status: number): void => {
  if (status >= 300) throw new AppError('NOT_FOUND', 'The repository has moved on GitHub; update its name in the integration.', { hostReason: 'not-found' });
};

const readSha = (data: unknown): string => {
  const target = asRecord(asRecord(data).object);
  if (typeof target.sha !== 'string' || target.sha === '') throw malformedAnswer();
  return target.sha;
};

/** Keeps a branch's slashes as path separators, as GitHub's own branch links do. */
const encodeBranch = (branch: string): string => branch.split('/').map(encodeURIComponent).join('/');

/** GitHub's largest page. */
const PAGE_SIZE = 100;

/** Octokit's page iterator as HostPages: one list per response, `more` from its `Link: rel="next"`. */
async function* hostPages<T>(responses: AsyncIterable<{ status: number; data: unknown; headers: Record<string, unknown> }>, read: (item: unknown) => T): AsyncIterable<HostPage<T>> {
  for await (const response of responses) {
    requireSuccess(response.status);
    if (!Array.isArray(response.data)) throw malformedAnswer();
    yield { items: response.data.map(read), more: /\brel="next"/.test(String(response.headers.link ?? '')) };
  }
}

const readRepository = (item: unknown): RepositorySummary => {
  const repository = asRecord(item);
  if (typeof repository.full_name !== 'string' || !REPOSITORY.test(repository.full_name)) throw malformedAnswer();
  return {
    id: repository.full_name,
    name: repository.full_name,
    ...(typeof repository.default_branch === 'string' ? { defaultBranch: repository.default_branch } : {}),
    ...(typeof repository.html_url === 'string' ? { url: repository.html_url } : {}),
  };
};

const readBranchName = (item: unknown): string => {
  const branch = asRecord(item);
  if (typeof branch.name !== 'string' || branch.name === '') throw malformedAnswer();
  return branch.name;
};

/**
 * One pull request of `GET /repos/{owner}/{repo}/pulls` (https://docs.github.com/en/rest/pulls/pulls#list-pull-requests):
 * `state` is open or closed; a closed one with `merged_at` was merged.
 */
const readPull = (item: unknown): HostPullRequest => {
  const pull = asRecord(item);
  const head = asRecord(pull.head);
  const base = pull.base === undefined ? undefined : asRecord(pull.base);
  const user = pull.user === null || pull.user === undefined ? undefined : asRecord(pull.user);
  if (typeof pull.number !== 'number' || typeof pull.html_url !== 'string' || typeof head.ref !== 'string' || (pull.state !== 'open' && pull.state !== 'closed')) throw malformedAnswer();
  const merged = typeof pull.merged_at === 'string' && pull.merged_at !== '';
  return {
    id: String(pull.number),
    title: typeof pull.title === 'string' ? pull.title : '',
    state: pull.state === 'open' ? 'open' : merged ? 'merged' : 'closed',
    url: pull.html_url,
    sourceBranch: head.ref,
    ...(typeof base?.ref === 'string' ? { targetBranch: base.ref } : {}),
    ...(typeof user?.login === 'string' ? { author: user.login } : {}),
  };
};

class GitHubProvider implements GitProvider {
  readonly #apiUrl: string;
  readonly #webUrl: string;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #connections: OutboundConnections;
  readonly #target: HostTarget;

  constructor(target: HostTarget, options: HostCallOptions) {
    this.#target = target;
    this.#connections = connectionsOf(options);
    this.#apiUrl = withoutTrailingSlash(target.apiUrl);
    this.#webUrl = withoutTrailingSlash(target.webUrl);
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs;
  }

  async verifyToken(credential: HostCredential): Promise<VerifiedIdentity> {
    return this.#call(credential, async (octokit, budget) => {
      const response = await budget.retryRead(() => octokit.request('GET /user'), isTransientFailure);
      requireSuccess(response.status);
      const user = asRecord(response.data);
      if (typeof user.login !== 'string' || user.login === '') throw malformedAnswer();
      const facts = readTokenFacts(response.headers);
      return {
        login: user.login,
        ...(typeof user.name === 'string' && user.name !== '' ? { displayName: user.name } : {}),
        ...(facts.scopes ? { scopes: facts.scopes } : {}),
        ...(facts.missingScopes ? { missingScopes: facts.missingScopes } : {}),
        ...(facts.expiresAt ? { expiresAt: facts.expiresAt } : {}),
      };
    });
  }

  async createBranch(credential: HostCredential, input: CreateBranchInput): Promise<BranchResult> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit, budget) => {
      const source = await budget.retryRead(() => octokit.request('GET /repos/{owner}/{repo}/git/ref/{ref}', { ...coordinates, ref: `heads/${input.fromRef}` }), isTransientFailure);
      requireSuccess(source.status);
      const sha = readSha(source.data);
      const created = await octokit.request('POST /repos/{owner}/{repo}/git/refs', { ...coordinates, ref: `refs/heads/${input.branchName}`, sha });
      requireSuccess(created.status);
      return { url: this.#branchUrl(coordinates, input.branchName), commitId: readSha(created.data) };
    });
  }

  async deleteBranch(credential: HostCredential, input: DeleteBranchInput): Promise<void> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit) => {
      const deleted = await octokit.request('DELETE /repos/{owner}/{repo}/git/refs/{ref}', { ...coordinates, ref: `heads/${input.branchName}` });
      requireSuccess(deleted.status);
      // GitHub confirms a deletion with an empty 204; any other answer is not one we understand.
      if ((deleted.status as number) !== 204) throw malformedAnswer();
    });
  }

  async createPullRequest(credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit) => {
      const created = await octokit.request('POST /repos/{owner}/{repo}/pulls', {
        ...coordinates,
        head: input.sourceBranch,
        base: input.targetBranch,
        title: input.title,
        ...(input.description === undefined ? {} : { body: input.description }),
      });
      requireSuccess(created.status);
      const pull = asRecord(created.data);
      if (typeof pull.html_url !== 'string' || typeof pull.number !== 'number') throw malformedAnswer();
      return { url: pull.html_url, id: String(pull.number) };
    });
  }

  // --- Pickers (listRepositories / listBranches) ---

  /** `GET /user/repos` (every repository the token's user owns, collaborates on or sees through an organisation), paged by `Link`. */
  async listRepositories(credential: HostCredential, input: ListRepositoriesInput): Promise<Listing<RepositorySummary>> {
    return this.#call(credential, async (octokit) => {
      const responses = octokit.paginate.iterator('GET /user/repos', { per_page: PAGE_SIZE, sort: 'full_name' });
      return collectMatches(hostPages(responses, readRepository), (repository) => matchesQuery(repository.id, input.query), input.limit);
    });
  }

  /** `GET /repos/{owner}/{repo}` for `default_branch`, then `GET /repos/{owner}/{repo}/branches`, paged by `Link`. */
  async listBranches(credential: HostCredential, input: ListBranchesInput): Promise<Listing<BranchSummary>> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit, budget) => {
      const repository = await budget.retryRead(() => octokit.request('GET /repos/{owner}/{repo}', { owner: coordinates.owner, repo: coordinates.repo }), isTransientFailure);
      requireSuccess(repository.status);
      const defaultBranch = asRecord(repository.data).default_branch;
      const responses = octokit.paginate.iterator('GET /repos/{owner}/{repo}/branches', { owner: coordinates.owner, repo: coordinates.repo, per_page: PAGE_SIZE });
      return branchListing(hostPages(responses, readBranchName), typeof defaultBranch === 'string' ? defaultBranch : undefined, input.query, input.limit);
    });
  }

  /**
   * The issue's branches and pull requests in two requests: the first page (100) of
   * `GET /repos/{owner}/{repo}/branches` and of `GET /repos/{owner}/{repo}/pulls?state=all`, most
   * recently updated first; a branch or pull request beyond them is not listed (bounded on purpose).
   */
  async listIssueDevelopment(credential: HostCredential, input: IssueDevelopmentInput): Promise<HostDevelopment> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit) => {
      const [branches, pulls] = await Promise.all([
        octokit.request('GET /repos/{owner}/{repo}/branches', { ...coordinates, per_page: PAGE_SIZE }),
        octokit.request('GET /repos/{owner}/{repo}/pulls', { ...coordinates, state: 'all', sort: 'updated', direction: 'desc', per_page: PAGE_SIZE }),
      ]);
      requireSuccess(branches.status);
      requireSuccess(pulls.status);
      if (!Array.isArray(branches.data) || !Array.isArray(pulls.data)) throw malformedAnswer();
      const names = (branches.data as unknown[]).map(readBranchName).filter((name) => carriesIssueKey(name, input.issueKey));
      const found = (pulls.data as unknown[]).map(readPull).filter((pull) => carriesIssueKey(pull.sourceBranch, input.issueKey) || carriesIssueKey(pull.title, input.issueKey));
      return {
        branches: names.slice(0, input.limit).map((name) => ({ name, url: this.#branchUrl(coordinates, name) })),
        pullRequests: found.slice(0, input.limit),
        hostCalls: 2,
      };
    });
  }

  newTokenUrl(): string {
    return gitHubFamily.newTokenUrl(this.#target);
  }

  #branchUrl({ owner, repo }: RepositoryCoordinates, branch: string): string {
    return `${this.#webUrl}/${owner}/${repo}/tree/${encodeBranch(branch)}`;
  }

  /**
   * One Octokit per call: the token is revealed here only and every request shares the call's time
   * budget. Connections are the guarded keep-alive pool shared by every call to this host
   * (outbound-connections.ts): a stale pooled socket is resent on only when nothing reached the host.
   */
  async #call<T>(credential: HostCredential, work: Work<T>): Promise<T> {
    const token = tokenOf(credential);
    const budget = new CallDeadline(this.#requestTimeoutMs);
    const agent = this.#connections.agentFor(this.#apiUrl);
    const fetch = createTimedFetch({ connectTimeoutMs: this.#connectTimeoutMs, agent });
    try {
      const octokit = new GitHubClient({
        auth: token.reveal(),
        baseUrl: this.#apiUrl,
        userAgent: USER_AGENT,
        log: OCTOKIT_LOG,
        // `log` in request options too: Octokit's fetch wrapper warns about deprecations through it, not `log` above.
        request: { fetch, signal: budget.signal, log: OCTOKIT_LOG },
      });
      return await work(octokit, budget);
    } catch (error) {
      throw mapGitHubError(error, budget.expired, new Date(), token.reveal());
    } finally {
      budget.dispose();
    }
  }

  // --- What a CONFLICT says exists (existingUrl): only after a create was refused as existing ---

  /**
   * A branch's web URL is computed (no call); a pull request's is one `GET /repos/{o}/{r}/pulls`
   * filtered by head (`owner:branch`), base and state=open. GitHub's 409 "repository is empty" is
   * a CONFLICT too but names nothing that exists, so only "already exists" refusals get a link.
   */
  async existingUrl(credential: HostCredential, conflict: ConflictingCreate, error: AppError): Promise<string | undefined> {
    if (!/already exists/i.test(error.message)) return undefined;
    const coordinates = parseRepository(conflict.input.repository);
    if (conflict.action === 'create-branch') return this.#branchUrl(coordinates, conflict.input.branchName);
    const { sourceBranch, targetBranch } = conflict.input;
    return this.#call(credential, async (octokit) => {
      const found = await octokit.request('GET /repos/{owner}/{repo}/pulls', { ...coordinates, head: `${coordinates.owner}:${sourceBranch}`, base: targetBranch, state: 'open', per_page: 1 });
      requireSuccess(found.status);
      const first: unknown = Array.isArray(found.data) ? found.data[0] : undefined;
      const url = first === undefined ? undefined : asRecord(first).html_url;
      return typeof url === 'string' ? url : undefined;
    });
  }
}

/** GitHub.com (`github`) and GitHub Enterprise Server (`github-enterprise`) through Octokit. */
export const createGitHubProvider: GitProviderFactory = (target, options = DEFAULT_HOST_CALL_OPTIONS) => new GitHubProvider(target, options);
