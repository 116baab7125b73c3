import type { MyIntegrationView } from '../api/patgate';

/**
 * One wording of a user's token status for every page (issue 22: settings and the issue panel said
 * different things of one token). The API decides the status (lambdas/domain/policy.ts `tokenStatus`,
 * reported as `status` by `GET /api/me/integrations` and as a refusal code by readiness and actions);
 * the pages only name it, through this table.
 */
export type TokenStatusName = MyIntegrationView['status'];

export interface TokenStatusWords {
  /** The status as one short word or phrase (a lozenge). */
  readonly word: string;
  /** The Atlaskit lozenge appearance. */
  readonly appearance: 'default' | 'success' | 'moved' | 'removed';
  /** A heading for a message about it, or undefined when nothing needs saying. */
  readonly title?: (integrationName: string) => string;
}

export const TOKEN_STATUS_WORDS: Readonly<Record<TokenStatusName, TokenStatusWords>> = {
  missing: { word: 'missing', appearance: 'default' },
  valid: { word: 'valid', appearance: 'success' },
  expiring: { word: 'expiring', appearance: 'moved' },
  expired: { word: 'expired', appearance: 'removed', title: () => 'Your personal access token has expired' },
  invalid: { word: 'no longer accepted', appearance: 'removed', title: (name) => `${name} no longer accepts your token` },
};

/** The token status a refusal code of readiness or an action stands for (PAT_NOT_SUPPORTED: none). */
export const statusOfRefusal = (code: string): TokenStatusName | undefined =>
  code === 'PAT_EXPIRED' ? 'expired' : code === 'PAT_INVALID' ? 'invalid' : code === 'PAT_REQUIRED' ? 'missing' : undefined;
