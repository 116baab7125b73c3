import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod';
import { AppError } from '../domain/errors';
import type { Clock } from '../domain/clock';
import { atlassianApiBaseUrl } from './jira-rest-client';

/**
 * Forge Invocation Tokens (FITs), verified as Atlassian's "Forge Remote essentials" page (the
 * remote invocation contract) says:
 * https://developer.atlassian.com/platform/forge/remote/essentials/#verifying-remote-requests
 * - sent as `Authorization: Bearer <FIT>`, an RS256 JWT signed by a key of Atlassian's JWKS
 *   (https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json);
 * - `iss` is `forge/invocation-token`, `aud` is the app's id (`ari:cloud:ecosystem::app/<uuid>`),
 *   `exp` bounds its life;
 * - `app.installationId` names the installation (our tenant), `app.apiBaseUrl` the base URL for
 *   calls to the product with the app system token (header `x-forge-oauth-system`, present when the
 *   remote's `auth.appSystemToken` is enabled), `context.cloudId` the site, `principal` the
 *   Atlassian account of the user (absent on event and scheduled triggers).
 */
export const FORGE_FIT_ISSUER = 'forge/invocation-token';

export interface ForgeInvocation {
  readonly installationId: string;
  readonly apiBaseUrl: string;
  /** The app ARI the token was minted for (equals the configured audience). */
  readonly appId: string;
  /** `app.environment.id` as sent: an ARI, `ari:cloud:ecosystem::environment/<app uuid>/<env uuid>`. */
  readonly environmentId?: string;
  readonly cloudId?: string;
  /** The user's accountId; absent for triggers (lifecycle events). */
  readonly principal?: string;
  /** The manifest key of the module the token was minted for (`app.module.key`, or `context.moduleKey`). */
  readonly moduleKey?: string;
  /** `app.module.type`, e.g. `core:trigger` for a trigger. */
  readonly moduleType?: string;
}

export interface ForgeTokenOptions {
  readonly jwksUrl: string;
  /** The app id (ARI); undefined: every FIT is refused (Forge not configured). */
  readonly appId: string | undefined;
  /**
   * The Forge environments this deployment serves (environment ids or their ARIs); empty: any
   * environment of the app (local use). Development and staging FITs carry the same app id.
   */
  readonly environmentIds?: readonly string[];
  readonly cooldownMs: number;
  /** Accept loopback http API base URLs (local mode: the Jira simulator). */
  readonly allowLoopbackApi: boolean;
}

const ENVIRONMENT_ARI_PREFIX = 'ari:cloud:ecosystem::environment/';

/**
 * The environment's own id: the last segment of its ARI
 * (`ari:cloud:ecosystem::environment/<app uuid>/<env uuid>`), or the id itself when given bare.
 */
export const environmentKeyOf = (value: string): string => {
  const trimmed = value.trim();
  if (!trimmed.startsWith(ENVIRONMENT_ARI_PREFIX)) return trimmed;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
};

/**
 * What we read of a FIT, bounded generously (ARIs run past 100 characters; an account id can be
 * `557058:<uuid>`); every other claim, and any longer field we do not read, passes untouched.
 * Shapes: Forge Remote essentials (above) and the invocation context example of
 * https://developer.atlassian.com/platform/forge/rest/v2/api-group-forge-context/ (`app.environment`
 * with `type` and an environment ARI as `id`, `app.module` with `key` and `type`, `context.cloudId`,
 * `context.moduleKey`).
 */
const ari = z.string().min(1).max(1000).regex(/^[A-Za-z0-9:/._-]+$/);
const claimsSchema = z.object({
  app: z.object({
    installationId: ari,
    apiBaseUrl: z.string().max(2048),
    id: z.string().max(1000).optional(),
    environment: z.object({ id: ari.optional(), type: z.string().max(200).optional() }).loose().optional(),
    module: z.object({ key: z.string().min(1).max(500).optional(), type: z.string().max(500).optional() }).loose().optional(),
  }).loose(),
  context: z.object({
    cloudId: z.string().regex(/^[A-Za-z0-9-]{1,200}$/).optional(),
    moduleKey: z.string().min(1).max(500).optional(),
  }).loose().optional(),
  principal: z.string().regex(/^[A-Za-z0-9:_-]{1,256}$/).optional(),
}).loose();

const refused = (check: string): AppError => new AppError('UNAUTHENTICATED', `Authentication failed: ${check}.`, { extensions: { check: check.split(/[ :]/)[0] } });

/** Names the failed check without echoing any part of the token. */
const describeFailure = (error: unknown): AppError => {
  if (error instanceof errors.JWTExpired) return refused('expiry (exp): the invocation token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return refused('issuer (iss): not a Forge invocation token');
    if (error.claim === 'aud') return refused('audience (aud): the token is for another app');
    if (error.claim === 'exp') return refused('expiry (exp): the token has no valid expiry');
    return refused(`claims (${error.claim.slice(0, 20)}): a required claim is invalid`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return refused('algorithm (alg): only RS256 invocation tokens are accepted');
  if (error instanceof errors.JWKSNoMatchingKey) return refused("signature (kid): the signing key is not in Atlassian's key set");
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('signature: the token signature does not verify');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
    return new AppError('JIRA_UNAVAILABLE', "Atlassian's signing keys could not be read; try again shortly.", { status: 503 });
  }
  if (error instanceof errors.JOSEError) return refused('format: the token is not a valid JWT');
  if (error instanceof TypeError || (error as Error | undefined)?.name === 'AbortError') {
    return new AppError('JIRA_UNAVAILABLE', "Atlassian's signing keys could not be read; try again shortly.", { status: 503 });
  }
  return refused('format: the token is not a valid JWT');
};

/**
 * Verifies FITs against the remote key set. jose caches the set and refetches it for an unknown
 * `kid` at most once per cooldown, so a flood of made-up key ids cannot make us hammer the JWKS.
 */
export class ForgeTokenVerifier {
  readonly #jwks: ReturnType<typeof createRemoteJWKSet>;
  readonly #environments: ReadonlySet<string>;

  constructor(
    private readonly options: ForgeTokenOptions,
    private readonly clock: Clock,
  ) {
    this.#environments = new Set((options.environmentIds ?? []).map(environmentKeyOf).filter((id) => id.length > 0));
    this.#jwks = createRemoteJWKSet(new URL(options.jwksUrl), { cooldownDuration: options.cooldownMs, cacheMaxAge: 10 * 60_000, timeoutDuration: 3_000 });
  }

  async verify(token: string): Promise<ForgeInvocation> {
    const appId = this.options.appId;
    if (!appId) throw refused('audience (aud): this deployment has no Forge app id configured');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.#jwks, {
        issuer: FORGE_FIT_ISSUER,
        audience: appId,
        algorithms: ['RS256'],
        requiredClaims: ['exp', 'iss', 'aud'],
        currentDate: this.clock.now(),
        clockTolerance: 5,
      }));
    } catch (error) {
      throw describeFailure(error);
    }
    const parsed = claimsSchema.safeParse(payload);
    if (!parsed.success) throw refused(`claims (${String(parsed.error.issues[0]?.path.join('.') ?? 'app').slice(0, 40)}): the token names no valid installation, module or principal`);
    const claims = parsed.data;
    const moduleKey = claims.app.module?.key ?? claims.context?.moduleKey;
    if (claims.app.module?.key && claims.context?.moduleKey && claims.app.module.key !== claims.context.moduleKey) throw refused('module (app.module.key): the token names two different modules');
    const environmentId = claims.app.environment?.id;
    this.#checkEnvironment(environmentId);
    const apiBaseUrl = atlassianApiBaseUrl(claims.app.apiBaseUrl, this.options.allowLoopbackApi);
    if (!apiBaseUrl) throw refused('claims (app.apiBaseUrl): the API base URL is not an Atlassian API host');
    return {
      installationId: claims.app.installationId,
      apiBaseUrl,
      appId,
      environmentId,
      cloudId: claims.context?.cloudId,
      principal: claims.principal,
      moduleKey,
      moduleType: claims.app.module?.type,
    };
  }

  /** Production serves only its own environment(s): a FIT of the app's development or staging environment is refused. */
  #checkEnvironment(environmentId: string | undefined): void {
    const allowed = this.#environments;
    if (allowed.size === 0) return;
    if (!environmentId || !allowed.has(environmentKeyOf(environmentId))) throw refused('environment (app.environment.id): the token is for another Forge environment of the app');
  }
}

/** The FIT of `Authorization: Bearer <FIT>`; the check is named, the header never echoed. */
export const tokenFromAuthorization = (authorization: string | undefined): string => {
  if (!authorization) throw refused('authorization: no Authorization header');
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw refused('authorization: the Authorization header is not "Bearer <token>"');
  return match[1];
};
