/** What GitHub's response headers tell about the token that made the request. */
export interface TokenFacts {
  /** Classic tokens only (`X-OAuth-Scopes`); fine-grained tokens send no such header. */
  readonly scopes?: readonly string[];
  readonly missingScopes?: readonly string[];
  /** ISO 8601, from `github-authentication-token-expiration`. */
  readonly expiresAt?: string;
}

type ResponseHeaders = Readonly<Record<string, string | number | undefined>>;

/** Scopes that let a classic token create refs and pull requests (`public_repo`: public repositories only). */
const BRANCH_AND_PR_SCOPES = ['repo', 'public_repo'];

const EXPIRATION = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})\s*(UTC|GMT|Z|[+-]\d{2}:?\d{2})?$/i;

const header = (headers: ResponseHeaders, name: string): string | undefined => {
  const value = headers[name];
  return value === undefined ? undefined : String(value);
};

/** GitHub writes `2026-12-31 00:00:00 UTC`; an offset such as `-0800` has been seen too. */
export const parseTokenExpiration = (value: string): string | undefined => {
  const match = EXPIRATION.exec(value.trim());
  if (!match) return undefined;
  const [, date, time, zone = 'UTC'] = match;
  const offset = /^(UTC|GMT|Z)$/i.test(zone) ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const instant = new Date(`${date}T${time}${offset}`);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
};

export const readTokenFacts = (headers: ResponseHeaders): TokenFacts => {
  const scopesHeader = header(headers, 'x-oauth-scopes');
  const expiration = header(headers, 'github-authentication-token-expiration');
  const expiresAt = expiration === undefined ? undefined : parseTokenExpiration(expiration);
  if (scopesHeader === undefined) return { expiresAt };
  const scopes = scopesHeader.split(',').map((scope) => scope.trim()).filter((scope) => scope !== '');
  const covered = scopes.some((scope) => BRANCH_AND_PR_SCOPES.includes(scope));
  return { scopes, missingScopes: covered ? undefined : ['repo'], expiresAt };
};
