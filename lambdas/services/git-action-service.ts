import { createHash } from 'node:crypto';
import * as z from 'zod';
import { epochSeconds, type Clock } from '../domain/clock';
import { branchNameProblem } from '../domain/branch-name';
import { AppError, isAppError } from '../domain/errors';
import { decideCredential, REFUSAL_MESSAGES, type CredentialDecision } from '../domain/policy';
import { integrationIdSchema, repositoryIdSchema } from '../domain/integration-schemas';
import type { IntegrationRecord, TenantRecord, UserTokenRecord } from '../domain/records';
import type { GitProvider, HostCredential } from '../hosts/git-provider';
import type { ProviderLookup } from '../hosts/provider-registry';
import { ISSUE_KEY_PATTERN } from '../jira/request-authenticator';
import type { AuditStore } from '../store/audit-store';
import type { IdempotencyStore } from '../store/idempotency-store';
import type { ActionRecords, TokenStore } from '../store/token-store';
import type { TokenVault } from '../vault/token-vault';
import { telemetry } from '../observability/telemetry';
import { openCredential } from './host-credentials';
import { setupUrl } from './setup-links';

const branchName = z.string().superRefine((value, ctx) => {
  const problem = branchNameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `not a valid git branch name: ${problem}` });
});
const issueKey = z.string().regex(ISSUE_KEY_PATTERN, 'an issue key like ABC-123');
const target = { integrationId: integrationIdSchema, repositoryId: repositoryIdSchema, issueKey };

export const createBranchSchema = z.strictObject({ ...target, branchName, fromRef: branchName });
export const deleteBranchSchema = z.strictObject({ ...target, branchName });
export const createPullRequestSchema = z.strictObject({
  ...target,
  sourceBranch: branchName,
  targetBranch: branchName,
  title: z.string().trim().min(1).max(255),
  description: z.string().max(10_000).optional(),
});

export type GitAction =
  | { readonly action: 'create-branch'; readonly input: z.infer<typeof createBranchSchema> }
  | { readonly action: 'delete-branch'; readonly input: z.infer<typeof deleteBranchSchema> }
  | { readonly action: 'create-pull-request'; readonly input: z.infer<typeof createPullRequestSchema> };

export interface ActedAs {
  readonly credential: 'user-pat' | 'service-account';
  readonly login?: string;
}

export interface GitActionResult {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

export type Readiness =
  | { readonly status: 'ready'; readonly actedAs: ActedAs; readonly newTokenUrl: string; readonly setupUrl: string }
  | { readonly status: 'refused'; readonly code: string; readonly message: string; readonly newTokenUrl: string; readonly setupUrl: string };

/** The git-action Lambda's service: enforces DESIGN §3 and calls the host with the right credential. */
export class GitActionService {
  constructor(
    private readonly tokens: TokenStore,
    private readonly vault: TokenVault,
    private readonly providers: ProviderLookup,
    private readonly audit: AuditStore,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
    private readonly appKey: string,
  ) {}

  async readiness(tenant: TenantRecord, accountId: string, integrationId: string, repositoryId: string): Promise<Readiness> {
    const records = await this.tokens.readForAction(tenant.clientKey, accountId, integrationId, repositoryId);
    const integration = requireIntegration(records);
    const provider = this.providers(integration);
    const links = { newTokenUrl: provider.newTokenUrl(), setupUrl: setupUrl(tenant, this.appKey, integration.id) };
    const decision = this.#decide(integration, records);
    if (decision.kind === 'refused') return { status: 'refused', code: decision.code, message: REFUSAL_MESSAGES[decision.code](integration.name), ...links };
    const actedAs: ActedAs = decision.kind === 'user-pat' ? { credential: 'user-pat', login: records.token?.providerLogin } : { credential: 'service-account' };
    return { status: 'ready', actedAs, ...links };
  }

  /** Runs a git action, once per Idempotency-Key (24 h); a retried request gets the first result. */
  async run(tenant: TenantRecord, accountId: string, request: GitAction, idempotencyKey: string | undefined): Promise<GitActionResult> {
    if (!idempotencyKey) return this.#run(tenant, accountId, request);
    const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const claim = await this.idempotency.claim(tenant.clientKey, accountId, idempotencyKey, hash, epochSeconds(this.clock));
    if (claim.kind !== 'claimed') {
      if (claim.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request.');
      if (claim.kind === 'completed') return { status: claim.status, body: { ...(claim.body as Record<string, unknown>), replayed: true } };
      throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still in progress; retry shortly.');
    }
    try {
      const result = await this.#run(tenant, accountId, request);
      await this.idempotency.complete(tenant.clientKey, accountId, idempotencyKey, result.status, result.body);
      return result;
    } catch (error) {
      await this.idempotency.release(tenant.clientKey, accountId, idempotencyKey);
      throw error;
    }
  }

  async #run(tenant: TenantRecord, accountId: string, request: GitAction): Promise<GitActionResult> {
    const { integrationId, repositoryId, issueKey: issue } = request.input;
    const records = await this.tokens.readForAction(tenant.clientKey, accountId, integrationId, repositoryId);
    const integration = requireIntegration(records);
    const provider = this.providers(integration);
    const decision = this.#decide(integration, records);
    const auditBase = { actorAccountId: accountId, action: request.action, integrationId, repositoryId, issueKey: issue };
    if (decision.kind === 'refused') {
      telemetry.gitActionRefused(integration.provider, request.action, decision.code);
      await this.audit.append(tenant.clientKey, { ...auditBase, outcome: 'refused', code: decision.code });
      throw new AppError(decision.code, REFUSAL_MESSAGES[decision.code](integration.name), {
        extensions: { setupUrl: setupUrl(tenant, this.appKey, integration.id), newTokenUrl: provider.newTokenUrl() },
      });
    }
    const token = decision.kind === 'user-pat' ? records.token : undefined;
    const actedAs: ActedAs = token ? { credential: 'user-pat', login: token.providerLogin } : { credential: 'service-account' };
    const credential = await this.#credential(tenant.clientKey, integration, token);
    try {
      const body = await perform(provider, credential, request);
      telemetry.gitActionSucceeded(integration.provider, request.action);
      await this.audit.append(tenant.clientKey, { ...auditBase, outcome: 'success', actedAs, url: body.url as string | undefined });
      return { status: request.action === 'delete-branch' ? 200 : 201, body: { ...body, actedAs } };
    } catch (error) {
      const mapped = await this.#hostFailure(error, tenant, integration, token);
      telemetry.gitActionRefused(integration.provider, request.action, mapped.code);
      await this.audit.append(tenant.clientKey, { ...auditBase, outcome: mapped.code.startsWith('PAT_') ? 'refused' : 'failed', code: mapped.code, actedAs });
      throw mapped;
    }
  }

  #decide(integration: IntegrationRecord, records: ActionRecords): CredentialDecision {
    return decideCredential({
      provider: integration.provider,
      tfsVersion: integration.tfsVersion,
      integrationRequiresUserPat: integration.requireUserPat,
      repositoryOverride: records.override?.requireUserPat,
      token: records.token,
      now: this.clock.now(),
    });
  }

  #credential(tenant: string, integration: IntegrationRecord, token: UserTokenRecord | undefined): Promise<HostCredential> {
    return token
      ? openCredential(this.vault, token.credential, { tenant, integrationId: integration.id, accountId: token.accountId, purpose: 'user-pat' })
      : openCredential(this.vault, integration.serviceCredential, { tenant, integrationId: integration.id, purpose: 'service-credential' });
  }

  /** A host 401 on a user's token marks it invalid (DESIGN §3 step 6). */
  async #hostFailure(error: unknown, tenant: TenantRecord, integration: IntegrationRecord, token: UserTokenRecord | undefined): Promise<AppError> {
    if (!isAppError(error)) return new AppError('HOST_UNAVAILABLE', `${integration.name} could not be reached.`);
    if (!token || error.hostReason !== 'unauthorized') return error;
    await this.tokens.setStatus(token, 'invalid', this.clock.now().toISOString(), { removeReverify: true });
    return new AppError('PAT_INVALID', REFUSAL_MESSAGES.PAT_INVALID(integration.name), {
      extensions: { setupUrl: setupUrl(tenant, this.appKey, integration.id), newTokenUrl: this.providers(integration).newTokenUrl() },
    });
  }
}

const requireIntegration = (records: ActionRecords): IntegrationRecord => {
  if (!records.integration) throw new AppError('NOT_FOUND', 'Integration was not found.');
  return records.integration;
};

const perform = async (provider: GitProvider, credential: HostCredential, request: GitAction): Promise<Record<string, unknown>> => {
  switch (request.action) {
    case 'create-branch': {
      const { repositoryId, branchName: name, fromRef } = request.input;
      const result = await provider.createBranch(credential, { repository: repositoryId, branchName: name, fromRef });
      return { url: result.url, branchName: name, ...(result.commitId ? { commitId: result.commitId } : {}) };
    }
    case 'delete-branch': {
      const { repositoryId, branchName: name } = request.input;
      await provider.deleteBranch(credential, { repository: repositoryId, branchName: name });
      return { deleted: true, branchName: name };
    }
    case 'create-pull-request': {
      const { repositoryId, sourceBranch, targetBranch, title, description } = request.input;
      const result = await provider.createPullRequest(credential, { repository: repositoryId, sourceBranch, targetBranch, title, description });
      return { url: result.url, id: result.id };
    }
  }
};

