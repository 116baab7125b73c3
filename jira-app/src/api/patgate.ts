import type { ProviderKind, TfsVersion } from '../../../lambdas/domain/integration';
import type { AuditEntry } from '../../../lambdas/domain/records';
import type { IntegrationView } from '../../../lambdas/services/integration-service';
import type { MyIntegrationView, MyIntegrationsForIssue } from '../../../lambdas/services/token-service';
import type { DevelopmentBranch, DevelopmentPullRequest, IssueDevelopment, RepositoryReading } from '../../../lambdas/services/issue-development';
import { call, type ApiResult } from './client';

/** Typed calls of the patgate API (docs/api.md), all through the one client. */
export type { AuditEntry, DevelopmentBranch, DevelopmentPullRequest, IntegrationView, IssueDevelopment, MyIntegrationView, MyIntegrationsForIssue, ProviderKind, RepositoryReading, TfsVersion };

/** A Jira project for the integration form (Jira's project search through the API). */
export interface JiraProject {
  readonly id: string;
  readonly key: string;
  readonly name: string;
}

const at = (...segments: string[]): string => segments.map((s) => (s.startsWith('/') ? s : encodeURIComponent(s))).join('/');

export type Credential = { token: string } | { accessKeyId: string; secretAccessKey: string } | { username: string; password: string };

export interface CreateIntegrationBody {
  name: string;
  provider: ProviderKind;
  baseUrl?: string;
  region?: string;
  tfsVersion?: TfsVersion;
  requireUserPat: boolean;
  /** `all`, or project keys (checked against Jira by the API). */
  projects?: 'all' | string[];
  /** docs/architecture.md §5: the team's branch naming; absent: the default pattern. */
  branchNaming?: BranchNaming;
  serviceCredential: Credential;
}

export interface BranchNaming {
  template: string;
  issueTypePrefixes: Record<string, string>;
}

/** `branchNaming: null` goes back to the default pattern. */
export type PatchIntegrationBody = Partial<Omit<CreateIntegrationBody, 'provider' | 'branchNaming'>> & { branchNaming?: BranchNaming | null };

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly nextCursor?: string;
}

export type SaveTokenBody = ({ token: string } | { accessKeyId: string; secretAccessKey: string }) & { expiresAt?: string };

export interface Signal {
  readonly signal?: AbortSignal;
}

/** The version the API answered, as the If-Match a change must send back. */
export const ifMatchOf = (result: ApiResult<IntegrationView>): string => result.headers.etag ?? `"${result.body.version}"`;

export const admin = {
  list: async (): Promise<IntegrationView[]> => (await call<{ integrations: IntegrationView[] }>('GET', '/api/admin/integrations')).body.integrations,
  get: (id: string): Promise<ApiResult<IntegrationView>> => call<IntegrationView>('GET', at('/api/admin/integrations', id)),
  create: (body: CreateIntegrationBody, options: Signal = {}): Promise<ApiResult<IntegrationView>> =>
    call<IntegrationView>('POST', '/api/admin/integrations', { body, signal: options.signal }),
  update: (id: string, ifMatch: string, body: PatchIntegrationBody, options: Signal = {}): Promise<ApiResult<IntegrationView>> =>
    call<IntegrationView>('PATCH', at('/api/admin/integrations', id), { body, headers: { 'if-match': ifMatch }, signal: options.signal }),
  remove: async (id: string, ifMatch: string): Promise<void> => void (await call('DELETE', at('/api/admin/integrations', id), { headers: { 'if-match': ifMatch } })),
  /** Per-repository override; the repository id travels in the body because it may hold `/`. */
  setOverride: async (id: string, repositoryId: string, requireUserPat: boolean | null, extra: { defaultSourceBranch?: string; projects?: string[] } = {}): Promise<void> =>
    void (await call('PUT', at('/api/admin/integrations', id, 'repositories'), { body: { repositoryId, requireUserPat, ...extra } })),
  /** One page of the site's Jira projects (the form's project list). */
  jiraProjects: async (query: { startAt?: number; query?: string } = {}): Promise<{ projects: JiraProject[]; isLast: boolean; total: number }> =>
    (await call<{ projects: JiraProject[]; isLast: boolean; total: number }>('GET', '/api/admin/jira-projects', { query: { maxResults: 100, ...query } })).body,
  audit: async (query: { integrationId?: string; limit?: number; cursor?: string }): Promise<AuditPage> =>
    (await call<AuditPage>('GET', '/api/admin/audit', { query })).body,
};

export const me = {
  integrations: async (): Promise<MyIntegrationView[]> => (await call<{ integrations: MyIntegrationView[] }>('GET', '/api/me/integrations')).body.integrations,
  /** The issue panel's one call on open: the user's integrations, their permission in the issue's project and each integration's availability there. */
  integrationsFor: async (issueKey: string): Promise<MyIntegrationsForIssue> => (await call<MyIntegrationsForIssue>('GET', '/api/me/integrations', { query: { issueKey } })).body,
  saveToken: async (id: string, body: SaveTokenBody, options: Signal = {}): Promise<MyIntegrationView> =>
    (await call<MyIntegrationView>('PUT', at('/api/me/tokens', id), { body, signal: options.signal })).body,
  removeToken: async (id: string): Promise<void> => void (await call('DELETE', at('/api/me/tokens', id))),
};

/** Readiness of a git action on one repository (docs/architecture.md §3): whom it would act as, or why not. */
export type Readiness =
  | { status: 'ready'; actedAs: ActedAs; warning?: string; setupUrl?: string; newTokenUrl?: string; /** The admin's per-repository default source branch (when set). */ defaultSourceBranch?: string }
  | { status: 'refused'; code: string; message: string; setupUrl?: string; newTokenUrl?: string };

export interface ActedAs {
  readonly credential: 'user-pat' | 'service-account';
  readonly login?: string;
}

/** Pickers: repositories and branches the credential the policy chooses can see (first 50 matches). */
export interface RepositoryOption {
  /** What the git actions take as `repositoryId`. */
  readonly id: string;
  readonly name: string;
  readonly defaultBranch?: string;
  readonly url?: string;
}
export interface BranchOption {
  readonly name: string;
  readonly isDefault: boolean;
}

export interface GitResult {
  readonly url?: string;
  readonly branchName?: string;
  readonly id?: string | number;
  readonly actedAs?: ActedAs;
  readonly replayed?: boolean;
}

export interface Target {
  readonly integrationId: string;
  readonly repositoryId: string;
  readonly issueKey: string;
}

const withKey = (idempotencyKey: string): Record<string, string> => ({ 'idempotency-key': idempotencyKey });

export const git = {
  readiness: async (target: Target, options: Signal = {}): Promise<Readiness> =>
    (await call<Readiness>('GET', at('/api/issues', target.issueKey, 'git-readiness'), { query: { integrationId: target.integrationId, repositoryId: target.repositoryId }, signal: options.signal })).body,
  // The pickers serve an issue: the API checks its project like readiness.
  repositories: async (issueKey: string, integrationId: string, query: string, options: Signal = {}): Promise<RepositoryOption[]> =>
    (await call<{ repositories: RepositoryOption[] }>('GET', at('/api/integrations', integrationId, 'repositories'), { query: { issueKey, query }, signal: options.signal })).body.repositories ?? [],
  branches: async (issueKey: string, integrationId: string, repositoryId: string, query: string, options: Signal = {}): Promise<BranchOption[]> =>
    (await call<{ branches: BranchOption[] }>('GET', at('/api/integrations', integrationId, 'branches'), { query: { issueKey, repositoryId, query }, signal: options.signal })).body.branches ?? [],
  /** The issue's branches and pull requests: patgate's for it, and the host's carrying its key (bounded host calls, cached briefly). */
  development: async (issueKey: string, integrationId: string, repositoryId: string | undefined, options: Signal = {}): Promise<IssueDevelopment> =>
    (await call<IssueDevelopment>('GET', at('/api/issues', issueKey, 'development'), { query: { integrationId, repositoryId }, signal: options.signal })).body,
  createBranch: async (target: Target, input: { branchName: string; fromRef: string }, idempotencyKey: string, options: Signal = {}): Promise<GitResult> =>
    (await call<GitResult>('POST', '/api/git/branches', { body: { ...target, ...input }, headers: withKey(idempotencyKey), signal: options.signal })).body,
  deleteBranch: async (target: Target, branchName: string, idempotencyKey: string, options: Signal = {}): Promise<GitResult> =>
    (await call<GitResult>('DELETE', '/api/git/branches', { body: { ...target, branchName }, headers: withKey(idempotencyKey), signal: options.signal })).body,
  createPullRequest: async (
    target: Target,
    input: { sourceBranch: string; targetBranch: string; title: string; description?: string },
    idempotencyKey: string,
    options: Signal = {},
  ): Promise<GitResult> => (await call<GitResult>('POST', '/api/git/pull-requests', { body: { ...target, ...input }, headers: withKey(idempotencyKey), signal: options.signal })).body,
};
