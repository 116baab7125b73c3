import * as z from 'zod';
import type { Clock } from '../domain/clock';
import { isAppError } from '../domain/errors';
import { integrationIdSchema, repositoryIdSchema } from '../domain/integration-schemas';
import type { ProjectRef } from '../domain/project-association';
import type { AuditEntry, TenantRecord } from '../domain/records';
import { BoundedMap } from '../hosts/bounded-map';
import type { HostFamilies } from '../hosts/family-registry';
import type { HostDevelopment, PullRequestState } from '../hosts/git-provider';
import type { AuditStore } from '../store/audit-store';
import type { ActedAs, CredentialChoice, GitActionService } from './git-action-service';

export const developmentQuerySchema = z.strictObject({ integrationId: integrationIdSchema, repositoryId: repositoryIdSchema.optional() });

/** At most this many repositories are asked per open of the list: the chosen one and those patgate acted on for the issue, newest first. */
export const MAX_REPOSITORIES_PER_LIST = 3;
/** The issue's audit copies read (one Query): far more than an issue's branches and pull requests. */
export const ISSUE_ACTIONS_READ = 100;
/** At most this many branches and this many pull requests per repository. */
export const DEVELOPMENT_LIMIT = 50;
/** How long a container reuses a repository's host answer for the same issue and credential owner. */
export const DEVELOPMENT_CACHE_MS = 30_000;

export interface DevelopmentBranch {
  readonly repositoryId: string;
  readonly name: string;
  readonly url?: string;
  /** Made by patgate for this issue: as whom the host saw it. */
  readonly createdBy?: ActedAs;
}

export interface DevelopmentPullRequest {
  readonly repositoryId: string;
  readonly id: string;
  /** How the host writes it: `#12` (GitHub), `!12` (GitLab, Azure DevOps), `12` (CodeCommit). */
  readonly reference: string;
  readonly title: string;
  /** Absent when the host was not read (only patgate's record of it is known). */
  readonly state?: PullRequestState;
  readonly url?: string;
  readonly sourceBranch?: string;
  readonly targetBranch?: string;
  readonly createdBy?: ActedAs;
  /** The host login that opened it, when found on the host. */
  readonly author?: string;
}

/** What one repository's host read came to: listed (fresh or from the cache), refused (with the refusal's code), or the family lists nothing. */
export type RepositoryReading =
  | { readonly repositoryId: string; readonly read: 'host' | 'cached'; readonly actedAs: ActedAs }
  | { readonly repositoryId: string; readonly read: 'refused'; readonly code: string; readonly message: string }
  | { readonly repositoryId: string; readonly read: 'not-supported' };

export interface IssueDevelopment {
  readonly issueKey: string;
  readonly integrationId: string;
  /** "pull request", or "merge request" on GitLab. */
  readonly pullRequestNoun: string;
  readonly branches: readonly DevelopmentBranch[];
  readonly pullRequests: readonly DevelopmentPullRequest[];
  readonly repositories: readonly RepositoryReading[];
  /** Host requests this answer made (cache hits make none): at most 2 per repository, MAX_REPOSITORIES_PER_LIST repositories. */
  readonly hostCalls: number;
}

type Choosing = Pick<GitActionService, 'chooseCredential' | 'hostFailureFor' | 'integrationFor'>;

/**
 * The issue's branches and pull requests (docs/architecture.md §4): those patgate made for the issue
 * (the audit's copies under the issue, one Query) and those on the host whose name carries the
 * issue key, read with the credential the policy chooses for each repository (§3), bounded (one
 * branch and one pull-request request per repository, at most MAX_REPOSITORIES_PER_LIST) and cached
 * per tenant, credential owner, repository and issue for DEVELOPMENT_CACHE_MS.
 */
export class IssueDevelopmentService {
  readonly #cache = new BoundedMap<{ readonly until: number; readonly development: HostDevelopment }>(1_000);

  constructor(
    private readonly gitActions: Choosing,
    private readonly audit: Pick<AuditStore, 'listForIssue'>,
    private readonly families: HostFamilies,
    private readonly clock: Clock,
  ) {}

  async list(tenant: TenantRecord, accountId: string, issueKey: string, input: z.infer<typeof developmentQuerySchema>, project: ProjectRef): Promise<IssueDevelopment> {
    const [integration, actions] = await Promise.all([
      this.gitActions.integrationFor(tenant, accountId, input.integrationId, project),
      this.audit.listForIssue(tenant.clientKey, issueKey, ISSUE_ACTIONS_READ),
    ]);
    const family = this.families.of(integration.provider);
    const mine = actions.filter((entry) => entry.integrationId === integration.id && entry.repositoryId);
    const repositories = [...new Set([...(input.repositoryId ? [input.repositoryId.trim()] : []), ...mine.map((entry) => entry.repositoryId ?? '')])].slice(0, MAX_REPOSITORIES_PER_LIST);
    const readings = await Promise.all(repositories.map((repositoryId) => this.#read(tenant, accountId, issueKey, integration.id, repositoryId, project, family.listsIssueDevelopment === true)));
    const sigil = family.pullRequestSigil ?? '';
    const made = madeForIssue(mine, sigil);
    const branches = new Map<string, DevelopmentBranch>();
    const pullRequests = new Map<string, DevelopmentPullRequest>();
    for (const branch of made.branches) branches.set(`${branch.repositoryId}\u0000${branch.name}`, branch);
    for (const pull of made.pullRequests) pullRequests.set(`${pull.repositoryId}\u0000${pull.id}`, pull);
    for (const { reading, development } of readings) {
      if (!development) continue;
      const { repositoryId } = reading;
      for (const branch of development.branches) {
        const key = `${repositoryId}\u0000${branch.name}`;
        branches.set(key, { ...branches.get(key), repositoryId, name: branch.name, url: branch.url });
      }
      for (const pull of development.pullRequests) {
        const key = `${repositoryId}\u0000${pull.id}`;
        const known = pullRequests.get(key);
        pullRequests.set(key, { ...known, ...pull, repositoryId, reference: `${sigil}${pull.id}`, ...(known?.createdBy ? { createdBy: known.createdBy } : {}) });
      }
    }
    return {
      issueKey,
      integrationId: integration.id,
      pullRequestNoun: family.pullRequestNoun ?? 'pull request',
      branches: [...branches.values()],
      pullRequests: [...pullRequests.values()],
      repositories: readings.map((r) => r.reading),
      hostCalls: readings.reduce((sum, r) => sum + r.hostCalls, 0),
    };
  }

  /** One repository: the policy's credential, then the host (or the cache); a refusal is that repository's answer, not the list's. */
  async #read(
    tenant: TenantRecord,
    accountId: string,
    issueKey: string,
    integrationId: string,
    repositoryId: string,
    project: ProjectRef,
    supported: boolean,
  ): Promise<{ reading: RepositoryReading; development?: HostDevelopment; hostCalls: number }> {
    if (!supported) return { reading: { repositoryId, read: 'not-supported' }, hostCalls: 0 };
    let choice: CredentialChoice;
    try {
      choice = await this.gitActions.chooseCredential(tenant, accountId, integrationId, repositoryId, project);
    } catch (error) {
      return { reading: refused(repositoryId, error), hostCalls: 0 };
    }
    const list = choice.provider.listIssueDevelopment;
    if (!list) return { reading: { repositoryId, read: 'not-supported' }, hostCalls: 0 };
    // Keyed by whose credential reads: a user's own token sees what that user sees; the service account what every user acting with it sees.
    const owner = choice.actedAs.credential === 'user-pat' ? `user\u0000${accountId}` : 'service';
    const key = [tenant.clientKey, integrationId, owner, choice.hostRepository, issueKey].join('\u0000');
    const now = this.clock.now().getTime();
    const cached = this.#cache.get(key);
    if (cached && cached.until > now) return { reading: { repositoryId, read: 'cached', actedAs: choice.actedAs }, development: cached.development, hostCalls: 0 };
    try {
      const development = await list.call(choice.provider, choice.credential, { repository: choice.hostRepository, issueKey, limit: DEVELOPMENT_LIMIT });
      this.#cache.set(key, { until: now + DEVELOPMENT_CACHE_MS, development });
      return { reading: { repositoryId, read: 'host', actedAs: choice.actedAs }, development, hostCalls: development.hostCalls };
    } catch (error) {
      return { reading: refused(repositoryId, await this.gitActions.hostFailureFor(error, tenant, choice)), hostCalls: 0 };
    }
  }
}

const refused = (repositoryId: string, error: unknown): RepositoryReading => {
  if (!isAppError(error)) throw error;
  // The integration itself gone, or the caller's permission: the whole answer's refusal, not one repository's.
  if (error.code === 'UNAUTHENTICATED' || (error.code === 'FORBIDDEN' && error.extensions.reason === 'missing-permission')) throw error;
  return { repositoryId, read: 'refused', code: error.code, message: error.message };
};

/**
 * What patgate made for the issue, from its audit copies (newest first): branches not deleted
 * since, and pull requests, each with as whom the host saw it made.
 */
const madeForIssue = (entries: readonly AuditEntry[], sigil: string): { branches: DevelopmentBranch[]; pullRequests: DevelopmentPullRequest[] } => {
  const branches = new Map<string, DevelopmentBranch | null>();
  const pullRequests: DevelopmentPullRequest[] = [];
  for (const entry of entries) {
    const repositoryId = entry.repositoryId ?? '';
    const subject = entry.subject;
    if (!subject) continue;
    if (entry.action === 'create-pull-request' && subject.pullRequestId) {
      pullRequests.push({
        repositoryId,
        id: subject.pullRequestId,
        reference: `${sigil}${subject.pullRequestId}`,
        title: subject.title ?? '',
        ...(entry.url ? { url: entry.url } : {}),
        ...(subject.sourceBranch ? { sourceBranch: subject.sourceBranch } : {}),
        ...(entry.actedAs ? { createdBy: entry.actedAs } : {}),
      });
      continue;
    }
    if (!subject.branchName) continue;
    const key = `${repositoryId}\u0000${subject.branchName}`;
    // Newest first: the first entry seen for a branch decides (a later deletion hides an earlier creation).
    if (branches.has(key)) continue;
    branches.set(
      key,
      entry.action === 'create-branch' ? { repositoryId, name: subject.branchName, ...(entry.url ? { url: entry.url } : {}), ...(entry.actedAs ? { createdBy: entry.actedAs } : {}) } : null,
    );
  }
  return { branches: [...branches.values()].filter((b): b is DevelopmentBranch => b !== null), pullRequests };
};
