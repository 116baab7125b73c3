import { createHash } from 'node:crypto';
import * as z from 'zod';
import { epochSeconds, type Clock } from '../domain/clock';
import { isCredentialRejected } from '../domain/credential-rejected';
import { AppError, isAppError } from '../domain/errors';
import { decideCredential, effectiveRequirement, REFUSAL_MESSAGES, tokenStatus, type CredentialDecision, type RefusalCode } from '../domain/policy';
import { notAssociated, projectAssociated, type ProjectRef } from '../domain/project-association';
import { createBranchSchema, createPullRequestSchema, deleteBranchSchema } from '../domain/git-action-schemas';
import type { AuditEntry, IntegrationRecord, RepositoryOverrideRecord, TenantRecord, UserTokenRecord } from '../domain/records';
import type { ConflictingCreate, GitProvider, HostCredential, ResolvedRepository } from '../hosts/git-provider';
import type { HostFamilies } from '../hosts/family-registry';
import { candidateRepositoryKeys } from '../hosts/repository-id';
import type { ProviderLookup } from '../hosts/provider-registry';
import type { JiraRestClient } from '../jira/jira-rest-client';
import { logger } from '../observability/logger';
import type { AuditStore } from '../store/audit-store';
import type { IdempotencyStore } from '../store/idempotency-store';
import type { ActionRecords, TokenStore } from '../store/token-store';
import type { TokenVault } from '../vault/token-vault';
import { telemetry } from '../observability/telemetry';
import { credentialHost, openCredential, serviceCredentialContext, userTokenContext, verifiedNewTokenUrl } from './host-credentials';
import { issueLinks, type LinkedItem } from './issue-links';
import { expiryNotice, type ExpiryNotice } from '../domain/expiry-notice';
import { setupUrl } from './setup-links';

export { createBranchSchema, createPullRequestSchema, deleteBranchSchema };

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

/** The credential §3 chooses for one user, opened, with what it needs to report a host refusal (see `chooseCredential`). */
export interface CredentialChoice {
  readonly integration: IntegrationRecord;
  readonly provider: GitProvider;
  readonly credential: HostCredential;
  readonly actedAs: ActedAs;
  /** The user's token record when acting with it (a host 401 then marks it invalid). */
  readonly token?: UserTokenRecord;
  /** What the host is sent for the named repository (its canonical id, or the host's own id); empty when none was named. */
  readonly hostRepository: string;
}

export type Readiness =
  | ({ readonly status: 'ready'; readonly actedAs: ActedAs; readonly newTokenUrl: string; readonly setupUrl: string; readonly defaultSourceBranch?: string } & ExpiryNotice)
  | { readonly status: 'refused'; readonly code: string; readonly message: string; readonly newTokenUrl: string; readonly setupUrl: string; readonly defaultSourceBranch?: string };

/** What the policy decides on: the records of one action and its repository under its canonical id. */
interface ActionTarget {
  readonly integration: IntegrationRecord;
  readonly token?: UserTokenRecord;
  /** The override that applies (undefined: none, the integration's policy holds). */
  readonly override: boolean | undefined;
  /** The repository id under its family's rule: what overrides and audit entries name. */
  readonly canonical: string;
  /** What the host is sent: the canonical id, or the host's own id where the host resolved it. */
  readonly hostRepository: string;
  /** The project lists of the overrides found for the repository (each narrows the integration's). */
  readonly narrowings: readonly (readonly ProjectRef[] | undefined)[];
  /** The repository override's default source branch, if one names it (docs/architecture.md §5). */
  readonly defaultSourceBranch?: string;
}

/** docs/architecture.md §3 step 0: the issue's project reaches the integration and every override's narrowing; 403 otherwise. */
const requireAssociated = (target: ActionTarget, project: ProjectRef): void => {
  const { integration } = target;
  if (!projectAssociated(integration.projects, undefined, project.id)) throw notAssociated(integration.name, project.key);
  if (target.narrowings.some((narrowing) => !projectAssociated(integration.projects, narrowing, project.id))) throw notAssociated(integration.name, project.key, target.canonical);
};

/** An action made ready before its permission is known: the refusal, or the credential to act with. */
type PreparedAction =
  | { readonly kind: 'refused'; readonly target: ActionTarget; readonly code: RefusalCode }
  | { readonly kind: 'ready'; readonly target: ActionTarget; readonly token: UserTokenRecord | undefined; readonly credential: HostCredential };

/** How long a container trusts the host's answer about a repository's spellings. */
const RESOLUTION_CACHE_MS = 10 * 60 * 1000;

/** The git-action Lambda's service: enforces docs/architecture.md §3 and calls the host with the right credential. */
export class GitActionService {
  constructor(
    private readonly tokens: TokenStore,
    private readonly vault: TokenVault,
    private readonly providers: ProviderLookup,
    /** The host families in use: each kind's repository-id rule and credential host. */
    private readonly families: HostFamilies,
    private readonly audit: AuditStore,
    private readonly idempotency: IdempotencyStore,
    private readonly clock: Clock,
  ) {}

  readonly #resolutions = new Map<string, { host: string; resolved: ResolvedRepository; until: number }>();

  /** `project`: the issue's project, the user's permission there already granted (docs/architecture.md §3 step 0). */
  async readiness(tenant: TenantRecord, accountId: string, integrationId: string, repositoryId: string, project: ProjectRef): Promise<Readiness> {
    const target = await this.#target(tenant.clientKey, accountId, integrationId, repositoryId, Promise.resolve(project));
    requireAssociated(target, project);
    const { integration } = target;
    const provider = this.providers(integration);
    const links = {
      newTokenUrl: verifiedNewTokenUrl(provider, integration),
      setupUrl: setupUrl(tenant, integration.id),
      ...(target.defaultSourceBranch ? { defaultSourceBranch: target.defaultSourceBranch } : {}),
    };
    const decision = this.#decide(target);
    if (decision.kind === 'refused') return { status: 'refused', code: decision.code, message: REFUSAL_MESSAGES[decision.code](integration.name), ...links };
    const actedAs: ActedAs = decision.kind === 'user-pat' ? { credential: 'user-pat', login: target.token?.providerLogin } : { credential: 'service-account' };
    // Acting with the user's own token: say when it expires (a warning within 7 days).
    const notice = decision.kind === 'user-pat' ? expiryNotice(target.token?.expiresAt, this.clock.now(), integration.name) : {};
    return { status: 'ready', actedAs, ...links, ...notice };
  }

  /**
   * Runs a git action, once per Idempotency-Key (24 h); a retried request gets the first result. A
   * failure before the host acted releases the key for the client's retry; once the host has acted
   * the key keeps the result (its recording is retried; it is never released for a second run).
   * With `jira` (the caller's Jira, as the app), the action is shown on the issue as a remote link
   * (issue-links.ts); a replayed create posts its link again, which updates it (same globalId).
   * `permitted` is the caller's permission check on the issue, answering the issue's project: the
   * integration and repository must be associated with it (docs/architecture.md §3 step 0).
   */
  async run(
    tenant: TenantRecord,
    accountId: string,
    request: GitAction,
    idempotencyKey: string | undefined,
    { jira, permitted }: { jira?: JiraRestClient; permitted: Promise<ProjectRef> },
  ): Promise<GitActionResult> {
    // The caller's permission check runs while the records are read and the credential decrypted;
    // nothing is written and no host is called before it is granted (its refusal wins over any other error).
    const preparing = this.#prepare(tenant.clientKey, accountId, request, permitted);
    preparing.catch(() => undefined);
    const project = await permitted;
    if (!idempotencyKey) return this.#act(tenant, accountId, request, preparing, jira, project);
    const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
    const claimedAt = epochSeconds(this.clock);
    const claim = await this.idempotency.claim(tenant.clientKey, accountId, idempotencyKey, hash, claimedAt);
    if (claim.kind !== 'claimed') {
      if (claim.requestHash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request.');
      if (claim.kind === 'completed') {
        const body = claim.body as Record<string, unknown>;
        if (jira && claim.status === 201) await this.#relink(tenant, accountId, request, body, jira);
        return { status: claim.status, body: { ...body, replayed: true } };
      }
      throw new AppError('CONFLICT', 'A request with this Idempotency-Key is still in progress; retry shortly.');
    }
    let result: GitActionResult;
    try {
      result = await this.#act(tenant, accountId, request, preparing, jira, project);
    } catch (error) {
      await this.idempotency.release(tenant.clientKey, accountId, idempotencyKey).catch((releaseError: unknown) => {
        // The claim then expires with the function's time limit.
        logger.warn('idempotency key not released', { error: (releaseError as Error).name });
      });
      throw error;
    }
    await retried(() => this.idempotency.complete(tenant.clientKey, accountId, idempotencyKey, result.status, result.body, claimedAt)).catch((error: unknown) => {
      logger.error('idempotency result not recorded after the host acted', { error: (error as Error).name });
    });
    return result;
  }

  /**
   * What may run before the permission is granted: the records (one BatchGetItem), the policy's
   * decision and the credential's decrypt. A host asked to resolve the repository id waits for it.
   */
  async #prepare(tenant: string, accountId: string, request: GitAction, permitted: Promise<ProjectRef>): Promise<PreparedAction> {
    const { integrationId, repositoryId } = request.input;
    const target = await this.#target(tenant, accountId, integrationId, repositoryId, permitted);
    const decision = this.#decide(target);
    if (decision.kind === 'refused') return { kind: 'refused', target, code: decision.code };
    const token = decision.kind === 'user-pat' ? target.token : undefined;
    return { kind: 'ready', target, token, credential: await this.#credential(target.integration, token) };
  }

  /** Runs once the permission is granted: audit writes and the host call. */
  async #act(tenant: TenantRecord, accountId: string, request: GitAction, preparing: Promise<PreparedAction>, jira: JiraRestClient | undefined, project: ProjectRef): Promise<GitActionResult> {
    const { integrationId, repositoryId, issueKey: issue } = request.input;
    let prepared: PreparedAction;
    try {
      prepared = await preparing;
      requireAssociated(prepared.target, project);
    } catch (error) {
      // The host failed while telling which repository the id names: audited like any host failure.
      if (isAppError(error) && error.hostReason !== undefined) {
        await this.audit.append(tenant.clientKey, { actorAccountId: accountId, action: request.action, integrationId, repositoryId: repositoryId.trim(), issueKey: issue, outcome: 'failed', code: error.code });
      }
      // The issue's project is not associated with the integration or repository: refused, and audited as such.
      if (isAppError(error) && error.extensions.reason === 'project-not-associated') {
        await this.audit.append(tenant.clientKey, { actorAccountId: accountId, action: request.action, integrationId, repositoryId: repositoryId.trim(), issueKey: issue, outcome: 'refused', code: error.code });
      }
      throw error;
    }
    const { target } = prepared;
    const { integration } = target;
    const provider = this.providers(integration);
    const auditBase = { actorAccountId: accountId, action: request.action, integrationId, repositoryId: target.canonical, issueKey: issue };
    if (prepared.kind === 'refused') {
      telemetry.gitActionRefused(integration.provider, request.action, prepared.code);
      await this.audit.append(tenant.clientKey, { ...auditBase, outcome: 'refused', code: prepared.code });
      throw new AppError(prepared.code, REFUSAL_MESSAGES[prepared.code](integration.name), {
        extensions: { setupUrl: setupUrl(tenant, integration.id), newTokenUrl: verifiedNewTokenUrl(provider, integration) },
      });
    }
    const { token, credential } = prepared;
    const actedAs: ActedAs = token ? { credential: 'user-pat', login: token.providerLogin } : { credential: 'service-account' };
    let body: Record<string, unknown>;
    try {
      body = await perform(provider, credential, request, target.hostRepository);
    } catch (error) {
      const mapped = await this.#hostFailure(error, tenant, integration, token);
      telemetry.gitActionRefused(integration.provider, request.action, mapped.code);
      await this.audit.append(tenant.clientKey, { ...auditBase, outcome: mapped.code.startsWith('PAT_') ? 'refused' : 'failed', code: mapped.code, actedAs });
      throw mapped;
    }
    // The host has acted: from here on the answer is success, whatever happens to the audit entry.
    telemetry.gitActionSucceeded(integration.provider, request.action);
    // The issue's remote link runs beside the audit write, so it adds no latency of its own.
    await Promise.all([
      this.audit.appendAfterAction(tenant.clientKey, { ...auditBase, outcome: 'success', actedAs, url: body.url as string | undefined, subject: subjectOf(request, body) }),
      jira ? this.#link(jira, request, integration, target.canonical, body, actedAs) : undefined,
    ]);
    return { status: request.action === 'delete-branch' ? 200 : 201, body: { ...body, actedAs } };
  }

  /** Shows the action on the issue (best effort, never throws): a created item's link, or a deleted branch's link removed. */
  #link(jira: JiraRestClient, request: GitAction, integration: IntegrationRecord, canonical: string, body: Record<string, unknown>, actedAs: ActedAs): Promise<void> {
    const place = { integrationId: integration.id, integrationName: integration.name, repository: canonical };
    if (request.action === 'delete-branch') return issueLinks.remove(jira, request.input.issueKey, place, request.input.branchName);
    const item = linkedItem(request, place, body, actedAs);
    return item ? issueLinks.upsert(jira, request.input.issueKey, item) : Promise.resolve();
  }

  /** A replayed create: its link posted again (an update under the same globalId), from the stored answer. */
  async #relink(tenant: TenantRecord, accountId: string, request: GitAction, body: Record<string, unknown>, jira: JiraRestClient): Promise<void> {
    try {
      const { integration } = await this.tokens.readForAction(tenant.clientKey, accountId, request.input.integrationId, undefined);
      const actedAs = body.actedAs as ActedAs | undefined;
      if (!integration || !actedAs) return;
      await this.#link(jira, request, integration, this.families.of(integration.provider).repositoryId.canonical(request.input.repositoryId), body, actedAs);
    } catch (error) {
      logger.warn('remote link not refreshed on replay', { error: (error as Error).name });
    }
  }

  /**
   * The integration, the user's token and the repository override that applies (docs/architecture.md §3 step 1),
   * with the repository under its canonical id (hosts/repository-id.ts): every spelling of one
   * repository finds the same override. Overrides are read in the action's one BatchGetItem under
   * each candidate spelling; families whose spellings only the host can match (GitLab id vs path,
   * Azure DevOps GUID vs name) are resolved through the host once per container and spelling.
   */
  async #target(tenant: string, accountId: string, integrationId: string, rawRepositoryId: string, permitted: Promise<ProjectRef>): Promise<ActionTarget> {
    const spelled = rawRepositoryId.trim();
    const cacheKey = `${tenant}\u0000${integrationId}\u0000${spelled}`;
    const cached = this.#resolutions.get(cacheKey);
    const fresh = cached && cached.until > this.clock.now().getTime() ? cached : undefined;
    // `spelled` itself: an override saved before ids were canonical still applies to its own spelling.
    const prefetched = [...new Set([...candidateRepositoryKeys(this.families, rawRepositoryId), spelled, ...(fresh?.resolved.keys ?? [])])];
    const records = await this.tokens.readForAction(tenant, accountId, integrationId, prefetched);
    const integration = requireIntegration(records);
    const rule = this.families.of(integration.provider).repositoryId;
    const canonical = rule.canonical(rawRepositoryId);
    const keys = [canonical, spelled];
    let overrides: ReadonlyMap<string, RepositoryOverrideRecord> = records.overrides;
    if (integration.overrideKeys !== 'canonical') overrides = stricterOf(overrides, await this.#legacyOverrides(tenant, integration));
    let hostRepository = canonical;
    if (rule.resolvedByHost) {
      const host = credentialHost(this.families, integration);
      // §3 before the host is asked: when the user's own token is required, the host sees only the user.
      const required = effectiveRequirement(integration.requireUserPat, requirementOf(keys.flatMap((key) => overrides.get(key) ?? [])));
      const resolved = fresh && fresh.host === host ? fresh.resolved : await this.#resolveWhenAssociated(integration, records.token, canonical, required, permitted);
      if (resolved) {
        this.#resolutions.set(cacheKey, { host, resolved, until: this.clock.now().getTime() + RESOLUTION_CACHE_MS });
        keys.push(...resolved.keys);
        hostRepository = resolved.hostId;
        const unread = resolved.keys.filter((key) => !prefetched.includes(key));
        if (unread.length) overrides = stricterOf(overrides, await this.tokens.readOverrides(tenant, integrationId, unread));
      }
    }
    const found = keys.flatMap((key) => overrides.get(key) ?? []);
    // Every spelling's narrowing holds (checked by requireAssociated once the project is known).
    const defaultSourceBranch = found.find((o) => o.defaultSourceBranch)?.defaultSourceBranch;
    return { integration, token: records.token, override: requirementOf(found), canonical, hostRepository, narrowings: found.map((o) => o.projects), ...(defaultSourceBranch ? { defaultSourceBranch } : {}) };
  }

  /**
   * An integration from before canonical ids may hold overrides under any spelling (`Acme/Web`):
   * all of them are read and keyed by their canonical id, so none is dodged by spelling.
   */
  async #legacyOverrides(tenant: string, integration: IntegrationRecord): Promise<Map<string, RepositoryOverrideRecord>> {
    const rule = this.families.of(integration.provider).repositoryId;
    const keyed = new Map<string, RepositoryOverrideRecord>();
    for (const override of await this.tokens.readAllOverrides(tenant, integration.id)) {
      let key: string;
      try {
        key = rule.canonical(override.repositoryId);
      } catch {
        continue;
      }
      // Two old spellings of one repository: the stricter override holds.
      if (!keyed.get(key)?.requireUserPat) keyed.set(key, override);
    }
    return keyed;
  }

  /** Resolution is a host call: only once the permission is granted and the integration is associated with the issue's project. */
  async #resolveWhenAssociated(integration: IntegrationRecord, token: UserTokenRecord | undefined, canonical: string, required: boolean, permitted: Promise<ProjectRef>): Promise<ResolvedRepository | undefined> {
    const project = await permitted;
    if (!projectAssociated(integration.projects, undefined, project.id)) throw notAssociated(integration.name, project.key);
    return this.#resolve(integration, token, canonical, required);
  }

  /**
   * Asks the host what the spelling names. Where the user's own token is `required`, only with it
   * (none usable: undefined, nothing asked, and the policy refuses); otherwise with the service
   * credential, else the user's own token.
   */
  async #resolve(integration: IntegrationRecord, token: UserTokenRecord | undefined, canonical: string, required: boolean): Promise<ResolvedRepository | undefined> {
    const provider = this.providers(integration);
    if (!provider.resolveRepository) return { hostId: canonical, keys: [canonical] };
    const usable = token && tokenStatus(token, this.clock.now()) !== 'expired' && token.status !== 'invalid';
    if (required) return usable ? provider.resolveRepository(await this.#credential(integration, token), canonical) : undefined;
    try {
      return await provider.resolveRepository(await this.#credential(integration, undefined), canonical);
    } catch (error) {
      if (!usable || !isAppError(error) || !['not-found', 'forbidden', 'unauthorized'].includes(error.hostReason ?? '')) throw error;
      return provider.resolveRepository(await this.#credential(integration, token), canonical).catch(() => {
        throw error;
      });
    }
  }

  #decide(target: ActionTarget): CredentialDecision {
    return decideCredential({
      provider: target.integration.provider,
      tfsVersion: target.integration.tfsVersion,
      integrationRequiresUserPat: target.integration.requireUserPat,
      repositoryOverride: target.override,
      token: target.token,
      now: this.clock.now(),
    });
  }

  #credential(integration: IntegrationRecord, token: UserTokenRecord | undefined): Promise<HostCredential> {
    return token
      ? openCredential(this.vault, token.credential, userTokenContext(this.families, integration, token.accountId), integration)
      : openCredential(this.vault, integration.serviceCredential, serviceCredentialContext(this.families, integration), integration);
  }

  /** A host 401 on a user's token marks it invalid (docs/architecture.md §3 step 6). */
  async #hostFailure(error: unknown, tenant: TenantRecord, integration: IntegrationRecord, token: UserTokenRecord | undefined): Promise<AppError> {
    if (!isAppError(error)) return new AppError('HOST_UNAVAILABLE', `${integration.name} could not be reached.`);
    if (!token || !isCredentialRejected(error)) return error;
    await this.tokens.setStatus(token, 'invalid', this.clock.now().toISOString(), { removeReverify: true });
    return new AppError('PAT_INVALID', REFUSAL_MESSAGES.PAT_INVALID(integration.name), {
      extensions: { setupUrl: setupUrl(tenant, integration.id), newTokenUrl: verifiedNewTokenUrl(this.providers(integration), integration) },
    });
  }

  // --- Shared with the pickers (repository-browser.ts): §3's credential choice and its host-401 rule, outside an action ---

  /** The policy's credential for this user (and repository, when one is named), opened; its refusal as AppError with the setup links. */
  async chooseCredential(tenant: TenantRecord, accountId: string, integrationId: string, repositoryId: string | undefined, project: ProjectRef): Promise<CredentialChoice> {
    // A named repository goes through the same canonical-id lookup as an action, so no spelling dodges its override.
    const target =
      repositoryId === undefined
        ? await this.#integrationOnly(tenant.clientKey, accountId, integrationId, project)
        : await this.#target(tenant.clientKey, accountId, integrationId, repositoryId, Promise.resolve(project));
    requireAssociated(target, project);
    const { integration } = target;
    const provider = this.providers(integration);
    const decision = this.#decide(target);
    if (decision.kind === 'refused') {
      throw new AppError(decision.code, REFUSAL_MESSAGES[decision.code](integration.name), {
        extensions: { setupUrl: setupUrl(tenant, integration.id), newTokenUrl: verifiedNewTokenUrl(provider, integration) },
      });
    }
    const token = decision.kind === 'user-pat' ? target.token : undefined;
    const actedAs: ActedAs = token ? { credential: 'user-pat', login: token.providerLogin } : { credential: 'service-account' };
    const credential = await this.#credential(integration, token);
    return { integration, provider, credential, actedAs, hostRepository: target.hostRepository, ...(token ? { token } : {}) };
  }

  /** The integration, when it exists and the issue's project is associated with it (docs/architecture.md §3 step 0); nothing is decrypted. */
  async integrationFor(tenant: TenantRecord, accountId: string, integrationId: string, project: ProjectRef): Promise<IntegrationRecord> {
    return (await this.#integrationOnly(tenant.clientKey, accountId, integrationId, project)).integration;
  }

  /** The integration and the user's token, for a choice that names no repository (the integration's own policy holds). */
  async #integrationOnly(tenant: string, accountId: string, integrationId: string, project: ProjectRef): Promise<ActionTarget> {
    const records = await this.tokens.readForAction(tenant, accountId, integrationId, undefined);
    const integration = requireIntegration(records);
    if (!projectAssociated(integration.projects, undefined, project.id)) throw notAssociated(integration.name, project.key);
    return { integration, token: records.token, override: undefined, canonical: '', hostRepository: '', narrowings: [] };
  }

  /** A host failure under a chosen credential, as the caller must see it (a 401 to the user's token marks it invalid: PAT_INVALID). */
  hostFailureFor(error: unknown, tenant: TenantRecord, choice: CredentialChoice): Promise<AppError> {
    return this.#hostFailure(error, tenant, choice.integration, choice.token);
  }
}

/** The requirement of the overrides found for one repository: none, or the stricter of them (two spellings may disagree). */
const requirementOf = (found: readonly RepositoryOverrideRecord[]): boolean | undefined => (found.length === 0 ? undefined : found.some((o) => o.requireUserPat));

/** Two sets of overrides by key: where both hold one for a key, the stricter wins. */
const stricterOf = (a: ReadonlyMap<string, RepositoryOverrideRecord>, b: ReadonlyMap<string, RepositoryOverrideRecord>): Map<string, RepositoryOverrideRecord> => {
  const merged = new Map(a);
  for (const [key, override] of b) if (!merged.get(key)?.requireUserPat) merged.set(key, override);
  return merged;
};

const retried = async (work: () => Promise<void>, attempts = 3): Promise<void> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || (error as Error).name === 'ConditionalCheckFailedException') throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
};

const requireIntegration = (records: ActionRecords): IntegrationRecord => {
  if (!records.integration) throw new AppError('NOT_FOUND', 'Integration was not found.');
  return records.integration;
};

/** What the action made or removed, for its audit entry (the issue panel lists it: issue-development.ts). */
const subjectOf = (request: GitAction, body: Record<string, unknown>): NonNullable<AuditEntry['subject']> => {
  if (request.action !== 'create-pull-request') return { branchName: request.input.branchName };
  return { ...(body.id === undefined ? {} : { pullRequestId: String(body.id) }), sourceBranch: request.input.sourceBranch, title: request.input.title };
};

const linkedItem = (request: GitAction, place: LinkedItem['place'], body: Record<string, unknown>, actedAs: ActedAs): LinkedItem | undefined => {
  if (typeof body.url !== 'string') return undefined;
  if (request.action === 'create-branch') return { kind: 'branch', place, branchName: request.input.branchName, url: body.url, actedAs };
  if (request.action === 'create-pull-request' && body.id !== undefined) return { kind: 'pull-request', place, pullRequestId: String(body.id), title: request.input.title, url: body.url, actedAs };
  return undefined;
};

/**
 * A create the host refused as existing: the problem carries the `url` of what exists, when the
 * adapter can tell it (existingUrl). Best effort: a failed lookup leaves the CONFLICT as it was.
 */
const withExistingUrl = async (provider: GitProvider, credential: HostCredential, conflict: ConflictingCreate, error: unknown): Promise<unknown> => {
  if (!isAppError(error) || error.code !== 'CONFLICT' || !provider.existingUrl || typeof error.extensions.url === 'string') return error;
  const url = await provider.existingUrl(credential, conflict, error).catch((lookup: unknown) => {
    logger.warn('The existing branch or pull request could not be looked up after a CONFLICT', { error: (lookup as Error).name });
    return undefined;
  });
  if (!url) return error;
  return new AppError(error.code, error.message, {
    extensions: { ...error.extensions, url },
    ...(error.errors ? { errors: error.errors } : {}),
    ...(error.hostReason ? { hostReason: error.hostReason } : {}),
    cause: error,
    status: error.status,
  });
};

const perform = async (provider: GitProvider, credential: HostCredential, request: GitAction, repositoryId: string): Promise<Record<string, unknown>> => {
  switch (request.action) {
    case 'create-branch': {
      const { branchName: name, fromRef } = request.input;
      const input = { repository: repositoryId, branchName: name, fromRef };
      const result = await provider.createBranch(credential, input).catch(async (error: unknown) => {
        throw await withExistingUrl(provider, credential, { action: 'create-branch', input }, error);
      });
      return { url: result.url, branchName: name, ...(result.commitId ? { commitId: result.commitId } : {}) };
    }
    case 'delete-branch': {
      const { branchName: name } = request.input;
      await provider.deleteBranch(credential, { repository: repositoryId, branchName: name });
      return { deleted: true, branchName: name };
    }
    case 'create-pull-request': {
      const { sourceBranch, targetBranch, title, description } = request.input;
      const input = { repository: repositoryId, sourceBranch, targetBranch, title, description };
      const result = await provider.createPullRequest(credential, input).catch(async (error: unknown) => {
        throw await withExistingUrl(provider, credential, { action: 'create-pull-request', input }, error);
      });
      return { url: result.url, id: result.id };
    }
  }
};

