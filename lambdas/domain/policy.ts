import { supportsPersonalAccessTokens, type ProviderKind, type TfsVersion } from './integration';
import type { StoredTokenStatus } from './records';

/** A token's status as the user sees it; `missing` when none is saved. */
export type TokenStatus = 'missing' | StoredTokenStatus;

export const EXPIRING_WINDOW_MS = 7 * 24 * 3600 * 1000;

/**
 * Status from the stored status and the clock: expiry is derived, so a stale `valid` never lets an
 * expired token through. A token past its expiry is `expired` even when a host refusal marked it
 * `invalid` since: the host refused it because it expired, and every page says so in one word.
 */
export const tokenStatus = (token: { status: StoredTokenStatus; expiresAt?: string } | undefined, now: Date): TokenStatus => {
  if (!token) return 'missing';
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return 'expired';
  if (token.status === 'invalid') return 'invalid';
  if (token.status === 'expired') return 'expired';
  if (token.expiresAt) {
    const expires = Date.parse(token.expiresAt);
    if (expires <= now.getTime()) return 'expired';
    if (expires - now.getTime() <= EXPIRING_WINDOW_MS) return 'expiring';
  }
  return 'valid';
};

/** docs/architecture.md §3 step 1: the per-repository override wins; null/undefined inherits. */
export const effectiveRequirement = (integrationRequiresUserPat: boolean, repositoryOverride: boolean | null | undefined): boolean =>
  repositoryOverride ?? integrationRequiresUserPat;

export interface PolicyInput {
  readonly provider: ProviderKind;
  readonly tfsVersion?: TfsVersion;
  readonly integrationRequiresUserPat: boolean;
  readonly repositoryOverride: boolean | null | undefined;
  readonly token: { status: StoredTokenStatus; expiresAt?: string } | undefined;
  readonly now: Date;
}

export type RefusalCode = 'PAT_REQUIRED' | 'PAT_EXPIRED' | 'PAT_INVALID' | 'PAT_NOT_SUPPORTED';

export type CredentialDecision =
  | { readonly kind: 'service-account' }
  | { readonly kind: 'user-pat' }
  | { readonly kind: 'refused'; readonly code: RefusalCode };

/** docs/architecture.md §3, the heart: which credential a git action runs with, or why it is refused. Pure. */
export const decideCredential = (input: PolicyInput): CredentialDecision => {
  if (!effectiveRequirement(input.integrationRequiresUserPat, input.repositoryOverride)) return { kind: 'service-account' };
  if (!supportsPersonalAccessTokens(input.provider, input.tfsVersion)) return { kind: 'refused', code: 'PAT_NOT_SUPPORTED' };
  const status = tokenStatus(input.token, input.now);
  if (status === 'missing') return { kind: 'refused', code: 'PAT_REQUIRED' };
  if (status === 'expired') return { kind: 'refused', code: 'PAT_EXPIRED' };
  if (status === 'invalid') return { kind: 'refused', code: 'PAT_INVALID' };
  return { kind: 'user-pat' };
};

export const REFUSAL_MESSAGES: Record<RefusalCode, (integrationName: string) => string> = {
  PAT_REQUIRED: (name) => `Your Jira administrator requires your own personal access token for ${name}. Add one in your patgate settings to continue.`,
  PAT_EXPIRED: (name) => `Your personal access token for ${name} has expired. Create a new token and save it in your patgate settings.`,
  PAT_INVALID: (name) => `${name} no longer accepts your personal access token (revoked or changed). Create a new token and save it in your patgate settings.`,
  PAT_NOT_SUPPORTED: (name) =>
    `${name} runs a TFS version without personal access tokens (TFS 2013 and 2015), and your administrator requires your own token: branch and pull-request actions are not possible while that setting is on.`,
};
