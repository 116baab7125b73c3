import { createHash, randomUUID } from 'node:crypto';
import { AwsServiceError } from './aws-service-error';
import { DEFAULT_ACCOUNT_ID, type AwsCaller } from './simulated-iam';

export type JsonObject = Readonly<Record<string, unknown>>;

export const CODECOMMIT_OPERATIONS = [
  'GetBranch',
  'CreateBranch',
  'DeleteBranch',
  'CreatePullRequest',
  'ListPullRequests',
  'GetPullRequest',
  'GetRepository',
  'ListRepositories',
  'ListBranches',
] as const;
export type CodeCommitOperation = (typeof CODECOMMIT_OPERATIONS)[number];

export interface RepositorySeed {
  readonly name: string;
  readonly defaultBranch?: string;
  /** Branch name → 40-hex commit id. */
  readonly branches?: Readonly<Record<string, string>>;
  readonly description?: string;
}

export interface BranchState {
  readonly commitId: string;
  /** IAM user name of the caller that created the branch through the API (absent for seeded branches). */
  readonly createdBy?: string;
  readonly createdByArn?: string;
}

export type PullRequestStatus = 'OPEN' | 'CLOSED';

export interface PullRequestState {
  readonly pullRequestId: string;
  readonly repositoryName: string;
  readonly title: string;
  readonly description?: string;
  /** Full ref names as CodeCommit reports them: `refs/heads/<branch>`. */
  readonly sourceReference: string;
  readonly destinationReference: string;
  readonly sourceCommit: string;
  readonly destinationCommit: string;
  status: PullRequestStatus;
  readonly authorArn: string;
  /** The IAM user name in `authorArn`. */
  readonly createdBy: string;
  readonly creationDate: Date;
  readonly clientRequestToken?: string;
  readonly revisionId: string;
}

export interface PullRequestSeed {
  readonly repository: string;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly title?: string;
  readonly authorArn?: string;
  readonly status?: PullRequestStatus;
}

interface Repository {
  readonly name: string;
  readonly repositoryId: string;
  readonly description?: string;
  defaultBranch?: string;
  readonly branches: Map<string, BranchState>;
  readonly commits: Set<string>;
  readonly creationDate: Date;
  lastModifiedDate: Date;
}

const MAX_OPEN_PULL_REQUESTS = 1000;
const DEFAULT_PAGE_SIZE = 100;
const REPOSITORY_NAME = /^[\w.-]{1,100}$/;
const COMMIT_ID = /^[0-9a-f]{40}$/;
const HEADS = 'refs/heads/';

const text = (input: JsonObject, key: string): string | undefined => {
  const value = input[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const hasControlOrSpace = (name: string): boolean => [...name].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f);

/** git check-ref-format's rules, which CodeCommit enforces on branch names. */
const isValidBranchName = (name: string): boolean =>
  name.length <= 256 && name !== '@' && !hasControlOrSpace(name) && !/[~^:?*[\\]|\.\.|\/\/|@\{|^\/|\/$|\.$|\.lock$|(^|\/)\./.test(name);

const epochSeconds = (date: Date): number => date.getTime() / 1000;

const fingerprint = (value: unknown): string => createHash('sha256').update(JSON.stringify(value)).digest('hex');

const error = {
  repositoryNameRequired: () => new AwsServiceError('RepositoryNameRequiredException', 'A repository name is required, but was not specified.'),
  invalidRepositoryName: () => new AwsServiceError('InvalidRepositoryNameException', 'A specified repository name is not valid.'),
  // The one message checked against AWS itself (the SDKs' integration tests): "<name> does not exist".
  repositoryDoesNotExist: (name: string) => new AwsServiceError('RepositoryDoesNotExistException', `${name} does not exist`),
  branchNameRequired: () => new AwsServiceError('BranchNameRequiredException', 'A branch name is required, but was not specified.'),
  invalidBranchName: () => new AwsServiceError('InvalidBranchNameException', 'The specified reference name is not valid.'),
  branchDoesNotExist: () => new AwsServiceError('BranchDoesNotExistException', 'The specified branch does not exist.'),
  branchNameExists: () =>
    new AwsServiceError(
      'BranchNameExistsException',
      'Cannot create the branch with the specified name because the commit conflicts with an existing branch with the same name. Branch names must be unique.',
    ),
  commitIdRequired: () => new AwsServiceError('CommitIdRequiredException', 'A commit ID was not specified.'),
  invalidCommitId: () => new AwsServiceError('InvalidCommitIdException', 'The specified commit ID is not valid.'),
  commitDoesNotExist: () =>
    new AwsServiceError(
      'CommitDoesNotExistException',
      'The specified commit does not exist or no commit was specified, and the specified repository has no default branch.',
    ),
  defaultBranchCannotBeDeleted: () =>
    new AwsServiceError(
      'DefaultBranchCannotBeDeletedException',
      'The specified branch is the default branch for the repository, and cannot be deleted. To delete this branch, you must first set another branch as the default branch.',
    ),
  titleRequired: () => new AwsServiceError('TitleRequiredException', 'A pull request title is required. It cannot be empty or null.'),
  invalidTitle: () =>
    new AwsServiceError('InvalidTitleException', 'The title of the pull request is not valid. Pull request titles cannot exceed 100 characters in length.'),
  invalidDescription: () =>
    new AwsServiceError('InvalidDescriptionException', 'The pull request description is not valid. Descriptions cannot be more than 1,000 characters.'),
  targetsRequired: () => new AwsServiceError('TargetsRequiredException', 'An array of target objects is required. It cannot be empty or null.'),
  multipleRepositories: () =>
    new AwsServiceError(
      'MultipleRepositoriesInPullRequestException',
      'You cannot include more than one repository in a pull request. Make sure you have specified only one repository name in your request, and then try again.',
    ),
  referenceNameRequired: () => new AwsServiceError('ReferenceNameRequiredException', 'A reference name is required, but none was provided.'),
  invalidReferenceName: () =>
    new AwsServiceError(
      'InvalidReferenceNameException',
      'The specified reference name format is not valid. Reference names must conform to the Git references format (for example, refs/heads/main).',
    ),
  referenceTypeNotSupported: () =>
    new AwsServiceError('ReferenceTypeNotSupportedException', 'The specified reference is not a supported type.'),
  referenceDoesNotExist: () =>
    new AwsServiceError('ReferenceDoesNotExistException', 'The specified reference does not exist. You must provide a full commit ID.'),
  sourceAndDestinationAreSame: () =>
    new AwsServiceError(
      'SourceAndDestinationAreSameException',
      'The source branch and destination branch for the pull request are the same. You must specify different branches for the source and destination.',
    ),
  maximumOpenPullRequests: () =>
    new AwsServiceError(
      'MaximumOpenPullRequestsExceededException',
      'You cannot create the pull request because the repository has too many open pull requests. The maximum number of open pull requests for a repository is 1,000. Close one or more open pull requests, and then try again.',
    ),
  idempotencyMismatch: () =>
    new AwsServiceError(
      'IdempotencyParameterMismatchException',
      'The client request token is not valid. Either the token is not in a valid format, or the token has been used in a previous request and cannot be reused.',
    ),
  pullRequestIdRequired: () => new AwsServiceError('PullRequestIdRequiredException', 'A pull request ID is required, but none was provided.'),
  invalidPullRequestId: () =>
    new AwsServiceError(
      'InvalidPullRequestIdException',
      'The pull request ID is not valid. Make sure that you have provided the full ID and that the pull request is in the specified repository, and then try again.',
    ),
  pullRequestDoesNotExist: () =>
    new AwsServiceError(
      'PullRequestDoesNotExistException',
      'The pull request ID could not be found. Make sure that you have specified the correct repository name and pull request ID, and then try again.',
    ),
  invalidPullRequestStatus: () =>
    new AwsServiceError('InvalidPullRequestStatusException', 'The pull request status is not valid. The only valid values are OPEN and CLOSED.'),
  invalidAuthorArn: () =>
    new AwsServiceError(
      'InvalidAuthorArnException',
      'The Amazon Resource Name (ARN) is not valid. Make sure that you have provided the full ARN for the author of the pull request, and then try again.',
    ),
  invalidMaxResults: () => new AwsServiceError('InvalidMaxResultsException', 'The specified number of maximum results is not valid.'),
  invalidContinuationToken: () => new AwsServiceError('InvalidContinuationTokenException', 'The specified continuation token is not valid.'),
  invalidSortBy: () => new AwsServiceError('InvalidSortByException', 'The specified sort by value is not valid.'),
  invalidOrder: () => new AwsServiceError('InvalidOrderException', 'The specified sort order is not valid.'),
};

/**
 * The CodeCommit side of the simulator: repositories with branches (commit ids) and a default
 * branch, pull requests with their author, optional per-user denials — and the seven operations
 * patgate calls, answering with CodeCommit's output shapes or throwing its exceptions.
 */
export class SimulatedCodeCommit {
  readonly #repositories = new Map<string, Repository>();
  readonly #pullRequests = new Map<string, PullRequestState>();
  readonly #requestTokens = new Map<string, { pullRequestId: string; fingerprint: string }>();
  readonly #denied = new Set<string>();
  #nextPullRequestId = 1;
  /**
   * Items per ListRepositories / ListBranches page. Neither operation takes a page size; AWS does not
   * document its own (not verified), so tests may lower this to exercise `nextToken`.
   */
  listPageSize = DEFAULT_PAGE_SIZE;

  constructor(
    readonly region = 'us-east-1',
    readonly accountId = DEFAULT_ACCOUNT_ID,
  ) {}

  static isOperation(name: string): name is CodeCommitOperation {
    return (CODECOMMIT_OPERATIONS as readonly string[]).includes(name);
  }

  createRepository(seed: RepositorySeed): void {
    const branches = new Map(Object.entries(seed.branches ?? {}).map(([name, commitId]) => [name, { commitId }]));
    const now = new Date();
    this.#repositories.set(seed.name, {
      name: seed.name,
      repositoryId: randomUUID(),
      description: seed.description,
      defaultBranch: seed.defaultBranch ?? branches.keys().next().value,
      branches,
      commits: new Set([...branches.values()].map((b) => b.commitId)),
      creationDate: now,
      lastModifiedDate: now,
    });
  }

  hasRepository(name: string): boolean {
    return this.#repositories.has(name);
  }

  getBranch(repository: string, branchName: string): BranchState | undefined {
    return this.#repositories.get(repository)?.branches.get(branchName);
  }

  listBranches(repository: string): Readonly<Record<string, BranchState>> | undefined {
    const repo = this.#repositories.get(repository);
    return repo ? Object.fromEntries(repo.branches) : undefined;
  }

  defaultBranch(repository: string): string | undefined {
    return this.#repositories.get(repository)?.defaultBranch;
  }

  /** Newest first, like ListPullRequests. */
  listPullRequests(repository: string): readonly PullRequestState[] {
    return [...this.#pullRequests.values()].filter((pr) => pr.repositoryName === repository).reverse();
  }

  /** A pull request made outside patgate (another user, or one already closed). */
  seedPullRequest(seed: PullRequestSeed): PullRequestState {
    const repo = this.#repositories.get(seed.repository);
    const source = repo?.branches.get(seed.sourceBranch);
    const destination = repo?.branches.get(seed.targetBranch);
    if (!repo || !source || !destination) throw new Error(`seed: ${seed.repository} lacks ${seed.sourceBranch} or ${seed.targetBranch}`);
    const authorArn = seed.authorArn ?? `arn:aws:iam::${this.accountId}:user/someone-else`;
    const pr = this.#addPullRequest(repo, {
      title: seed.title ?? `${seed.sourceBranch} → ${seed.targetBranch}`,
      source: seed.sourceBranch,
      destination: seed.targetBranch,
      authorArn,
    });
    pr.status = seed.status ?? 'OPEN';
    return pr;
  }

  /** IAM policy stand-in: a denied user gets AccessDeniedException on every call about the repository. */
  setAccess(userName: string, repository: string, allowed: boolean): void {
    const key = `${userName}\u0000${repository}`;
    if (allowed) this.#denied.delete(key);
    else this.#denied.add(key);
  }

  reset(): void {
    this.#repositories.clear();
    this.#pullRequests.clear();
    this.#requestTokens.clear();
    this.#denied.clear();
    this.#nextPullRequestId = 1;
  }

  /** Runs one operation as `caller`; throws AwsServiceError as CodeCommit would. */
  execute(operation: CodeCommitOperation, caller: AwsCaller, input: JsonObject): JsonObject {
    switch (operation) {
      case 'GetBranch':
        return this.#getBranchOperation(caller, input);
      case 'CreateBranch':
        return this.#createBranchOperation(caller, input);
      case 'DeleteBranch':
        return this.#deleteBranchOperation(caller, input);
      case 'CreatePullRequest':
        return this.#createPullRequestOperation(caller, input);
      case 'ListPullRequests':
        return this.#listPullRequestsOperation(caller, input);
      case 'GetPullRequest':
        return this.#getPullRequestOperation(caller, input);
      case 'GetRepository':
        return this.#getRepositoryOperation(caller, input);
      case 'ListRepositories':
        return this.#listRepositoriesOperation(input);
      case 'ListBranches':
        return this.#listBranchesOperation(caller, input);
    }
  }

  // --- Pickers: ListRepositories and ListBranches, paged with `nextToken` ---

  /**
   * Every repository of the account and region: codecommit:ListRepositories is not scoped to a
   * repository, so a per-repository denial does not hide one here (it refuses the calls about it).
   */
  #listRepositoriesOperation(input: JsonObject): JsonObject {
    const sortBy = text(input, 'sortBy') ?? 'repositoryName';
    if (sortBy !== 'repositoryName' && sortBy !== 'lastModifiedDate') throw error.invalidSortBy();
    const order = text(input, 'order') ?? 'ascending';
    if (order !== 'ascending' && order !== 'descending') throw error.invalidOrder();
    const sorted = [...this.#repositories.values()].sort((a, b) =>
      sortBy === 'repositoryName' ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.lastModifiedDate.getTime() - b.lastModifiedDate.getTime(),
    );
    const ordered = order === 'ascending' ? sorted : sorted.reverse();
    const { page, nextToken } = this.#listPage(ordered, text(input, 'nextToken'));
    return { repositories: page.map((repo) => ({ repositoryName: repo.name, repositoryId: repo.repositoryId })), ...(nextToken ? { nextToken } : {}) };
  }

  #listBranchesOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const repo = this.#repository(caller, 'ListBranches', input);
    const { page, nextToken } = this.#listPage([...repo.branches.keys()].sort(), text(input, 'nextToken'));
    return { branches: page, ...(nextToken ? { nextToken } : {}) };
  }

  #listPage<T>(items: readonly T[], token: string | undefined): { page: readonly T[]; nextToken?: string } {
    const start = this.#pageStart(token);
    const end = start + this.listPageSize;
    return { page: items.slice(start, end), ...(end < items.length ? { nextToken: Buffer.from(`offset:${end}`).toString('base64') } : {}) };
  }

  #getBranchOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const repo = this.#repository(caller, 'GetBranch', input);
    const branchName = this.#branchName(input);
    const branch = repo.branches.get(branchName);
    if (!branch) throw error.branchDoesNotExist();
    return { branch: { branchName, commitId: branch.commitId } };
  }

  #createBranchOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const repo = this.#repository(caller, 'CreateBranch', input);
    const branchName = this.#branchName(input);
    const commitId = text(input, 'commitId');
    if (!commitId) throw error.commitIdRequired();
    if (!COMMIT_ID.test(commitId)) throw error.invalidCommitId();
    if (!repo.commits.has(commitId)) throw error.commitDoesNotExist();
    if (repo.branches.has(branchName)) throw error.branchNameExists();
    repo.branches.set(branchName, { commitId, createdBy: caller.userName, createdByArn: caller.arn });
    repo.defaultBranch ??= branchName;
    repo.lastModifiedDate = new Date();
    return {};
  }

  /** A missing branch is no error: CodeCommit answers without `deletedBranch`. */
  #deleteBranchOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const repo = this.#repository(caller, 'DeleteBranch', input);
    const branchName = this.#branchName(input);
    const branch = repo.branches.get(branchName);
    if (!branch) return {};
    if (repo.defaultBranch === branchName) throw error.defaultBranchCannotBeDeleted();
    repo.branches.delete(branchName);
    repo.lastModifiedDate = new Date();
    return { deletedBranch: { branchName, commitId: branch.commitId } };
  }

  #createPullRequestOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const title = text(input, 'title');
    if (!title) throw error.titleRequired();
    if (title.length > 100) throw error.invalidTitle();
    const description = text(input, 'description');
    if (description !== undefined && description.length > 10_240) throw error.invalidDescription();
    const target = this.#singleTarget(input);
    const repo = this.#repository(caller, 'CreatePullRequest', target);
    const source = this.#branchOfReference(target['sourceReference']);
    const destination = this.#branchOfReference(target['destinationReference'] ?? repo.defaultBranch);
    if (!repo.branches.has(source) || !repo.branches.has(destination)) throw error.referenceDoesNotExist();
    if (source === destination) throw error.sourceAndDestinationAreSame();
    const token = text(input, 'clientRequestToken');
    const requestPrint = fingerprint({ title, description, repo: repo.name, source, destination, caller: caller.arn });
    const replay = this.#replay(token, requestPrint);
    if (replay) return { pullRequest: this.#pullRequestOutput(replay) };
    const open = this.listPullRequests(repo.name).filter((pr) => pr.status === 'OPEN');
    if (open.length >= MAX_OPEN_PULL_REQUESTS) throw error.maximumOpenPullRequests();
    const pr = this.#addPullRequest(repo, { title, description, source, destination, authorArn: caller.arn, token });
    if (token) this.#requestTokens.set(token, { pullRequestId: pr.pullRequestId, fingerprint: requestPrint });
    return { pullRequest: this.#pullRequestOutput(pr) };
  }

  #listPullRequestsOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const repo = this.#repository(caller, 'ListPullRequests', input);
    const status = text(input, 'pullRequestStatus');
    if (status !== undefined && status !== 'OPEN' && status !== 'CLOSED') throw error.invalidPullRequestStatus();
    const authorArn = text(input, 'authorArn');
    if (authorArn !== undefined && !/^arn:aws[\w-]*:(iam|sts)::\d{12}:.+/.test(authorArn)) throw error.invalidAuthorArn();
    const pageSize = this.#pageSize(input['maxResults']);
    const start = this.#pageStart(text(input, 'nextToken'));
    const ids = this.listPullRequests(repo.name)
      .filter((pr) => (status === undefined || pr.status === status) && (authorArn === undefined || pr.authorArn === authorArn))
      .map((pr) => pr.pullRequestId);
    const page = ids.slice(start, start + pageSize);
    const next = start + pageSize < ids.length ? Buffer.from(`offset:${start + pageSize}`).toString('base64') : undefined;
    return next === undefined ? { pullRequestIds: page } : { pullRequestIds: page, nextToken: next };
  }

  #getPullRequestOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const id = text(input, 'pullRequestId');
    if (!id) throw error.pullRequestIdRequired();
    if (!/^\d+$/.test(id)) throw error.invalidPullRequestId();
    const pr = this.#pullRequests.get(id);
    if (!pr) throw error.pullRequestDoesNotExist();
    this.#authorize(caller, 'GetPullRequest', pr.repositoryName);
    return { pullRequest: this.#pullRequestOutput(pr) };
  }

  #getRepositoryOperation(caller: AwsCaller, input: JsonObject): JsonObject {
    const repo = this.#repository(caller, 'GetRepository', input);
    const arn = `arn:aws:codecommit:${this.region}:${this.accountId}:${repo.name}`;
    return {
      repositoryMetadata: {
        accountId: this.accountId,
        repositoryId: repo.repositoryId,
        repositoryName: repo.name,
        ...(repo.description === undefined ? {} : { repositoryDescription: repo.description }),
        ...(repo.defaultBranch === undefined ? {} : { defaultBranch: repo.defaultBranch }),
        lastModifiedDate: epochSeconds(repo.lastModifiedDate),
        creationDate: epochSeconds(repo.creationDate),
        cloneUrlHttp: `https://git-codecommit.${this.region}.amazonaws.com/v1/repos/${repo.name}`,
        cloneUrlSsh: `ssh://git-codecommit.${this.region}.amazonaws.com/v1/repos/${repo.name}`,
        Arn: arn,
      },
    };
  }

  #repository(caller: AwsCaller, action: CodeCommitOperation, input: JsonObject): Repository {
    const name = text(input, 'repositoryName');
    if (!name) throw error.repositoryNameRequired();
    if (!REPOSITORY_NAME.test(name) || name.endsWith('.git')) throw error.invalidRepositoryName();
    this.#authorize(caller, action, name);
    const repo = this.#repositories.get(name);
    if (!repo) throw error.repositoryDoesNotExist(name);
    return repo;
  }

  #authorize(caller: AwsCaller, action: CodeCommitOperation, repository: string): void {
    if (!this.#denied.has(`${caller.userName}\u0000${repository}`)) return;
    const resource = `arn:aws:codecommit:${this.region}:${this.accountId}:${repository}`;
    throw new AwsServiceError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: codecommit:${action} on resource: ${resource} because no identity-based policy allows the codecommit:${action} action`,
      { messageKey: 'Message' },
    );
  }

  #branchName(input: JsonObject): string {
    const name = text(input, 'branchName');
    if (!name) throw error.branchNameRequired();
    if (!isValidBranchName(name)) throw error.invalidBranchName();
    return name;
  }

  #singleTarget(input: JsonObject): JsonObject {
    const targets = input['targets'];
    if (!Array.isArray(targets) || targets.length === 0) throw error.targetsRequired();
    if (targets.length > 1) throw error.multipleRepositories();
    const [target] = targets as unknown[];
    if (typeof target !== 'object' || target === null) throw error.targetsRequired();
    return target as JsonObject;
  }

  #branchOfReference(reference: unknown): string {
    if (typeof reference !== 'string' || reference === '') throw error.referenceNameRequired();
    if (reference.startsWith('refs/') && !reference.startsWith(HEADS)) throw error.referenceTypeNotSupported();
    const branch = reference.startsWith(HEADS) ? reference.slice(HEADS.length) : reference;
    if (!isValidBranchName(branch)) throw error.invalidReferenceName();
    return branch;
  }

  /** The pull request an earlier call with the same client request token made, if any. */
  #replay(token: string | undefined, requestPrint: string): PullRequestState | undefined {
    const previous = token === undefined ? undefined : this.#requestTokens.get(token);
    if (!previous) return undefined;
    if (previous.fingerprint !== requestPrint) throw error.idempotencyMismatch();
    return this.#pullRequests.get(previous.pullRequestId);
  }

  #pageSize(maxResults: unknown): number {
    if (maxResults === undefined) return DEFAULT_PAGE_SIZE;
    if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) throw error.invalidMaxResults();
    return maxResults;
  }

  #pageStart(nextToken: string | undefined): number {
    if (nextToken === undefined) return 0;
    const match = /^offset:(\d+)$/.exec(Buffer.from(nextToken, 'base64').toString('utf8'));
    if (!match) throw error.invalidContinuationToken();
    return Number(match[1]);
  }

  #addPullRequest(
    repo: Repository,
    fields: { title: string; description?: string; source: string; destination: string; authorArn: string; token?: string },
  ): PullRequestState {
    const pr: PullRequestState = {
      pullRequestId: String(this.#nextPullRequestId++),
      repositoryName: repo.name,
      title: fields.title,
      description: fields.description,
      sourceReference: `${HEADS}${fields.source}`,
      destinationReference: `${HEADS}${fields.destination}`,
      sourceCommit: repo.branches.get(fields.source)?.commitId ?? '',
      destinationCommit: repo.branches.get(fields.destination)?.commitId ?? '',
      status: 'OPEN',
      authorArn: fields.authorArn,
      createdBy: fields.authorArn.slice(fields.authorArn.lastIndexOf('/') + 1),
      creationDate: new Date(),
      clientRequestToken: fields.token,
      revisionId: createHash('sha256').update(randomUUID()).digest('hex'),
    };
    this.#pullRequests.set(pr.pullRequestId, pr);
    return pr;
  }

  #pullRequestOutput(pr: PullRequestState): JsonObject {
    return {
      pullRequestId: pr.pullRequestId,
      title: pr.title,
      ...(pr.description === undefined ? {} : { description: pr.description }),
      lastActivityDate: epochSeconds(pr.creationDate),
      creationDate: epochSeconds(pr.creationDate),
      pullRequestStatus: pr.status,
      authorArn: pr.authorArn,
      pullRequestTargets: [
        {
          repositoryName: pr.repositoryName,
          sourceReference: pr.sourceReference,
          destinationReference: pr.destinationReference,
          destinationCommit: pr.destinationCommit,
          sourceCommit: pr.sourceCommit,
          mergeBase: pr.destinationCommit,
          mergeMetadata: { isMerged: false },
        },
      ],
      ...(pr.clientRequestToken === undefined ? {} : { clientRequestToken: pr.clientRequestToken }),
      revisionId: pr.revisionId,
      approvalRules: [],
    };
  }
}
