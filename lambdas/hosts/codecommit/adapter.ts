import {
  CodeCommitClient,
  CreateBranchCommand,
  CreatePullRequestCommand,
  DeleteBranchCommand,
  GetBranchCommand,
  GetPullRequestCommand,
  GetRepositoryCommand,
  ListBranchesCommand,
  ListPullRequestsCommand,
  ListRepositoriesCommand,
  type PullRequest,
} from '@aws-sdk/client-codecommit';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { AppError, isAppError } from '../../domain/errors';
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
  type BranchSummary,
  type ListBranchesInput,
  type ListRepositoriesInput,
  type Listing,
  type RepositorySummary,
  type PullRequestResult,
  type VerifiedIdentity,
} from '../git-provider';
import { connectionsOf } from '../outbound-connections';
import { appErrorFromAws } from './app-error-from-aws';
import { CallDeadline, requireCredential } from '../host-call';
import type { PullRequestFact } from './pull-request-facts';
import { NEW_ACCESS_KEY_URL } from './descriptor';
import { PULL_REQUEST_TARGETS, type PullRequestTarget } from './pull-request-targets';
import { SharedPullRequestFacts } from './shared-pull-request-facts';
import { retryRead, sendWrite } from './retry-read';
import { branchListing, collectMatches, matchesQuery, type HostPage } from '../listing';

const HEADS = 'refs/heads/';
/** One create's search for an open duplicate: its client, request, deadline and what it learns. */
interface DuplicateSearch {
  readonly codeCommit: CodeCommitClient;
  readonly input: CreatePullRequestInput;
  readonly deadline: CallDeadline;
  /** The per-container cache's scope (endpoint, region, access key, repository). */
  readonly scope: string;
  readonly shared: SharedPullRequestFacts | undefined;
  /** Facts to record in the shared record when the create ends (kept even when it fails). */
  readonly toRecord: PullRequestFact[];
}

/** GetPullRequest calls in flight at once while looking for a duplicate among the open pull requests. */
const LOOKUP_CONCURRENCY = 10;
/** CodeCommit allows at most 1,000 open pull requests per repository: one page lists them all. */
const OPEN_PULL_REQUESTS_PAGE = 1000;

type AwsKeys = Extract<HostCredential, { kind: 'aws-keys' }>;
interface Clients {
  readonly codeCommit: CodeCommitClient;
  readonly sts: STSClient;
}

const branchOf = (reference: string | undefined): string | undefined =>
  reference?.startsWith(HEADS) ? reference.slice(HEADS.length) : reference;

const encodePath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

/** `arn:aws:iam::123456789012:user/division/alice` → `alice` (the IAM user name; `root` for the root user). */
const loginFromArn = (arn: string): string => {
  const resource = arn.split(':').slice(5).join(':');
  return resource.slice(resource.lastIndexOf('/') + 1) || arn;
};

const unreadableAnswer = (what: string): AppError =>
  new AppError('HOST_UNAVAILABLE', `CodeCommit answered ${what} without the expected data.`, { hostReason: 'unavailable' });

const awsKeysOf = (credential: HostCredential): AwsKeys => requireCredential(credential, 'aws-keys', 'CodeCommit needs an IAM access key pair.');

const targetsOf = (pr: PullRequest): PullRequestTarget[] =>
  (pr.pullRequestTargets ?? []).map((t) => ({ repository: t.repositoryName, source: branchOf(t.sourceReference), destination: branchOf(t.destinationReference) }));

/** Targets of a pull request listed as open: a duplicate when one of them is the same branch pair. */
const sameBranches = (targets: readonly PullRequestTarget[] | undefined, input: CreatePullRequestInput): boolean =>
  (targets ?? []).some((t) => t.repository === input.repository && t.source === input.sourceBranch && t.destination === input.targetBranch);

const isDuplicate = (pr: PullRequest | undefined, input: CreatePullRequestInput): boolean =>
  pr?.pullRequestStatus === 'OPEN' && sameBranches(targetsOf(pr), input);

/**
 * AWS CodeCommit through the AWS SDK. The "token" is an IAM access key pair; STS GetCallerIdentity
 * says whose. The SDK's own retries are off (`maxAttempts: 1`): reads are retried by `retryRead`
 * on gateway errors and resets only, writes are sent again only when they provably never left
 * (`sendWrite`), throttling is reported, not retried.
 */
class CodeCommitProvider implements GitProvider {
  readonly #region: string | undefined;
  readonly #endpoint: string | undefined;
  readonly #integration: HostTarget['integration'];
  readonly #options: HostCallOptions;
  /** One connection pool for every client this provider makes. */
  readonly #requestHandler: NodeHttpHandler;

  constructor(target: HostTarget, options: HostCallOptions) {
    this.#region = target.region;
    this.#endpoint = target.apiUrl === '' ? undefined : target.apiUrl;
    this.#integration = target.integration;
    this.#options = options;
    // AWS's own endpoint unless local; guarded all the same, and kept alive across calls.
    const connections = connectionsOf(options);
    this.#requestHandler = new NodeHttpHandler({
      httpAgent: connections.httpAgent,
      httpsAgent: connections.httpsAgent,
      connectionTimeout: options.connectTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    });
  }

  newTokenUrl(): string {
    return NEW_ACCESS_KEY_URL;
  }

  verifyToken(credential: HostCredential): Promise<VerifiedIdentity> {
    return this.#withinBudget(credential, async ({ sts }, deadline) => {
      const identity = await retryRead(deadline, () => sts.send(new GetCallerIdentityCommand({}), { abortSignal: deadline.signal }));
      if (!identity.Arn) throw unreadableAnswer('GetCallerIdentity');
      return { login: loginFromArn(identity.Arn), displayName: identity.Arn };
    });
  }

  createBranch(credential: HostCredential, input: CreateBranchInput): Promise<BranchResult> {
    return this.#withinBudget(credential, async ({ codeCommit }, deadline) => {
      const { repository: repositoryName, branchName, fromRef } = input;
      const source = await retryRead(deadline, () =>
        codeCommit.send(new GetBranchCommand({ repositoryName, branchName: fromRef }), { abortSignal: deadline.signal }),
      );
      const commitId = source.branch?.commitId;
      if (!commitId) throw unreadableAnswer('GetBranch');
      await sendWrite(deadline, () => codeCommit.send(new CreateBranchCommand({ repositoryName, branchName, commitId }), { abortSignal: deadline.signal }));
      return { url: this.#branchUrl(repositoryName, branchName), commitId };
    });
  }

  /** CodeCommit reports a missing branch by leaving `deletedBranch` out, not by an error. */
  deleteBranch(credential: HostCredential, input: DeleteBranchInput): Promise<void> {
    return this.#withinBudget(credential, async ({ codeCommit }, deadline) => {
      const { repository: repositoryName, branchName } = input;
      const result = await sendWrite(deadline, () => codeCommit.send(new DeleteBranchCommand({ repositoryName, branchName }), { abortSignal: deadline.signal }));
      if (!result.deletedBranch) throw new AppError('NOT_FOUND', 'The repository or branch was not found.', { hostReason: 'not-found' });
    });
  }

  /**
   * CodeCommit accepts any number of identical pull requests, so look for an open one first: one
   * ListPullRequests page holds every open one (CodeCommit allows 1,000). Which branches each joins
   * is known from this container's cache, else from the integration's shared record (one read for
   * all), else read with GetPullRequest once and recorded for every container. Once the repository's
   * open pull requests are known, a create is ListPullRequests + CreatePullRequest, in any container.
   */
  createPullRequest(credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult> {
    return this.#withinBudget(credential, async ({ codeCommit }, deadline) => {
      const scope = this.#targetScope(awsKeysOf(credential), input.repository);
      const shared = this.#sharedFacts(input.repository);
      // What this create learns that the shared record lacks, kept even when the create fails.
      const toRecord: PullRequestFact[] = [];
      try {
        const existing = await this.#findOpenDuplicate({ codeCommit, input, deadline, scope, shared, toRecord });
        if (existing) {
          throw new AppError('CONFLICT', 'An open pull request already exists for these branches.', {
            hostReason: 'conflict',
            extensions: { existingPullRequestId: existing, existingPullRequestUrl: this.#pullRequestUrl(input.repository, existing) },
          });
        }
        const created = await sendWrite(deadline, () =>
          codeCommit.send(
            new CreatePullRequestCommand({
              title: input.title,
              description: input.description,
              targets: [{ repositoryName: input.repository, sourceReference: input.sourceBranch, destinationReference: input.targetBranch }],
            }),
            { abortSignal: deadline.signal },
          ),
        );
        const id = created.pullRequest?.pullRequestId;
        if (!id) throw unreadableAnswer('CreatePullRequest');
        const targets = [{ repository: input.repository, source: input.sourceBranch, destination: input.targetBranch }];
        PULL_REQUEST_TARGETS.set(scope, id, { targets, source: 'read' });
        toRecord.push({ pullRequestId: id, targets });
        return { id, url: this.#pullRequestUrl(input.repository, id) };
      } finally {
        // A failure to record fails nothing (shared-pull-request-facts.ts).
        await shared?.put(toRecord);
      }
    });
  }

  // --- Pickers (listRepositories / listBranches) ---

  /** ListRepositories by name, paged by `nextToken`; it names repositories only (no default branch). */
  listRepositories(credential: HostCredential, input: ListRepositoriesInput): Promise<Listing<RepositorySummary>> {
    return this.#withinBudget(credential, async ({ codeCommit }, deadline) => {
      const send = (nextToken: string | undefined) =>
        retryRead(deadline, () => codeCommit.send(new ListRepositoriesCommand({ sortBy: 'repositoryName', order: 'ascending', nextToken }), { abortSignal: deadline.signal }));
      async function* pages(): AsyncIterable<HostPage<RepositorySummary>> {
        for (let token: string | undefined, first = true; first || token !== undefined; first = false) {
          const page = await send(token);
          token = page.nextToken;
          const names = (page.repositories ?? []).map((repository) => repository.repositoryName).filter((name): name is string => !!name);
          yield { items: names.map((name) => ({ id: name, name })), more: token !== undefined };
        }
      }
      const listing = await collectMatches(pages(), (repository) => matchesQuery(repository.id, input.query), input.limit);
      return { ...listing, items: listing.items.map((item) => ({ ...item, url: this.#consoleRepositoryUrl(item.id) })) };
    });
  }

  /** GetRepository for `defaultBranch`, then ListBranches, paged by `nextToken`. */
  listBranches(credential: HostCredential, input: ListBranchesInput): Promise<Listing<BranchSummary>> {
    return this.#withinBudget(credential, async ({ codeCommit }, deadline) => {
      const repositoryName = input.repository;
      const metadata = await retryRead(deadline, () => codeCommit.send(new GetRepositoryCommand({ repositoryName }), { abortSignal: deadline.signal }));
      if (!metadata.repositoryMetadata) throw unreadableAnswer('GetRepository');
      const send = (nextToken: string | undefined) =>
        retryRead(deadline, () => codeCommit.send(new ListBranchesCommand({ repositoryName, nextToken }), { abortSignal: deadline.signal }));
      async function* pages(): AsyncIterable<HostPage<string>> {
        for (let token: string | undefined, first = true; first || token !== undefined; first = false) {
          const page = await send(token);
          token = page.nextToken;
          yield { items: page.branches ?? [], more: token !== undefined };
        }
      }
      return branchListing(pages(), metadata.repositoryMetadata.defaultBranch, input.query, input.limit);
    });
  }

  async #findOpenDuplicate(search: DuplicateSearch): Promise<string | undefined> {
    const { codeCommit, input, deadline } = search;
    let nextToken: string | undefined;
    do {
      const page = await retryRead(deadline, () =>
        codeCommit.send(
          new ListPullRequestsCommand({ repositoryName: input.repository, pullRequestStatus: 'OPEN', maxResults: OPEN_PULL_REQUESTS_PAGE, nextToken }),
          { abortSignal: deadline.signal },
        ),
      );
      const existing = await this.#duplicateAmong(search, page.pullRequestIds ?? []);
      if (existing) return existing;
      nextToken = page.nextToken;
    } while (nextToken);
    return undefined;
  }

  /**
   * The open pull request among `ids` that joins the same branches, if any. What this credential read
   * decides at once; the shared record is asked about the rest in one read. A recorded fact may come
   * from another credential of the integration, which (misconfigured) could belong to another AWS
   * account where the same id is another pull request: so a recorded duplicate is read with this
   * credential before a create is refused, and a refusal never rests on another credential's answer.
   */
  async #duplicateAmong(search: DuplicateSearch, ids: readonly string[]): Promise<string | undefined> {
    const { input, scope, shared, toRecord } = search;
    const readHere = ids.find((id) => {
      const known = PULL_REQUEST_TARGETS.get(scope, id);
      return known?.source === 'read' && sameBranches(known.targets, input);
    });
    if (readHere) return readHere;
    const recorded = (await shared?.get(ids.filter((id) => PULL_REQUEST_TARGETS.get(scope, id) === undefined))) ?? new Map<string, never>();
    for (const [id, known] of recorded) {
      PULL_REQUEST_TARGETS.set(scope, id, { targets: known.targets, source: 'recorded' });
      if (known.refreshDue) toRecord.push({ pullRequestId: id, targets: known.targets });
    }
    const recordedDuplicates = ids.filter((id) => {
      const known = PULL_REQUEST_TARGETS.get(scope, id);
      return known?.source === 'recorded' && sameBranches(known.targets, input);
    });
    const unknown = ids.filter((id) => PULL_REQUEST_TARGETS.get(scope, id) === undefined);
    return this.#firstDuplicate(search, [...recordedDuplicates, ...unknown]);
  }

  async #firstDuplicate(search: DuplicateSearch, ids: readonly string[]): Promise<string | undefined> {
    const { codeCommit, input, deadline, scope, toRecord } = search;
    for (let start = 0; start < ids.length; start += LOOKUP_CONCURRENCY) {
      const batch = ids.slice(start, start + LOOKUP_CONCURRENCY);
      const answers = await Promise.all(
        batch.map((pullRequestId) =>
          retryRead(deadline, () => codeCommit.send(new GetPullRequestCommand({ pullRequestId }), { abortSignal: deadline.signal })),
        ),
      );
      for (const [index, answer] of answers.entries()) {
        const id = batch[index];
        if (id === undefined || !answer.pullRequest) continue;
        const targets = targetsOf(answer.pullRequest);
        PULL_REQUEST_TARGETS.set(scope, id, { targets, source: 'read' });
        toRecord.push({ pullRequestId: id, targets });
      }
      const match = answers.find((answer) => isDuplicate(answer.pullRequest, input));
      if (match) return match.pullRequest?.pullRequestId;
    }
    return undefined;
  }

  async #withinBudget<T>(credential: HostCredential, work: (clients: Clients, deadline: CallDeadline) => Promise<T>): Promise<T> {
    const clients = this.#clients(awsKeysOf(credential));
    const deadline = new CallDeadline(this.#options.requestTimeoutMs, () => new Error('The call ran out of time.'));
    try {
      return await work(clients, deadline);
    } catch (error) {
      throw isAppError(error) ? error : appErrorFromAws(error, { timedOut: deadline.expired });
    } finally {
      deadline.dispose();
    }
  }

  #clients(keys: AwsKeys): Clients {
    const region = this.#region;
    if (!region) throw new AppError('VALIDATION_FAILED', 'The CodeCommit integration has no region.', { hostReason: 'bad-request' });
    const config = {
      region,
      endpoint: this.#endpoint,
      // A provider, so the secret is read only when the SDK signs a request.
      credentials: async () => ({ accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey.reveal() }),
      requestHandler: this.#requestHandler,
      maxAttempts: 1,
    };
    return { codeCommit: new CodeCommitClient(config), sts: new STSClient(config) };
  }

  /**
   * The integration's shared record for one repository, when the wiring gave one and the target names
   * its integration (one tenant never reads another's; see pull-request-facts-store.ts).
   *
   * It is shared by every credential of the integration (service account and users' own keys), which
   * is acceptable: a credential consults it only for ids its own ListPullRequests returned, in a
   * repository it may list, and nothing of it reaches the caller. A create it says is no duplicate
   * goes ahead (CodeCommit would accept a duplicate anyway); a duplicate it names is read again with
   * the caller's credential before a create is refused (see #duplicateAmong), so a CONFLICT and its
   * link rest on the caller's own GetPullRequest, as before. What remains is one bit for a key allowed
   * ListPullRequests but denied GetPullRequest: a create that names a recorded pair fails on that
   * read (as every create with an open pull request failed for it before the record existed).
   */
  #sharedFacts(repository: string): SharedPullRequestFacts | undefined {
    const facts = this.#options.pullRequestFacts;
    if (!facts || !this.#integration || !this.#region) return undefined;
    return new SharedPullRequestFacts(facts, { tenant: this.#integration.tenant, integrationId: this.#integration.id, region: this.#region, repository });
  }

  /** Whose view of which repository a cached pull request target belongs to (see pull-request-targets.ts). */
  #targetScope(keys: AwsKeys, repository: string): string {
    return [this.#endpoint ?? 'aws', this.#region ?? '', keys.accessKeyId, repository].join('\u0000');
  }

  #consoleRepositoryUrl(repository: string): string {
    return `https://${this.#region}.console.aws.amazon.com/codesuite/codecommit/repositories/${encodeURIComponent(repository)}`;
  }

  #branchUrl(repository: string, branch: string): string {
    return `${this.#consoleRepositoryUrl(repository)}/browse/refs/heads/${encodePath(branch)}?region=${this.#region}`;
  }

  #pullRequestUrl(repository: string, id: string): string {
    return `${this.#consoleRepositoryUrl(repository)}/pull-requests/${encodeURIComponent(id)}?region=${this.#region}`;
  }

  // --- What a CONFLICT says exists (existingUrl): only after a create was refused as existing ---

  /**
   * A branch's console URL is computed (no call), only for BranchNameExistsException (the other
   * CONFLICT, a default branch that cannot be deleted, is no create). A pull request's comes from the
   * duplicate createPullRequest's own check found (no further call).
   */
  existingUrl(_credential: HostCredential, conflict: ConflictingCreate, error: AppError): Promise<string | undefined> {
    if (conflict.action === 'create-branch') {
      return Promise.resolve(/already exists/i.test(error.message) ? this.#branchUrl(conflict.input.repository, conflict.input.branchName) : undefined);
    }
    const url = error.extensions.existingPullRequestUrl;
    return Promise.resolve(typeof url === 'string' ? url : undefined);
  }
}

/** The CodeCommit `GitProviderFactory`: `target.region` is required; `target.apiUrl` only for the local simulator. */
export const createCodeCommitProvider: GitProviderFactory = (target, options = DEFAULT_HOST_CALL_OPTIONS) => new CodeCommitProvider(target, options);
