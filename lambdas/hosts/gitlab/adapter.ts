import { Branches, GitbeakerRequestError, MergeRequests, PersonalAccessTokens, Projects, Users } from '@gitbeaker/rest';
import * as z from 'zod';
import { carriesIssueKey } from '../../domain/branch-name';
import { AppError } from '../../domain/errors';
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
  type IssueDevelopmentInput,
  type PullRequestState,
  type BranchSummary,
  type ListBranchesInput,
  type ListRepositoriesInput,
  type Listing,
  type RepositorySummary,
  type PullRequestResult,
  type ResolvedRepository,
  type VerifiedIdentity,
} from '../git-provider';
import { gitLabProjectKeys } from './repository-id';
import { requireCredential, withoutTrailingSlash } from '../host-call';
import { connectionsOf } from '../outbound-connections';
import { createGitLabRequester, type GitLabRequesterFn } from './gitlab-requester';
import { gitLabFamily } from './descriptor';
import { mapGitLabError, REQUIRED_GITLAB_SCOPE } from './map-gitlab-error';
import { branchListing, collectMatches, matchesQuery, type HostPage } from '../listing';

/**
 * GitLab.com and GitLab self-managed, through @gitbeaker/rest with patgate's own requester
 * (timeouts, GET-only retries). Both kinds speak the same REST API v4; only the host differs.
 */
const GITLAB_KINDS = new Set(['gitlab', 'gitlab-self-managed']);

const userSchema = z.object({ username: z.string().min(1), name: z.string().nullish() });
const tokenSelfSchema = z.object({
  scopes: z.array(z.string()),
  expires_at: z.string().regex(/^\d{4}-\d{2}-\d{2}/).nullish(),
  active: z.boolean(),
  revoked: z.boolean(),
});
const branchSchema = z.object({ web_url: z.string().optional(), commit: z.object({ id: z.string().min(1) }) });
const projectSchema = z.object({ id: z.number().int().positive(), path_with_namespace: z.string().min(1) });
const mergeRequestSchema = z.object({ iid: z.number().int(), web_url: z.string().optional() });

type TokenSelf = z.infer<typeof tokenSelfSchema>;

// --- Pickers: GitLab's list answers (showExpanded: the page and its x-next-page) ---
const PAGE_SIZE = 100;
/** GitLab's project search matches terms of three characters or more; shorter ones are filtered here alone. */
const MIN_SEARCH_LENGTH = 3;
const expandedPage = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), paginationInfo: z.object({ next: z.number().int().positive().nullable() }) });
const projectListPage = expandedPage(
  z.object({ id: z.number().int(), path_with_namespace: z.string().min(1), default_branch: z.string().nullish(), web_url: z.string().optional() }),
);
const branchListPage = expandedPage(z.object({ name: z.string().min(1) }));
// The issue's development (https://docs.gitlab.com/api/branches/#list-repository-branches, https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests).
const issueBranchPage = expandedPage(z.object({ name: z.string().min(1), web_url: z.string().optional() }));
const issueMergeRequestPage = expandedPage(
  z.object({
    iid: z.number().int(),
    title: z.string(),
    state: z.string(),
    web_url: z.string(),
    source_branch: z.string(),
    target_branch: z.string().optional(),
    author: z.object({ username: z.string() }).nullish(),
  }),
);
/** GitLab's merge request states; `locked` is a merge in progress, still open. */
const MERGE_REQUEST_STATE: Readonly<Record<string, PullRequestState>> = { opened: 'open', locked: 'open', merged: 'merged', closed: 'closed' };
const projectDefaultBranchSchema = z.object({ default_branch: z.string().nullish() });

/** Pages from `fetchPage(n)` until GitLab's `x-next-page` is empty. */
async function* offsetPages<T>(fetchPage: (page: number) => Promise<{ items: readonly T[]; next: number | null }>): AsyncIterable<HostPage<T>> {
  for (let page: number | null = 1; page !== null; ) {
    const answer = await fetchPage(page);
    yield { items: answer.items, more: answer.next !== null };
    page = answer.next !== null && answer.next > page ? answer.next : null;
  }
}

interface ResourceOptions {
  readonly host: string;
  readonly token: () => Promise<string>;
  readonly queryTimeout: number;
  readonly requesterFn: GitLabRequesterFn;
  /** Gitbeaker's client-side throttle queues requests; the host's 429 is the only limit patgate honours. */
  readonly rateLimits: Record<string, never>;
}

const unexpectedAnswer = (): AppError =>
  new AppError('HOST_UNAVAILABLE', 'GitLab gave an unexpected answer.', { hostReason: 'unavailable' });

const parseAnswer = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw unexpectedAnswer();
  return parsed.data;
};

/** Printable ASCII without spaces: anything else cannot be a GitLab token, nor go into a header. */
const TOKEN_SHAPE = /^[\x21-\x7e]+$/;

const revealToken = (credential: HostCredential): string => {
  const token = requireCredential(credential, 'token', 'GitLab takes a personal access token.').token.reveal();
  if (!TOKEN_SHAPE.test(token)) throw new AppError('SERVICE_CREDENTIAL_REJECTED', 'GitLab rejected the token.', { hostReason: 'unauthorized' });
  return token;
};

/**
 * GitLab stores `expires_at` as a date and treats a token as expired once that date begins
 * (`expires_at > now` in UTC), so the last usable instant is the start of that day, UTC.
 */
const expiryInstant = (expiresAt: string): string => new Date(`${expiresAt.slice(0, 10)}T00:00:00.000Z`).toISOString();

const identityOf = (user: z.infer<typeof userSchema>, token: TokenSelf | undefined): VerifiedIdentity => ({
  login: user.username,
  ...(user.name ? { displayName: user.name } : {}),
  ...(token ? { scopes: token.scopes } : {}),
  ...(token && !token.scopes.includes(REQUIRED_GITLAB_SCOPE) ? { missingScopes: [REQUIRED_GITLAB_SCOPE] } : {}),
  ...(token?.expires_at ? { expiresAt: expiryInstant(token.expires_at) } : {}),
});

const isNotFound = (error: unknown): boolean => error instanceof GitbeakerRequestError && error.cause?.response.status === 404;

/** A link from the host is only shown when it is a web link. */
const webLink = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:' ? value : undefined;
  } catch {
    return undefined;
  }
};

const pathOf = (text: string): string => text.split('/').map(encodeURIComponent).join('/');

class GitLabProvider implements GitProvider {
  readonly #apiUrl: string;
  readonly #webUrl: string;
  readonly #options: HostCallOptions;
  readonly #target: HostTarget;

  constructor(target: HostTarget, options: HostCallOptions) {
    if (!GITLAB_KINDS.has(target.provider)) throw new Error(`The GitLab adapter does not serve ${target.provider}.`);
    this.#target = target;
    this.#apiUrl = withoutTrailingSlash(target.apiUrl);
    this.#webUrl = withoutTrailingSlash(target.webUrl);
    this.#options = options;
  }

  verifyToken(credential: HostCredential): Promise<VerifiedIdentity> {
    return this.#call(credential, async (options) => {
      const user = parseAnswer(userSchema, await new Users(options).showCurrentUser());
      const token = await this.#readTokenSelf(options);
      if (token && (token.revoked || !token.active)) {
        throw new AppError('SERVICE_CREDENTIAL_REJECTED', 'GitLab reports the token as revoked or inactive.', { hostReason: 'unauthorized' });
      }
      return identityOf(user, token);
    });
  }

  createBranch(credential: HostCredential, input: CreateBranchInput): Promise<BranchResult> {
    return this.#call(credential, async (options) => {
      const answer = await new Branches(options).create(input.repository, input.branchName, input.fromRef);
      const branch = parseAnswer(branchSchema, answer);
      const fallback = `${this.#webUrl}/${pathOf(input.repository)}/-/tree/${pathOf(input.branchName)}`;
      return { url: webLink(branch.web_url) ?? fallback, commitId: branch.commit.id };
    });
  }

  deleteBranch(credential: HostCredential, input: DeleteBranchInput): Promise<void> {
    return this.#call(credential, async (options) => {
      await new Branches(options).remove(input.repository, input.branchName);
    });
  }

  createPullRequest(credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult> {
    return this.#call(credential, async (options) => {
      const description = input.description === undefined ? {} : { description: input.description };
      const answer = await new MergeRequests(options).create(input.repository, input.sourceBranch, input.targetBranch, input.title, description);
      const mergeRequest = parseAnswer(mergeRequestSchema, answer);
      const fallback = `${this.#webUrl}/${pathOf(input.repository)}/-/merge_requests/${mergeRequest.iid}`;
      return { url: webLink(mergeRequest.web_url) ?? fallback, id: String(mergeRequest.iid) };
    });
  }

  // --- Pickers (listRepositories / listBranches) ---

  /** `GET /projects?membership=true&search=` (with `search_namespaces`), newest first, paged by `x-next-page`. */
  listRepositories(credential: HostCredential, input: ListRepositoriesInput): Promise<Listing<RepositorySummary>> {
    return this.#call(credential, async (options) => {
      const projects = new Projects(options);
      const search = input.query !== undefined && input.query.length >= MIN_SEARCH_LENGTH ? { search: input.query, searchNamespaces: true } : {};
      const pages = offsetPages(async (page) => {
        const answer = await projects.all({ membership: true, simple: true, ...search, perPage: PAGE_SIZE, page, showExpanded: true, pagination: 'offset' } as never);
        const parsed = parseAnswer(projectListPage, answer);
        const items = parsed.data.map((project) => ({
          id: project.path_with_namespace,
          name: project.path_with_namespace,
          ...(project.default_branch ? { defaultBranch: project.default_branch } : {}),
          ...(webLink(project.web_url) ? { url: project.web_url } : {}),
        }));
        return { items, next: parsed.paginationInfo.next };
      });
      return collectMatches(pages, (project: RepositorySummary) => matchesQuery(project.id, input.query), input.limit);
    });
  }

  /** `GET /projects/:id` for `default_branch`, then `GET /projects/:id/repository/branches?search=`, paged by `x-next-page`. */
  listBranches(credential: HostCredential, input: ListBranchesInput): Promise<Listing<BranchSummary>> {
    return this.#call(credential, async (options) => {
      const project = parseAnswer(projectDefaultBranchSchema, await new Projects(options).show(input.repository));
      const branches = new Branches(options);
      const search = input.query ? { search: input.query } : {};
      const pages = offsetPages(async (page) => {
        const answer = await branches.all(input.repository, { ...search, perPage: PAGE_SIZE, page, showExpanded: true } as never);
        const parsed = parseAnswer(branchListPage, answer);
        return { items: parsed.data.map((branch) => branch.name), next: parsed.paginationInfo.next };
      });
      return branchListing(pages, project.default_branch ?? undefined, input.query, input.limit);
    });
  }

  /**
   * Two requests: `GET /projects/:id/repository/branches?search=KEY` (GitLab searches the names) and
   * the first page of `GET /projects/:id/merge_requests?state=all`, most recently updated first,
   * kept where the source branch or title carries the key.
   */
  listIssueDevelopment(credential: HostCredential, input: IssueDevelopmentInput): Promise<HostDevelopment> {
    return this.#call(credential, async (options) => {
      const [branchAnswer, mergeRequestAnswer] = await Promise.all([
        new Branches(options).all(input.repository, { search: input.issueKey, perPage: PAGE_SIZE, page: 1, showExpanded: true } as never),
        new MergeRequests(options).all({ projectId: input.repository, state: 'all', orderBy: 'updated_at', perPage: PAGE_SIZE, page: 1, showExpanded: true, pagination: 'offset' } as never),
      ]);
      const branches = parseAnswer(issueBranchPage, branchAnswer).data.filter((b) => carriesIssueKey(b.name, input.issueKey));
      const mergeRequests = parseAnswer(issueMergeRequestPage, mergeRequestAnswer).data.filter((mr) => carriesIssueKey(mr.source_branch, input.issueKey) || carriesIssueKey(mr.title, input.issueKey));
      return {
        branches: branches.slice(0, input.limit).map((b) => ({ name: b.name, url: webLink(b.web_url) ?? `${this.#webUrl}/-/tree/${pathOf(b.name)}` })),
        pullRequests: mergeRequests.slice(0, input.limit).map((mr) => ({
          id: String(mr.iid),
          title: mr.title,
          state: MERGE_REQUEST_STATE[mr.state] ?? 'open',
          url: webLink(mr.web_url) ?? mr.web_url,
          sourceBranch: mr.source_branch,
          ...(mr.target_branch ? { targetBranch: mr.target_branch } : {}),
          ...(mr.author?.username ? { author: mr.author.username } : {}),
        })),
        hostCalls: 2,
      };
    });
  }

  newTokenUrl(): string {
    return gitLabFamily.newTokenUrl(this.#target);
  }

  // Repository resolution (canonical ids, see ./repository-id.ts): GET /projects/:id.
  resolveRepository(credential: HostCredential, repository: string): Promise<ResolvedRepository> {
    return this.#call(credential, async (options) => {
      const project = parseAnswer(projectSchema, await new Projects(options).show(repository));
      return { hostId: String(project.id), keys: gitLabProjectKeys(project) };
    });
  }

  /** GitLab before 15.5 has no `/personal_access_tokens/self`: its 404 means scopes and expiry are unknown. */
  async #readTokenSelf(options: ResourceOptions): Promise<TokenSelf | undefined> {
    try {
      return parseAnswer(tokenSelfSchema, await new PersonalAccessTokens(options).show());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** One adapter call: one whole-call deadline shared by every request it makes. */
  async #call<T>(credential: HostCredential, work: (options: ResourceOptions) => Promise<T>): Promise<T> {
    const token = revealToken(credential);
    const deadline = AbortSignal.timeout(this.#options.requestTimeoutMs);
    const options: ResourceOptions = {
      host: this.#apiUrl,
      token: () => Promise.resolve(token),
      queryTimeout: this.#options.requestTimeoutMs,
      requesterFn: createGitLabRequester({ connectTimeoutMs: this.#options.connectTimeoutMs, deadline, connections: connectionsOf(this.#options) }),
      rateLimits: {},
    };
    try {
      return await work(options);
    } catch (error) {
      throw mapGitLabError(error, token);
    }
  }

  // --- What a CONFLICT says exists (existingUrl): only after a create was refused as existing ---

  /**
   * A branch's: one `GET /projects/:id/repository/branches/:branch` for its `web_url` (the host
   * repository is the numeric project id, so the project's path, and with it the URL, is not known
   * without a call). A merge request's (409): one `GET /projects/:id/merge_requests` by source and
   * target branch, state opened.
   */
  existingUrl(credential: HostCredential, conflict: ConflictingCreate): Promise<string | undefined> {
    if (conflict.action === 'create-pull-request') {
      const { repository, sourceBranch, targetBranch } = conflict.input;
      return this.#call(credential, async (options) => {
        const found: unknown = await new MergeRequests(options).all({ projectId: repository, sourceBranch, targetBranch, state: 'opened', perPage: 1, maxPages: 1 });
        const first: unknown = Array.isArray(found) ? found[0] : undefined;
        if (first === undefined) return undefined;
        const mergeRequest = parseAnswer(mergeRequestSchema, first);
        return webLink(mergeRequest.web_url) ?? `${this.#webUrl}/${pathOf(repository)}/-/merge_requests/${mergeRequest.iid}`;
      });
    }
    const { repository, branchName } = conflict.input;
    return this.#call(credential, async (options) => {
      const branch = parseAnswer(branchSchema, await new Branches(options).show(repository, branchName));
      return webLink(branch.web_url) ?? `${this.#webUrl}/${pathOf(repository)}/-/tree/${pathOf(branchName)}`;
    });
  }
}

export const createGitLabProvider: GitProviderFactory = (target: HostTarget, options: HostCallOptions = DEFAULT_HOST_CALL_OPTIONS) =>
  new GitLabProvider(target, options);
