import type { GitApi } from 'azure-devops-node-api/GitApi';
import type { ConnectionData } from 'azure-devops-node-api/interfaces/LocationsInterfaces';
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
import { azureRepositoryKeys } from './repository-id';
import { HostCall } from './host-call';
import { branchRefName, isObjectId, ZERO_OBJECT_ID } from './ref-names';
import { refUpdateFailure, type RefUpdateKind } from './ref-update-failure';
import { parseRepositoryRef, type ProjectRepository } from './repository-ref';
import { PULL_REQUESTS_LOCATION_ID, REFS_LOCATION_ID, REPOSITORIES_LOCATION_ID } from './resource-locations';
import { branchListing, collectMatches, matchesQuery, type HostPage } from '../listing';
import type { GitRef, GitRepository } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { PullRequestStatus } from 'azure-devops-node-api/interfaces/GitInterfaces';
import { WebLinks } from './web-links';

const unreadable = (what: string): AppError =>
  new AppError('HOST_UNAVAILABLE', `Azure DevOps answered without ${what}.`, { hostReason: 'unavailable' });

/**
 * `authenticatedUser` of connectionData. The login is the account name (`properties.Account.$value`:
 * the UPN on Services, DOMAIN\user on premises), else the identity id. A PAT's expiry is not readable
 * with the PAT itself, so none is reported.
 */
const identityOf = (data: ConnectionData | null): VerifiedIdentity => {
  const user = data?.authenticatedUser;
  if (!user?.id) throw unreadable('the authenticated user');
  const account: unknown = (user.properties as { Account?: { $value?: unknown } } | undefined)?.Account?.$value;
  return {
    login: typeof account === 'string' && account !== '' ? account : user.id,
    displayName: user.providerDisplayName ?? undefined,
  };
};

const writeRef = async (git: GitApi, repository: ProjectRepository, update: { name: string; oldObjectId: string; newObjectId: string }, kind: RefUpdateKind) => {
  const results = await git.updateRefs([update], repository.repository, repository.project);
  const failure = refUpdateFailure(results, kind);
  if (failure) throw failure;
};

// --- Pickers: repositories of the collection, and branches paged with `$top` / `x-ms-continuationtoken` ---

const HEADS = 'refs/heads/';
const REFS_PAGE_SIZE = 100;
/** TFS releases whose refs route takes `$top`, `continuationToken` and `filterContains` (REST 5.0+; Services always). */
const REFS_PAGING_TFS = new Set(['2019', '2020', '2022']);

const withoutHeads = (name: string | undefined): string | undefined => (name?.startsWith(HEADS) ? name.slice(HEADS.length) : undefined);

const repositorySummary = (repository: GitRepository): RepositorySummary | undefined => {
  const project = repository.project?.name;
  if (!project || !repository.name || repository.isDisabled === true) return undefined;
  const defaultBranch = withoutHeads(repository.defaultBranch);
  return {
    id: `${project}/${repository.name}`,
    name: `${project}/${repository.name}`,
    ...(defaultBranch ? { defaultBranch } : {}),
    ...(repository.webUrl ? { url: repository.webUrl } : {}),
  };
};

/** One page of refs through the client's own routing and version negotiation, with the paging parameters its `getRefs` lacks. */
const refsPage = async (git: GitApi, repository: ProjectRepository, query: string | undefined, continuationToken: string | undefined) => {
  const queryValues = {
    filter: 'heads/',
    ...(query ? { filterContains: query } : {}),
    $top: REFS_PAGE_SIZE,
    ...(continuationToken ? { continuationToken } : {}),
  };
  const versioning = await git.vsoClient.getVersioningData('7.1', 'git', REFS_LOCATION_ID, { project: repository.project, repositoryId: repository.repository }, queryValues);
  const response = await git.rest.get<{ value?: GitRef[] }>(versioning.requestUrl ?? '', git.createRequestOptions('application/json', versioning.apiVersion));
  const value = response.result?.value;
  if (!Array.isArray(value)) throw unreadable('the list of branches');
  const next = (response.headers as Record<string, unknown>)['x-ms-continuationtoken'];
  return { refs: value, next: typeof next === 'string' && next !== '' ? next : undefined };
};

const PULL_REQUEST_STATE: Readonly<Partial<Record<PullRequestStatus, PullRequestState>>> = {
  [PullRequestStatus.Active]: 'open',
  [PullRequestStatus.Completed]: 'merged',
  [PullRequestStatus.Abandoned]: 'declined',
};

/** Azure DevOps Services (dev.azure.com), VSTS ({account}.visualstudio.com) and TFS / Azure DevOps Server collections. */
class AzureDevOpsProvider implements GitProvider {
  readonly #links: WebLinks;

  constructor(
    private readonly target: HostTarget,
    private readonly options: HostCallOptions,
  ) {
    this.#links = new WebLinks(target.webUrl, target.provider === 'tfs');
  }

  async verifyToken(credential: HostCredential): Promise<VerifiedIdentity> {
    const call = new HostCall(this.target, credential, this.options, 'verify the credential');
    return call.run(async () => identityOf(await call.read(() => call.connectionData())));
  }

  async createBranch(credential: HostCredential, input: CreateBranchInput): Promise<BranchResult> {
    const repository = parseRepositoryRef(input.repository);
    const call = new HostCall(this.target, credential, this.options, 'create the branch');
    return call.run(async () => {
      const git = await call.gitApi(REFS_LOCATION_ID);
      const commitId = await this.#branchCommit(call, git, repository, input.fromRef);
      const update = { name: branchRefName(input.branchName), oldObjectId: ZERO_OBJECT_ID, newObjectId: commitId };
      await writeRef(git, repository, update, 'create');
      return { url: this.#links.branch(repository, input.branchName), commitId };
    });
  }

  async deleteBranch(credential: HostCredential, input: DeleteBranchInput): Promise<void> {
    const repository = parseRepositoryRef(input.repository);
    const call = new HostCall(this.target, credential, this.options, 'delete the branch');
    return call.run(async () => {
      const git = await call.gitApi(REFS_LOCATION_ID);
      const commitId = await this.#branchCommit(call, git, repository, input.branchName);
      await writeRef(git, repository, { name: branchRefName(input.branchName), oldObjectId: commitId, newObjectId: ZERO_OBJECT_ID }, 'delete');
    });
  }

  async createPullRequest(credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult> {
    const repository = parseRepositoryRef(input.repository);
    const call = new HostCall(this.target, credential, this.options, 'create the pull request');
    return call.run(async () => {
      const git = await call.gitApi(PULL_REQUESTS_LOCATION_ID);
      const created = await git.createPullRequest(
        { sourceRefName: branchRefName(input.sourceBranch), targetRefName: branchRefName(input.targetBranch), title: input.title, description: input.description },
        repository.repository,
        repository.project,
      );
      const id = created?.pullRequestId;
      if (typeof id !== 'number') throw unreadable('the pull request id');
      return { id: String(id), url: this.#links.pullRequest(repository, id) };
    });
  }

  // --- Pickers (listRepositories / listBranches) ---

  /** `GET {collection}/_apis/git/repositories`: every repository of every project (the route is not paged), filtered here. */
  async listRepositories(credential: HostCredential, input: ListRepositoriesInput): Promise<Listing<RepositorySummary>> {
    const call = new HostCall(this.target, credential, this.options, 'list the repositories');
    return call.run(async () => {
      const git = await call.gitApi(REPOSITORIES_LOCATION_ID);
      const repositories = await call.read(() => git.getRepositories());
      if (!Array.isArray(repositories)) throw unreadable('the list of repositories');
      const items = repositories.map(repositorySummary).filter((item): item is RepositorySummary => item !== undefined);
      async function* onePage(): AsyncIterable<HostPage<RepositorySummary>> {
        yield { items, more: false };
      }
      return collectMatches(onePage(), (item) => matchesQuery(item.id, input.query), input.limit);
    });
  }

  /**
   * The repository's `defaultBranch`, then its `heads/` refs: paged with `$top` and the
   * `x-ms-continuationtoken` header, and narrowed with `filterContains`, where the server has them
   * (Services, Server 2019+); TFS 2017/2018 answer all refs at once.
   */
  async listBranches(credential: HostCredential, input: ListBranchesInput): Promise<Listing<BranchSummary>> {
    const repository = parseRepositoryRef(input.repository);
    const call = new HostCall(this.target, credential, this.options, 'list the branches');
    const paged = this.target.provider !== 'tfs' || REFS_PAGING_TFS.has(this.target.tfsVersion ?? '');
    return call.run(async () => {
      const git = await call.gitApi(REFS_LOCATION_ID);
      const found = await call.read(() => git.getRepository(repository.repository, repository.project));
      if (!found?.id) throw new AppError('NOT_FOUND', `The repository ${input.repository} was not found.`, { hostReason: 'not-found' });
      async function* pages(): AsyncIterable<HostPage<string>> {
        if (!paged) {
          const refs = await call.read(() => git.getRefs(repository.repository, repository.project, 'heads/'));
          yield { items: (refs ?? []).map((ref) => withoutHeads(ref.name)).filter((name): name is string => name !== undefined), more: false };
          return;
        }
        for (let token: string | undefined, first = true; first || token !== undefined; first = false) {
          const page = await call.read(() => refsPage(git, repository, input.query, token));
          token = page.next;
          yield { items: page.refs.map((ref) => withoutHeads(ref.name)).filter((name): name is string => name !== undefined), more: token !== undefined };
        }
      }
      return branchListing(pages(), withoutHeads(found.defaultBranch), input.query, input.limit);
    });
  }

  /**
   * Two listing requests: the repository's `heads/` refs (narrowed with `filterContains` = the key,
   * first page of 100, where the server has it; TFS 2017/2018 answer all refs at once) and the first
   * 100 pull requests of any status (Pull Requests - Get Pull Requests, `searchCriteria.status=all`),
   * kept where the branch, source branch or title carries the key. Status: active → open,
   * completed → merged, abandoned → declined.
   */
  async listIssueDevelopment(credential: HostCredential, input: IssueDevelopmentInput): Promise<HostDevelopment> {
    const repository = parseRepositoryRef(input.repository);
    const call = new HostCall(this.target, credential, this.options, 'list the issue\'s branches and pull requests');
    const paged = this.target.provider !== 'tfs' || REFS_PAGING_TFS.has(this.target.tfsVersion ?? '');
    return call.run(async () => {
      const [refsApi, pullsApi] = await Promise.all([call.gitApi(REFS_LOCATION_ID), call.gitApi(PULL_REQUESTS_LOCATION_ID)]);
      const [refs, pulls] = await Promise.all([
        paged ? call.read(async () => (await refsPage(refsApi, repository, input.issueKey, undefined)).refs) : call.read(() => refsApi.getRefs(repository.repository, repository.project, 'heads/')),
        call.read(() => pullsApi.getPullRequests(repository.repository, { status: PullRequestStatus.All }, repository.project, undefined, undefined, 100)),
      ]);
      if (!Array.isArray(pulls)) throw unreadable('the list of pull requests');
      const names = (refs ?? []).map((ref) => withoutHeads(ref.name)).filter((name): name is string => name !== undefined && carriesIssueKey(name, input.issueKey));
      const found = pulls.flatMap((pull) => {
        const source = withoutHeads(pull.sourceRefName);
        if (typeof pull.pullRequestId !== 'number' || !source) return [];
        if (!carriesIssueKey(source, input.issueKey) && !carriesIssueKey(pull.title ?? '', input.issueKey)) return [];
        const target = withoutHeads(pull.targetRefName);
        const author = pull.createdBy?.uniqueName ?? pull.createdBy?.displayName;
        return [
          {
            id: String(pull.pullRequestId),
            title: pull.title ?? '',
            state: PULL_REQUEST_STATE[pull.status ?? PullRequestStatus.Active] ?? 'open',
            url: this.#links.pullRequest(repository, pull.pullRequestId),
            sourceBranch: source,
            ...(target ? { targetBranch: target } : {}),
            ...(author ? { author } : {}),
          },
        ];
      });
      return {
        branches: names.slice(0, input.limit).map((name) => ({ name, url: this.#links.branch(repository, name) })),
        pullRequests: found.slice(0, input.limit),
        hostCalls: 2,
      };
    });
  }

  newTokenUrl(): string {
    return this.#links.newToken();
  }

  // Repository resolution (canonical ids, see ./repository-id.ts): Repositories - Get Repository.
  async resolveRepository(credential: HostCredential, reference: string): Promise<ResolvedRepository> {
    const repository = parseRepositoryRef(reference);
    const call = new HostCall(this.target, credential, this.options, 'find the repository');
    return call.run(async () => {
      const git = await call.gitApi(REPOSITORIES_LOCATION_ID);
      const found = await call.read(() => git.getRepository(repository.repository, repository.project));
      if (!found) throw new AppError('NOT_FOUND', `The repository ${reference} was not found.`, { hostReason: 'not-found' });
      const { id, name, project } = found;
      if (!id || !name || !project?.id || !project.name) throw unreadable('the repository id');
      return { hostId: `${project.name}/${name}`, keys: azureRepositoryKeys({ id, name, project: { id: project.id, name: project.name } }) };
    });
  }

  /** The commit a branch points at; the refs filter is a prefix match, so only the exact name counts. */
  async #branchCommit(call: HostCall, git: GitApi, repository: ProjectRepository, branch: string): Promise<string> {
    const refs = await call.read(() => git.getRefs(repository.repository, repository.project, `heads/${branch}`));
    const ref = (refs ?? []).find((candidate) => candidate.name === branchRefName(branch));
    if (!ref) throw new AppError('NOT_FOUND', `The branch ${branch} does not exist in ${repository.project}/${repository.repository}.`, { hostReason: 'not-found' });
    if (!isObjectId(ref.objectId)) throw unreadable('the commit of the branch');
    return ref.objectId.toLowerCase();
  }

  // --- What a CONFLICT says exists (existingUrl): only after a create was refused as existing ---

  /**
   * A branch's web URL is computed (no call). Azure also answers CONFLICT for a ref update it
   * refused for other reasons (ref-update-failure.ts), so only "already exists" gets a link. A pull
   * request's (TF401179, "already exists"): one Pull Requests - Get Pull Requests with the source
   * and target refs and status active as search criteria.
   */
  async existingUrl(credential: HostCredential, conflict: ConflictingCreate, error: AppError): Promise<string | undefined> {
    if (!/already exists/i.test(error.message)) return undefined;
    const repository = parseRepositoryRef(conflict.input.repository);
    if (conflict.action === 'create-branch') return this.#links.branch(repository, conflict.input.branchName);
    const { sourceBranch, targetBranch } = conflict.input;
    const call = new HostCall(this.target, credential, this.options, 'find the existing pull request');
    return call.run(async () => {
      const git = await call.gitApi(PULL_REQUESTS_LOCATION_ID);
      const criteria = { sourceRefName: branchRefName(sourceBranch), targetRefName: branchRefName(targetBranch), status: PullRequestStatus.Active };
      const found = await call.read(() => git.getPullRequests(repository.repository, criteria, repository.project, undefined, undefined, 1));
      const id = Array.isArray(found) ? found[0]?.pullRequestId : undefined;
      return typeof id === 'number' ? this.#links.pullRequest(repository, id) : undefined;
    });
  }
}

export const createAzureDevOpsProvider: GitProviderFactory = (target, options = DEFAULT_HOST_CALL_OPTIONS) => new AzureDevOpsProvider(target, options);
