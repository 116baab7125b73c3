import { Octokit } from '@octokit/rest';
import { AppError } from '../../domain/errors';
import type { Secret } from '../../domain/secret';
import { logger } from '../../observability/logger';
import {
  DEFAULT_HOST_CALL_OPTIONS,
  type BranchResult,
  type CreateBranchInput,
  type CreatePullRequestInput,
  type DeleteBranchInput,
  type GitProvider,
  type GitProviderFactory,
  type HostCallOptions,
  type HostCredential,
  type HostTarget,
  type PullRequestResult,
  type VerifiedIdentity,
} from '../git-provider';
import { CallBudget } from './call-budget';
import { isTransientFailure, malformedAnswer, mapGitHubError } from './github-failure';
import { connectionsOf, type OutboundConnections } from '../outbound-connections';
import { createTimedFetch } from './timed-fetch';
import { readTokenFacts } from './token-facts';

const USER_AGENT = 'patgate';
const NEW_TOKEN_QUERY = 'scopes=repo&description=Jira%20(patgate)';
/** GitHub owner (user or organisation) and repository names. */
const REPOSITORY = /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)\/([A-Za-z0-9._-]+)$/;

interface RepositoryCoordinates {
  readonly owner: string;
  readonly repo: string;
}

type Work<T> = (octokit: Octokit, budget: CallBudget) => Promise<T>;

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

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

const parseRepository = (repository: string): RepositoryCoordinates => {
  const match = REPOSITORY.exec(repository);
  if (!match?.[1] || !match[2]) {
    const message = 'A GitHub repository is named owner/repository.';
    throw new AppError('VALIDATION_FAILED', message, { hostReason: 'bad-request', errors: [{ field: 'repository', message }] });
  }
  return { owner: match[1], repo: match[2] };
};

const tokenOf = (credential: HostCredential): Secret => {
  if (credential.kind === 'token') return credential.token;
  throw new AppError('VALIDATION_FAILED', 'GitHub takes a personal access token.', { hostReason: 'bad-request' });
};

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

class GitHubProvider implements GitProvider {
  readonly #apiUrl: string;
  readonly #webUrl: string;
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #connections: OutboundConnections;

  constructor(target: HostTarget, options: HostCallOptions) {
    this.#connections = connectionsOf(options);
    this.#apiUrl = withoutTrailingSlash(target.apiUrl);
    this.#webUrl = withoutTrailingSlash(target.webUrl);
    this.#requestTimeoutMs = options.requestTimeoutMs;
    this.#connectTimeoutMs = options.connectTimeoutMs;
  }

  async verifyToken(credential: HostCredential): Promise<VerifiedIdentity> {
    return this.#call(credential, async (octokit, budget) => {
      const response = await budget.retryRead(() => octokit.rest.users.getAuthenticated(), isTransientFailure);
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
      const source = await budget.retryRead(() => octokit.rest.git.getRef({ ...coordinates, ref: `heads/${input.fromRef}` }), isTransientFailure);
      requireSuccess(source.status);
      const sha = readSha(source.data);
      const created = await octokit.rest.git.createRef({ ...coordinates, ref: `refs/heads/${input.branchName}`, sha });
      requireSuccess(created.status);
      return { url: this.#branchUrl(coordinates, input.branchName), commitId: readSha(created.data) };
    });
  }

  async deleteBranch(credential: HostCredential, input: DeleteBranchInput): Promise<void> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit) => {
      const deleted = await octokit.rest.git.deleteRef({ ...coordinates, ref: `heads/${input.branchName}` });
      requireSuccess(deleted.status);
      // GitHub confirms a deletion with an empty 204; any other answer is not one we understand.
      if ((deleted.status as number) !== 204) throw malformedAnswer();
    });
  }

  async createPullRequest(credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult> {
    const coordinates = parseRepository(input.repository);
    return this.#call(credential, async (octokit) => {
      const created = await octokit.rest.pulls.create({
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

  newTokenUrl(): string {
    return `${this.#webUrl}/settings/tokens/new?${NEW_TOKEN_QUERY}`;
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
    const budget = new CallBudget(this.#requestTimeoutMs);
    const agent = this.#connections.agentFor(this.#apiUrl);
    const fetch = createTimedFetch({ connectTimeoutMs: this.#connectTimeoutMs, agent });
    try {
      const octokit = new Octokit({
        auth: token.reveal(),
        baseUrl: this.#apiUrl,
        userAgent: USER_AGENT,
        log: OCTOKIT_LOG,
        // `log` in request options too: Octokit's fetch wrapper warns about deprecations through it, not `log` above.
        request: { fetch, signal: budget.signal, log: OCTOKIT_LOG },
      });
      return await work(octokit, budget);
    } catch (error) {
      throw mapGitHubError(error, budget.spent, new Date(), token.reveal());
    } finally {
      budget.dispose();
    }
  }
}

/** GitHub.com (`github`) and GitHub Enterprise Server (`github-enterprise`) through Octokit. */
export const createGitHubProvider: GitProviderFactory = (target, options = DEFAULT_HOST_CALL_OPTIONS) => new GitHubProvider(target, options);
