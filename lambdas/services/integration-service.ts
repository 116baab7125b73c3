import { randomBytes } from 'node:crypto';
import type { Clock } from '../domain/clock';
import { effectiveRequirement } from '../domain/policy';
import { AppError, type FieldError } from '../domain/errors';
import type { ProviderKind, TfsVersion } from '../domain/integration';
import type { CreateIntegrationInput, CredentialInput, PatchIntegrationInput } from '../domain/integration-schemas';
import type { CredentialKind, IntegrationRecord, RepositoryOverrideRecord, StoredCredential } from '../domain/records';
import { Secret } from '../domain/secret';
import type { ShownCredential } from '../domain/stored-credential';
import { checkBaseUrl, type HostResolver } from '../hosts/base-url-guard';
import type { DeletionQueue } from '../deletion/deletion-queue';
import type { EventSink } from '../expiry/event-sink';
import type { HostFamilies } from '../hosts/family-registry';
import { canonicalRepositoryId } from '../hosts/repository-id';
import { logger } from '../observability/logger';
import type { AuditStore } from '../store/audit-store';
import type { IntegrationStore } from '../store/integration-store';
import type { TokenVault } from '../vault/token-vault';
import { credentialHost, serviceCredentialContext } from './host-credentials';
import { isCredentialRejected } from '../domain/credential-rejected';
import { isAppError } from '../domain/errors';
import { requireNarrowing, scopeOf, widenedProjects, type ProjectRef, type ProjectScope } from '../domain/project-association';
import type { HostCredential, VerifiedIdentity } from '../hosts/git-provider';
import type { ProviderLookup } from '../hosts/provider-registry';
import type { JiraRestClient } from '../jira/jira-rest-client';
import { resolveProjects } from '../jira/project-directory';
import { groupOverrides, type IntegrationCatalog } from './integration-catalog';
import { branchNamingLabel, type BranchNaming } from '../domain/branch-name';
import { integrationChangeSummary, integrationCreatedSummary, overrideChangeSummary, projectsLabel } from '../domain/audit-summary';

const kindOfInput = (input: CredentialInput): CredentialKind => ('token' in input ? 'token' : 'accessKeyId' in input ? 'aws-keys' : 'basic');

const CREDENTIAL_SHAPE: Record<CredentialKind, string> = {
  token: '{ "token": "…" } (a personal access token)',
  'aws-keys': '{ "accessKeyId", "secretAccessKey" } (an IAM access key pair)',
  basic: '{ "username", "password" } (TFS 2013/2015 have no personal access tokens)',
};

export interface IntegrationView {
  readonly id: string;
  readonly name: string;
  readonly provider: ProviderKind;
  readonly baseUrl?: string;
  readonly region?: string;
  readonly tfsVersion?: TfsVersion;
  readonly requireUserPat: boolean;
  /** Which Jira projects may reach it (docs/architecture.md §3 step 0). */
  readonly projects: ProjectScope;
  /** Everything stored of the credential except its ciphertext. */
  readonly serviceCredential: ShownCredential;
  /** The team's branch naming (docs/architecture.md §5); absent: the default pattern. */
  readonly branchNaming?: BranchNaming;
  readonly repositories: readonly {
    repositoryId: string;
    requireUserPat: boolean;
    projects?: readonly ProjectRef[];
    defaultSourceBranch?: string;
    updatedAt: string;
    updatedBy: string;
  }[];
  readonly version: number;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  /** How many users hold a token for the integration. */
  readonly tokenHolders?: number;
  /** How many users' tokens expire within 7 days (list only, added by the admin route): a count, no names. */
  readonly tokensExpiringWithin7Days?: number;
}

/** A Basic password gets no hint at all, even one stored before that rule. */
const withoutCiphertext = ({ ciphertext: _ciphertext, ...shown }: StoredCredential): ShownCredential =>
  shown.kind === 'basic' ? { ...shown, hint: '' } : shown;

/** Never a secret or a ciphertext: only the hint and metadata (docs/architecture.md §4). */
export const integrationView = (record: IntegrationRecord, overrides: readonly RepositoryOverrideRecord[]): IntegrationView => ({
  id: record.id,
  name: record.name,
  provider: record.provider,
  ...(record.baseUrl ? { baseUrl: record.baseUrl } : {}),
  ...(record.region ? { region: record.region } : {}),
  ...(record.tfsVersion ? { tfsVersion: record.tfsVersion } : {}),
  requireUserPat: record.requireUserPat,
  projects: scopeOf(record.projects),
  serviceCredential: withoutCiphertext(record.serviceCredential),
  ...(record.branchNaming ? { branchNaming: record.branchNaming } : {}),
  repositories: overrides
    .filter((o) => o.integrationId === record.id)
    .map((o) => ({
      repositoryId: o.repositoryId,
      requireUserPat: o.requireUserPat,
      ...(o.projects ? { projects: o.projects } : {}),
      ...(o.defaultSourceBranch ? { defaultSourceBranch: o.defaultSourceBranch } : {}),
      updatedAt: o.updatedAt,
      updatedBy: o.updatedBy,
    })),
  version: record.version,
  createdAt: record.createdAt,
  createdBy: record.createdBy,
  updatedAt: record.updatedAt,
  updatedBy: record.updatedBy,
});

export interface IntegrationServiceOptions {
  /** The host families in use: the kinds an integration may have and each kind's rules. */
  readonly families: HostFamilies;
  /** Base URLs may be http and loopback, and are not held to their family's URL shape (simulators). */
  readonly allowSimulatedHosts: boolean;
  readonly resolveHost: HostResolver;
  /** The hosts' adapters: a service credential is verified with its host before it is stored (docs/architecture.md §2). */
  readonly providers: ProviderLookup;
  /** Where `Token Invalid` events go when a move drops users' tokens. */
  readonly events?: EventSink;
  /** This container's cached lists (integration-catalog.ts): dropped for the tenant on every change. */
  readonly catalog?: IntegrationCatalog;
}

interface Shape {
  readonly provider: ProviderKind;
  readonly baseUrl?: string;
  readonly region?: string;
  readonly tfsVersion?: TfsVersion;
}

/** Admin settings: integrations, their service credentials and the Require User PAT policy. */
export class IntegrationService {
  constructor(
    private readonly store: IntegrationStore,
    private readonly vault: TokenVault,
    private readonly audit: AuditStore,
    private readonly clock: Clock,
    private readonly deletions: DeletionQueue,
    private readonly options: IntegrationServiceOptions,
  ) {}

  async list(tenant: string): Promise<IntegrationView[]> {
    const { integrations, overrides, tokenHolders } = await this.store.listWithOverrides(tenant);
    const byIntegration = groupOverrides(overrides);
    return integrations.sort((a, b) => a.name.localeCompare(b.name)).map((i) => ({ ...integrationView(i, byIntegration.get(i.id) ?? []), tokenHolders: tokenHolders.get(i.id) ?? 0 }));
  }

  async get(tenant: string, integrationId: string): Promise<IntegrationView> {
    const record = await this.#require(tenant, integrationId);
    const { overrides, tokenHolders } = await this.store.overridesAndHolders(tenant, integrationId);
    return { ...integrationView(record, overrides), tokenHolders };
  }

  /** `jira`: the tenant's Jira as the app, where named projects are checked (project search). */
  async create(tenant: string, actor: string, input: CreateIntegrationInput, jira: JiraRestClient): Promise<IntegrationView> {
    const shape = await this.#checkShape(input);
    this.#checkCredentialKind(shape, input.serviceCredential);
    const projects = await this.#projects(jira, input.projects);
    const verified = await this.#verify(input.name, shape, input.serviceCredential);
    const id = randomBytes(10).toString('hex');
    const now = this.clock.now().toISOString();
    const record: IntegrationRecord = {
      tenant,
      id,
      name: input.name,
      ...shape,
      requireUserPat: input.requireUserPat,
      projects,
      ...(input.branchNaming ? { branchNaming: input.branchNaming } : {}),
      serviceCredential: await this.#storeCredential({ tenant, id, ...shape }, input.serviceCredential, now, verified),
      hostSetAt: now,
      overrideKeys: 'canonical',
      version: 1,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      updatedBy: actor,
    };
    await this.store.create(record);
    this.options.catalog?.forget(tenant);
    await this.audit.append(tenant, {
      actorAccountId: actor,
      action: 'integration.created',
      integrationId: id,
      outcome: 'success',
      changes: { name: record.name, provider: record.provider, baseUrl: record.baseUrl, region: record.region, tfsVersion: record.tfsVersion, requireUserPat: record.requireUserPat, projects: projectsLabel(projects), serviceCredential: 'set' },
      summary: integrationCreatedSummary(record),
    });
    return { ...integrationView(record, []), tokenHolders: 0 };
  }

  async patch(tenant: string, actor: string, integrationId: string, expectedVersion: number, input: PatchIntegrationInput, jira: JiraRestClient): Promise<IntegrationView> {
    const previous = await this.#require(tenant, integrationId);
    if (previous.version !== expectedVersion) throw new AppError('PRECONDITION_FAILED', 'The integration has changed since you read it; reload and try again.');
    const shape = await this.#checkShape({
      provider: previous.provider,
      baseUrl: input.baseUrl ?? previous.baseUrl,
      region: input.region ?? previous.region,
      tfsVersion: input.tfsVersion ?? previous.tfsVersion,
    });
    const now = this.clock.now().toISOString();
    const credentialKindChanged = this.#credentialKindFor(shape) !== previous.serviceCredential.kind;
    // Moving to another host: the stored credentials were verified for the old one and must never reach the new one.
    const moved = credentialHost(this.options.families, shape) !== credentialHost(this.options.families, previous);
    if (input.serviceCredential) this.#checkCredentialKind(shape, input.serviceCredential);
    else if (credentialKindChanged || moved) {
      throw new AppError('VALIDATION_FAILED', moved ? 'Moving the integration to another host needs a new service credential in the same change.' : 'This change needs a new service credential.', {
        errors: [{ field: 'serviceCredential', message: `send ${CREDENTIAL_SHAPE[this.#credentialKindFor(shape)]}` }],
      });
    }
    const projects = input.projects === undefined ? previous.projects : await this.#projects(jira, input.projects);
    if (input.projects !== undefined) await this.#checkOverridesWithin(tenant, integrationId, projects);
    const verified = input.serviceCredential ? await this.#verify(input.name ?? previous.name, shape, input.serviceCredential) : undefined;
    const { branchNaming: _previousNaming, ...kept } = previous;
    const branchNaming = input.branchNaming === undefined ? previous.branchNaming : (input.branchNaming ?? undefined);
    const next: IntegrationRecord = {
      ...kept,
      ...(branchNaming ? { branchNaming } : {}),
      name: input.name ?? previous.name,
      ...shape,
      requireUserPat: input.requireUserPat ?? previous.requireUserPat,
      ...(projects === undefined ? {} : { projects }),
      serviceCredential:
        input.serviceCredential && verified
        ? await this.#storeCredential({ tenant, id: integrationId, ...shape }, input.serviceCredential, now, verified)
        : { ...previous.serviceCredential, ...(previous.serviceCredential.kind === 'basic' ? { hint: '' } : {}) },
      ...(moved ? { hostSetAt: now } : {}),
      version: previous.version + 1,
      updatedAt: now,
      updatedBy: actor,
    };
    await this.store.update(previous, next, expectedVersion);
    this.options.catalog?.forget(tenant);
    await this.audit.append(tenant, { actorAccountId: actor, action: 'integration.updated', integrationId, outcome: 'success', changes: diff(previous, next, input), summary: integrationChangeSummary(previous, next, input.serviceCredential !== undefined) });
    if (moved) await this.#dropUserTokens(tenant, actor, next);
    const { overrides, tokenHolders } = await this.store.overridesAndHolders(tenant, integrationId);
    return { ...integrationView(next, overrides), tokenHolders };
  }

  /**
   * Answers after O(1) writes however many users and overrides the integration has: the integration
   * item goes (with its name, at `expectedVersion` if given) and its deletion marker comes in one
   * transaction, the audit entry is written, and a deletion job is enqueued for its overrides,
   * token-holder counter and users' tokens (lambdas/deletion/deletion-worker.ts). Its audit history
   * stays. Integration ids are random and never reused, so no new integration can meet the job.
   */
  /**
   * Deletes the integration item (with its name and a deletion marker, in one transaction), audits it
   * and enqueues the job that deletes the rest (lambdas/deletion). Should the enqueue fail, the answer
   * is 503 DELETION_IN_PROGRESS: the integration is gone already, and the DELETE sent again finds its
   * marker and enqueues the job again (as a repeated uninstall does), so nothing is left behind.
   */
  async delete(tenant: string, actor: string, integrationId: string, expectedVersion?: number): Promise<void> {
    const record = await this.store.get(tenant, integrationId);
    if (!record) {
      const jobId = await this.store.deletionJobOf(tenant, integrationId);
      if (!jobId) throw new AppError('NOT_FOUND', 'Integration was not found.');
      await this.#enqueueDeletion(tenant, integrationId, jobId);
      return;
    }
    const jobId = randomBytes(16).toString('hex');
    await this.store.delete(record, expectedVersion, { jobId, requestedAt: this.clock.now().toISOString() });
    this.options.catalog?.forget(tenant);
    await this.audit.append(tenant, { actorAccountId: actor, action: 'integration.deleted', integrationId, outcome: 'success', changes: { name: record.name } });
    await this.#enqueueDeletion(tenant, integrationId, jobId);
  }

  async #enqueueDeletion(tenant: string, integrationId: string, jobId: string): Promise<void> {
    try {
      await this.deletions.send({ kind: 'integration', jobId, tenant, integrationId, phase: 'items', deleted: 0, startedAt: Date.now() });
    } catch (error) {
      logger.error('integration deletion job not enqueued; the DELETE may be sent again', { tenant, integrationId, jobId, error: (error as Error).message });
      throw new AppError('DELETION_IN_PROGRESS', 'The integration is deleted, but clearing its users\' tokens could not be scheduled: send the DELETE again.', {
        retryAfterSeconds: 5,
      });
    }
  }

  /**
   * Stores the override under the repository's canonical id (hosts/repository-id.ts), the id every
   * action computes the same way; GitLab ids vs paths and Azure DevOps GUIDs vs names are matched at
   * action time through the host (services/git-action-service.ts), which this function cannot call:
   * it may not decrypt the service credential.
   */
  async setOverride(
    tenant: string,
    actor: string,
    integrationId: string,
    rawRepositoryId: string,
    requireUserPat: boolean | null,
    named: { projects?: readonly string[]; defaultSourceBranch?: string; jira: JiraRestClient },
  ): Promise<{ repositoryId: string; requireUserPat: boolean | null; projects?: readonly ProjectRef[]; defaultSourceBranch?: string; effective: boolean }> {
    const integration = await this.#require(tenant, integrationId);
    const repositoryId = canonicalRepositoryId(this.options.families, integration.provider, rawRepositoryId);
    if (requireUserPat === null && named.projects) {
      throw new AppError('VALIDATION_FAILED', 'A removed override narrows nothing.', { errors: [{ field: 'projects', message: 'send requireUserPat true or false to narrow the projects' }] });
    }
    // The override item holds the default source branch, so it exists only with a stated requirement.
    if (requireUserPat === null && named.defaultSourceBranch !== undefined) {
      throw new AppError('VALIDATION_FAILED', 'A removed override has no default source branch.', {
        errors: [{ field: 'defaultSourceBranch', message: 'choose required or not required to set a default source branch' }],
      });
    }
    const { defaultSourceBranch } = named;
    const projects = named.projects ? await resolveProjects(named.jira, named.projects, 'projects') : undefined;
    // An override narrows its integration's projects, never widens them.
    requireNarrowing(integration.projects, projects, 'projects');
    const previous = await this.store.getOverride(tenant, integrationId, repositoryId);
    if (integration.overrideKeys !== 'canonical') await this.#dropOtherSpellings(tenant, integration, repositoryId);
    if (requireUserPat === null) await this.store.deleteOverride(tenant, integrationId, repositoryId);
    else {
      await this.store.putOverride(tenant, {
        integrationId,
        repositoryId,
        requireUserPat,
        ...(projects ? { projects } : {}),
        ...(defaultSourceBranch ? { defaultSourceBranch } : {}),
        updatedAt: this.clock.now().toISOString(),
        updatedBy: actor,
      });
    }
    this.options.catalog?.forget(tenant);
    await this.audit.append(tenant, {
      actorAccountId: actor,
      action: requireUserPat === null ? 'repository-override.removed' : 'repository-override.set',
      integrationId,
      repositoryId,
      outcome: 'success',
      changes: {
        requireUserPat: { from: previous?.requireUserPat ?? null, to: requireUserPat },
        ...(projects ? { projects: projectsLabel(projects) } : {}),
        ...(defaultSourceBranch ? { defaultSourceBranch } : {}),
      },
      summary: overrideChangeSummary(repositoryId, previous, requireUserPat === null ? undefined : { requireUserPat, projects, defaultSourceBranch }),
    });
    return {
      repositoryId,
      requireUserPat,
      ...(projects ? { projects } : {}),
      ...(defaultSourceBranch ? { defaultSourceBranch } : {}),
      effective: effectiveRequirement(integration.requireUserPat, requireUserPat),
    };
  }

  /**
   * After a move: every user's token of the integration is deleted (they were verified against the
   * old host), each with an audit entry and a `Token Invalid` event so the user learns to save a
   * token for the new host. A failed event is logged; the token is gone either way.
   */
  async #dropUserTokens(tenant: string, actor: string, integration: IntegrationRecord): Promise<void> {
    const dropped = await this.store.deleteUserTokens(tenant, integration.id);
    const time = this.clock.now();
    for (const accountId of dropped) {
      await this.audit.append(tenant, {
        actorAccountId: actor,
        action: 'user-token.dropped',
        integrationId: integration.id,
        outcome: 'success',
        changes: { owner: accountId, reason: 'the integration moved to another host' },
      });
      await this.options.events?.emit({ detailType: 'Token Invalid', detail: { tenant, integrationId: integration.id, accountId }, time }).catch((error: unknown) => {
        logger.error('Token Invalid event not sent after a move', { integrationId: integration.id, accountId, error: (error as Error).name });
      });
    }
  }

  /** An older integration may hold the same repository's override under other spellings: the new setting replaces them. */
  async #dropOtherSpellings(tenant: string, integration: IntegrationRecord, canonical: string): Promise<void> {
    for (const stored of await this.store.overridesOf(tenant, integration.id)) {
      if (stored.repositoryId === canonical) continue;
      let key: string | undefined;
      try {
        key = canonicalRepositoryId(this.options.families, integration.provider, stored.repositoryId);
      } catch {
        key = undefined;
      }
      if (key === canonical) {
        await this.store.deleteOverride(tenant, integration.id, stored.repositoryId);
        this.options.catalog?.forget(tenant);
      }
    }
  }

  async #require(tenant: string, integrationId: string): Promise<IntegrationRecord> {
    const record = await this.store.get(tenant, integrationId);
    if (!record) throw new AppError('NOT_FOUND', 'Integration was not found.');
    return record;
  }

  async #storeCredential(
    integration: Pick<IntegrationRecord, 'tenant' | 'id' | 'provider' | 'baseUrl' | 'region'>,
    input: CredentialInput,
    now: string,
    verified: VerifiedIdentity,
  ): Promise<StoredCredential> {
    const kind = kindOfInput(input);
    const plaintext = JSON.stringify(input);
    return {
      kind,
      ciphertext: await this.vault.encrypt(plaintext, serviceCredentialContext(this.options.families, integration)),
      // A password is not a token: no character of it is ever shown or kept in clear (docs/architecture.md §4).
      hint: kind === 'basic' ? '' : new Secret('token' in input ? input.token : 'secretAccessKey' in input ? input.secretAccessKey : '').hint(),
      setAt: now,
      ...('accessKeyId' in input ? { accessKeyId: input.accessKeyId } : {}),
      ...('username' in input ? { username: input.username } : {}),
      login: verified.login,
      ...(verified.scopes ? { scopes: verified.scopes } : {}),
      ...(verified.expiresAt ? { expiresAt: verified.expiresAt } : {}),
    };
  }

  /** The named projects as Jira knows them (ids and keys), or `all`. */
  async #projects(jira: JiraRestClient, named: 'all' | readonly string[]): Promise<ProjectScope> {
    return named === 'all' ? 'all' : resolveProjects(jira, named, 'projects');
  }

  /** A narrower integration must not leave an override wider than itself: 400 naming the repositories. */
  async #checkOverridesWithin(tenant: string, integrationId: string, projects: ProjectScope | undefined): Promise<void> {
    const wider = (await this.store.overridesOf(tenant, integrationId)).filter((o) => widenedProjects(projects, o.projects).length > 0);
    if (wider.length === 0) return;
    throw new AppError('VALIDATION_FAILED', 'Repositories of this integration name projects outside the new list: narrow or remove their overrides first.', {
      errors: [{ field: 'projects', message: `wider than the list: ${wider.map((o) => o.repositoryId).join(', ')}` }],
    });
  }

  /**
   * The service credential checked with its host before anything is stored, as a user's token is
   * (services/token-service.ts): identity and scopes; a refusal says what the host answered, on the
   * `serviceCredential` field, and nothing is saved.
   */
  async #verify(name: string, shape: Shape, input: CredentialInput): Promise<VerifiedIdentity> {
    const credential: HostCredential =
      'token' in input
        ? { kind: 'token', token: new Secret(input.token) }
        : 'accessKeyId' in input
          ? { kind: 'aws-keys', accessKeyId: input.accessKeyId, secretAccessKey: new Secret(input.secretAccessKey) }
          : { kind: 'basic', username: input.username, password: new Secret(input.password) };
    // Next to the secret's own input in the admin form.
    const field = `serviceCredential.${'token' in input ? 'token' : 'accessKeyId' in input ? 'secretAccessKey' : 'password'}`;
    const refused = (message: string, extensions: Record<string, unknown> = {}): AppError =>
      new AppError('TOKEN_REJECTED', `${message} Nothing was saved.`, { errors: [{ field, message }], extensions });
    let identity: VerifiedIdentity;
    try {
      identity = await this.options.providers(shape).verifyToken(credential);
    } catch (error) {
      if (isCredentialRejected(error) || (isAppError(error) && error.code === 'TOKEN_REJECTED')) {
        throw refused(`${name}'s host did not accept this credential (unknown, revoked or expired).`);
      }
      // A host that answers its own identity endpoint with 403/404/400 is the wrong host or account: say so, next to the field.
      if (isAppError(error) && ['not-found', 'forbidden', 'bad-request'].includes(error.hostReason ?? '')) {
        throw refused(`${name}'s host refused to say whose credential this is (${error.hostReason}): check the base URL and the account.`);
      }
      throw error;
    }
    if (identity.missingScopes?.length) {
      throw refused(`The credential lacks what branch and pull-request actions need: ${identity.missingScopes.join(', ')}.`, { missingScopes: identity.missingScopes });
    }
    if (identity.expiresAt && Date.parse(identity.expiresAt) <= this.clock.now().getTime()) throw refused('The credential has already expired.');
    return identity;
  }

  /** The credential an integration kind takes, by its host family's descriptor. */
  #credentialKindFor(shape: Shape): CredentialKind {
    return this.options.families.of(shape.provider).credentialKind(shape.provider, shape.tfsVersion);
  }

  #checkCredentialKind(shape: Shape, input: CredentialInput): void {
    const expected = this.#credentialKindFor(shape);
    if (kindOfInput(input) !== expected) {
      throw new AppError('VALIDATION_FAILED', 'The service credential does not fit this kind of integration.', {
        errors: [{ field: 'serviceCredential', message: `send ${CREDENTIAL_SHAPE[expected]}` }],
      });
    }
  }

  /** Per-kind rules: which of baseUrl / region / tfsVersion a kind needs, and safe base URLs. */
  async #checkShape(input: Shape): Promise<Shape> {
    const errors: FieldError[] = [];
    const family = this.options.families.of(input.provider);
    const needs = { baseUrl: family.needsBaseUrl(input.provider), region: family.needsRegion, tfsVersion: family.needsTfsVersion(input.provider) };
    for (const field of ['baseUrl', 'region', 'tfsVersion'] as const) {
      if (needs[field] && !input[field]) errors.push({ field, message: `required for ${input.provider}` });
      if (!needs[field] && input[field]) errors.push({ field, message: `not used for ${input.provider}` });
    }
    if (errors.length) throw new AppError('VALIDATION_FAILED', 'The integration is not valid.', { errors });
    if (!input.baseUrl) return { provider: input.provider, region: input.region, tfsVersion: input.tfsVersion };
    const baseUrl = await checkBaseUrl(input.baseUrl, { allowLoopback: this.options.allowSimulatedHosts, resolve: this.options.resolveHost });
    this.#checkHostFamily(input.provider, baseUrl);
    return { provider: input.provider, baseUrl, region: input.region, tfsVersion: input.tfsVersion };
  }

  #checkHostFamily(provider: ProviderKind, baseUrl: string): void {
    if (this.options.allowSimulatedHosts) return;
    const message = this.options.families.of(provider).baseUrlMisfit(provider, new URL(baseUrl));
    if (message) throw new AppError('VALIDATION_FAILED', 'The base URL does not fit this kind of integration.', { errors: [{ field: 'baseUrl', message }] });
  }
}

const diff = (previous: IntegrationRecord, next: IntegrationRecord, input: PatchIntegrationInput): Record<string, unknown> => {
  const changes: Record<string, unknown> = {};
  for (const field of ['name', 'baseUrl', 'region', 'tfsVersion', 'requireUserPat'] as const) {
    if (previous[field] !== next[field]) changes[field] = { from: previous[field] ?? null, to: next[field] ?? null };
  }
  if (input.serviceCredential) changes.serviceCredential = 'replaced';
  if (input.branchNaming !== undefined && branchNamingLabel(previous.branchNaming) !== branchNamingLabel(next.branchNaming)) {
    changes.branchNaming = { from: branchNamingLabel(previous.branchNaming), to: branchNamingLabel(next.branchNaming) };
  }
  if (input.projects !== undefined && projectsLabel(previous.projects) !== projectsLabel(next.projects)) changes.projects = { from: projectsLabel(previous.projects), to: projectsLabel(next.projects) };
  return changes;
};
