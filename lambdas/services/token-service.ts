import type { Clock } from '../domain/clock';
import { isCredentialRejected } from '../domain/credential-rejected';
import { AppError, isAppError } from '../domain/errors';
import { supportsPersonalAccessTokens } from '../domain/integration';
import { expiryNotice, type ExpiryNotice } from '../domain/expiry-notice';
import { saveTokenSchema, type SaveTokenInput } from '../domain/token-schemas';
import { tokenStatus, type TokenStatus } from '../domain/policy';
import { projectAssociated, type ProjectRef } from '../domain/project-association';
import type { IntegrationRecord, TenantRecord, UserTokenRecord } from '../domain/records';
import type { BranchNaming } from '../domain/branch-name';
import { Secret } from '../domain/secret';
import type { HostCredential, VerifiedIdentity } from '../hosts/git-provider';
import type { HostFamilies } from '../hosts/family-registry';
import type { ProviderLookup } from '../hosts/provider-registry';
import type { AuditStore } from '../store/audit-store';
import type { IntegrationStore } from '../store/integration-store';
import type { TokenStore } from '../store/token-store';
import type { TokenVault } from '../vault/token-vault';
import { userTokenContext, verifiedNewTokenUrl } from './host-credentials';
import { telemetry } from '../observability/telemetry';
import { IntegrationCatalog, type CatalogEntry } from './integration-catalog';
import { setupUrl } from './setup-links';

export { saveTokenSchema, type SaveTokenInput };

export interface MyIntegrationView extends ExpiryNotice {
  readonly integrationId: string;
  readonly name: string;
  readonly provider: IntegrationRecord['provider'];
  readonly requireUserPat: boolean;
  readonly repositoryOverrides: readonly { repositoryId: string; requireUserPat: boolean }[];
  /** The integration's branch name template and issue type → prefix mapping (docs/architecture.md §5); absent: the default pattern. */
  readonly branchNaming?: BranchNaming;
  readonly patSupported: boolean;
  readonly status: TokenStatus;
  readonly hint?: string;
  readonly providerLogin?: string;
  readonly scopes?: readonly string[];
  readonly expiresAt?: string;
  readonly savedAt?: string;
  readonly newTokenUrl: string;
  readonly setupUrl: string;
}

export interface MyIntegrationsForIssue {
  readonly integrations: readonly (MyIntegrationView & { readonly availableInProject: boolean })[];
  readonly issue: {
    readonly issueKey: string;
    readonly projectKey: string;
    readonly projectId: string;
    readonly viewDevTools: boolean;
    readonly message?: string;
    /** The issue's summary and type name (Jira's `fields.summary`, `fields.issuetype.name`), for the suggested branch name. */
    readonly summary?: string;
    readonly issueType?: string;
  };
}

const credentialFields = (input: SaveTokenInput): Record<string, string> =>
  'accessKeyId' in input ? { accessKeyId: input.accessKeyId, secretAccessKey: input.secretAccessKey } : { token: input.token };

const nextDay = (now: Date): string => new Date(now.getTime() + 24 * 3600 * 1000).toISOString().slice(0, 10);

/**
 * One catalog entry's user-independent parts, already JSON: `head` runs from `{` to `"status":`,
 * `tail` from `,"newTokenUrl"` to `}`. The user's token fields go between them.
 */
interface RenderedEntry {
  readonly integration: IntegrationRecord;
  readonly head: string;
  readonly tail: string;
}

/** What the rendered links depend on besides the catalog entry itself. */
const linkKey = (tenant: TenantRecord): string => JSON.stringify([tenant.baseUrl, tenant.platform, tenant.forgeAppId, tenant.forgeEnvironmentId]);

/** The user token API: one PAT per user per integration, verified with the host before it is kept. */
export class TokenService {
  /**
   * `listMineJson`'s rendered entries, per cached catalog list: they live exactly as long as the
   * catalog keeps that list (30 s, or until a write in this container makes it `forget` the tenant).
   */
  readonly #rendered = new WeakMap<readonly CatalogEntry[], { readonly key: string; readonly entries: readonly RenderedEntry[] }>();

  constructor(
    private readonly integrations: IntegrationStore,
    private readonly tokens: TokenStore,
    private readonly vault: TokenVault,
    private readonly providers: ProviderLookup,
    /** The host families in use: each kind's credential and expiry rules. */
    private readonly families: HostFamilies,
    private readonly audit: AuditStore,
    private readonly clock: Clock,
    /** The tenant's integrations and overrides for the list, cached per container (integration-catalog.ts). */
    private readonly catalog: IntegrationCatalog = new IntegrationCatalog(integrations, clock),
  ) {}

  async listMine(tenant: TenantRecord, accountId: string): Promise<MyIntegrationView[]> {
    const [catalog, tokens] = await Promise.all([this.catalog.of(tenant.clientKey, tenant.installedAt), this.tokens.listForUser(tenant.clientKey, accountId)]);
    const byIntegration = new Map(tokens.map((t) => [t.integrationId, t]));
    return catalog.map(({ integration, overrides }) => this.#view(tenant, integration, overrides, byIntegration.get(integration.id)));
  }

  /**
   * The issue panel's list (docs/architecture.md §11): `listMine` with, per integration, whether the
   * issue's project is associated with it, and whether the user has View Development Tools there.
   */
  async listMineForIssue(
    tenant: TenantRecord,
    accountId: string,
    issueKey: string,
    access: { project: ProjectRef; granted: boolean; summary?: string; issueType?: string },
  ): Promise<MyIntegrationsForIssue> {
    const [catalog, mine] = await Promise.all([this.catalog.of(tenant.clientKey, tenant.installedAt), this.listMine(tenant, accountId)]);
    const projectsOf = new Map(catalog.map(({ integration }) => [integration.id, integration.projects]));
    const { project, granted } = access;
    return {
      integrations: mine.map((view) => ({ ...view, availableInProject: projectAssociated(projectsOf.get(view.integrationId), undefined, project.id) })),
      issue: {
        issueKey,
        projectKey: project.key,
        projectId: project.id,
        viewDevTools: granted,
        // Summary and type only to a user who may act: they feed the suggested branch name.
        ...(granted ? { ...(access.summary === undefined ? {} : { summary: access.summary }), ...(access.issueType === undefined ? {} : { issueType: access.issueType }) } : { message: `You need View Development Tools in ${project.key}.` }),
      },
    };
  }

  /**
   * `listMine` as the route sends it: the text `JSON.stringify({ integrations: listMine(…) })` gives,
   * byte for byte, without rebuilding and serialising every integration and override on each request.
   * What does not depend on the user (name, provider, overrides, links) is rendered once per cached
   * catalog list; per request only the user's token fields are serialised (one Query, as before).
   */
  async listMineJson(tenant: TenantRecord, accountId: string): Promise<string> {
    const [catalog, tokens] = await Promise.all([this.catalog.of(tenant.clientKey, tenant.installedAt), this.tokens.listForUser(tenant.clientKey, accountId)]);
    const byIntegration = new Map(tokens.map((t) => [t.integrationId, t]));
    const now = this.clock.now();
    const parts: string[] = [];
    for (const { integration, head, tail } of this.#renderedOf(tenant, catalog)) {
      const token = byIntegration.get(integration.id);
      const fields = token ? JSON.stringify(this.#tokenFields(integration, token, now)) : '{}';
      parts.push(`${head}${JSON.stringify(tokenStatus(token, now))}${fields === '{}' ? '' : `,${fields.slice(1, -1)}`}${tail}`);
    }
    return `{"integrations":[${parts.join(',')}]}`;
  }

  #renderedOf(tenant: TenantRecord, catalog: readonly CatalogEntry[]): readonly RenderedEntry[] {
    const key = linkKey(tenant);
    const cached = this.#rendered.get(catalog);
    if (cached?.key === key) return cached.entries;
    const entries = catalog.map(({ integration, overrides }): RenderedEntry => {
      const head = JSON.stringify(this.#integrationFields(integration, overrides));
      const tail = JSON.stringify(this.#links(tenant, integration));
      return { integration, head: `${head.slice(0, -1)},"status":`, tail: `,${tail.slice(1)}` };
    });
    this.#rendered.set(catalog, { key, entries });
    return entries;
  }

  async save(tenant: TenantRecord, accountId: string, integrationId: string, input: SaveTokenInput): Promise<MyIntegrationView> {
    const integration = await this.#integration(tenant.clientKey, integrationId);
    if (!supportsPersonalAccessTokens(integration.provider, integration.tfsVersion)) {
      throw new AppError('PAT_NOT_SUPPORTED', `TFS ${integration.tfsVersion} has no personal access tokens, so none can be saved for ${integration.name}.`);
    }
    const credential = this.#credential(integration, input);
    const existing = await this.tokens.get(tenant.clientKey, accountId, integrationId);
    const identity = this.#withStatedExpiry(await this.#verify(integration, credential), integration, input.expiresAt);
    const now = this.clock.now();
    const secret = 'token' in input ? new Secret(input.token) : new Secret(input.secretAccessKey);
    const record: UserTokenRecord = {
      tenant: tenant.clientKey,
      accountId,
      integrationId,
      credential: {
        kind: credential.kind,
        ciphertext: await this.vault.encrypt(JSON.stringify(credentialFields(input)), userTokenContext(this.families, integration, accountId)),
        hint: secret.hint(),
        setAt: now.toISOString(),
        ...('accessKeyId' in input ? { accessKeyId: input.accessKeyId } : {}),
      },
      providerLogin: identity.login,
      ...(identity.displayName ? { displayName: identity.displayName } : {}),
      ...(identity.scopes ? { scopes: identity.scopes } : {}),
      ...(identity.expiresAt ? { expiresAt: identity.expiresAt } : {}),
      status: 'valid',
      savedAt: now.toISOString(),
      verifiedAt: now.toISOString(),
      version: (existing?.version ?? 0) + 1,
    };
    // Tokens whose host tells no expiry are re-verified daily even with a stated expiry: revocation shows only there.
    const reverify = !identity.expiresAt || this.#expiryUnreported(integration);
    await this.tokens.save(record, existing?.version, reverify ? nextDay(now) : undefined);
    telemetry.tokenSaved(integration.provider);
    await this.audit.append(tenant.clientKey, {
      actorAccountId: accountId,
      action: existing ? 'user-token.replaced' : 'user-token.saved',
      integrationId,
      outcome: 'success',
      actedAs: { credential: 'user-pat', login: identity.login },
    });
    const overrides = await this.integrations.overridesOf(tenant.clientKey, integrationId);
    return this.#view(tenant, integration, overrides.map((o) => ({ repositoryId: o.repositoryId, requireUserPat: o.requireUserPat })), record);
  }

  async delete(tenant: TenantRecord, accountId: string, integrationId: string): Promise<void> {
    await this.#integration(tenant.clientKey, integrationId);
    if (await this.tokens.delete(tenant.clientKey, accountId, integrationId)) {
      await this.audit.append(tenant.clientKey, { actorAccountId: accountId, action: 'user-token.deleted', integrationId, outcome: 'success' });
    }
  }

  async #integration(tenant: string, integrationId: string): Promise<IntegrationRecord> {
    const integration = await this.integrations.get(tenant, integrationId);
    if (!integration) throw new AppError('NOT_FOUND', 'Integration was not found.');
    return integration;
  }

  #credential(integration: IntegrationRecord, input: SaveTokenInput): HostCredential {
    const wantsKeys = this.families.of(integration.provider).credentialKind(integration.provider, integration.tfsVersion) === 'aws-keys';
    if (wantsKeys !== 'accessKeyId' in input) {
      throw new AppError('VALIDATION_FAILED', 'The token does not fit this integration.', {
        errors: [{ field: wantsKeys ? 'accessKeyId' : 'token', message: wantsKeys ? 'send { "accessKeyId", "secretAccessKey" } (an access key pair)' : 'send { "token": "…" }' }],
      });
    }
    return 'accessKeyId' in input
      ? { kind: 'aws-keys', accessKeyId: input.accessKeyId, secretAccessKey: new Secret(input.secretAccessKey) }
      : { kind: 'token', token: new Secret(input.token) };
  }

  async #verify(integration: IntegrationRecord, credential: HostCredential): Promise<VerifiedIdentity> {
    let identity;
    try {
      identity = await this.providers(integration).verifyToken(credential);
    } catch (error) {
      // Also a token the host finds too narrow (GitLab's insufficient_scope, TOKEN_REJECTED): it is not saved either.
      if (isCredentialRejected(error) || (isAppError(error) && error.code === 'TOKEN_REJECTED')) {
        telemetry.tokenRejected(integration.provider);
        throw new AppError('TOKEN_REJECTED', `${integration.name} did not accept this token (unknown, revoked or expired). Nothing was saved.`);
      }
      throw error;
    }
    if (identity.missingScopes?.length) {
      telemetry.tokenRejected(integration.provider);
      throw new AppError('TOKEN_REJECTED', `This token lacks what branch and pull-request actions need: ${identity.missingScopes.join(', ')}. Nothing was saved.`, {
        extensions: { missingScopes: identity.missingScopes },
      });
    }
    if (identity.expiresAt && Date.parse(identity.expiresAt) <= this.clock.now().getTime()) {
      telemetry.tokenRejected(integration.provider);
      throw new AppError('TOKEN_REJECTED', 'This token has already expired. Nothing was saved.');
    }
    return identity;
  }

  #withStatedExpiry(identity: VerifiedIdentity, integration: IntegrationRecord, stated: string | undefined): VerifiedIdentity {
    if (stated === undefined) return identity;
    if (!this.#expiryUnreported(integration)) {
      throw new AppError('VALIDATION_FAILED', `${integration.name} reports a token's expiry itself (or the credential never expires); leave out expiresAt.`, {
        errors: [{ field: 'expiresAt', message: `not used for ${integration.provider}` }],
      });
    }
    const expiresAt = new Date(stated).toISOString();
    if (Date.parse(expiresAt) <= this.clock.now().getTime()) {
      throw new AppError('VALIDATION_FAILED', 'The stated expiry is in the past.', { errors: [{ field: 'expiresAt', message: 'must be in the future' }] });
    }
    return { ...identity, expiresAt };
  }

  /** Hosts whose PATs expire but which never tell the expiry to the token's holder (their family's descriptor says). */
  #expiryUnreported(integration: IntegrationRecord): boolean {
    return this.families.of(integration.provider).tokenExpiry === 'unreported';
  }

  #view(tenant: TenantRecord, integration: IntegrationRecord, overrides: MyIntegrationView['repositoryOverrides'], token: UserTokenRecord | undefined): MyIntegrationView {
    const now = this.clock.now();
    return {
      ...this.#integrationFields(integration, overrides),
      status: tokenStatus(token, now),
      ...(token ? this.#tokenFields(integration, token, now) : {}),
      ...this.#links(tenant, integration),
    };
  }

  /** The view's fields before `status`: the same for every user. */
  #integrationFields(integration: IntegrationRecord, overrides: MyIntegrationView['repositoryOverrides']) {
    return {
      integrationId: integration.id,
      name: integration.name,
      provider: integration.provider,
      requireUserPat: integration.requireUserPat,
      repositoryOverrides: overrides,
      ...(integration.branchNaming ? { branchNaming: integration.branchNaming } : {}),
      patSupported: supportsPersonalAccessTokens(integration.provider, integration.tfsVersion),
    };
  }

  /** The user's own token, after `status`. */
  #tokenFields(integration: IntegrationRecord, token: UserTokenRecord, now: Date) {
    return {
      hint: token.credential.kind === 'aws-keys' && token.credential.accessKeyId ? `${token.credential.accessKeyId} ${token.credential.hint}` : token.credential.hint,
      providerLogin: token.providerLogin,
      ...(token.scopes ? { scopes: token.scopes } : {}),
      ...(token.expiresAt ? { expiresAt: token.expiresAt } : {}),
      // An invalid token gets no countdown: it no longer works whatever its expiry says.
      ...(token.status === 'invalid' ? {} : expiryNotice(token.expiresAt, now, integration.name)),
      savedAt: token.savedAt,
    };
  }

  /** The view's last fields: links that depend on the integration and the tenant, not the user. */
  #links(tenant: TenantRecord, integration: IntegrationRecord) {
    return {
      newTokenUrl: verifiedNewTokenUrl(this.providers(integration), integration),
      setupUrl: setupUrl(tenant, integration.id),
    };
  }
}
