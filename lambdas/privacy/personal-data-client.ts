import * as z from 'zod';
import type { Secret } from '../domain/secret';

/**
 * Atlassian's personal data reporting API, called as a Forge app: "User privacy guide for app
 * developers" (https://developer.atlassian.com/platform/forge/user-privacy-guidelines/) and Forge's
 * Privacy API (https://developer.atlassian.com/platform/forge/runtime-reference/privacy-api/, whose
 * helper posts to `/app/report-accounts` on Atlassian's API gateway, at most 90 accounts a request).
 * A remote has no Forge runtime to proxy the call: it sends the app system token Forge gave the
 * invocation (`x-forge-oauth-system`, scope `report:personal-data`) to the gateway the FIT's
 * `app.apiBaseUrl` names — the route is gateway-wide, not under that URL's `/ex/jira/{cloudId}`.
 */
export const REPORT_ACCOUNTS_LIMIT = 90;

export interface ReportedAccount {
  readonly accountId: string;
  /** When patgate last stored or refreshed what it holds for the account (ISO 8601). */
  readonly updatedAt: string;
}

export type ReportOutcome =
  /** 200 or 204: the accounts Atlassian says are closed (to erase) or updated (patgate keeps no profile data). */
  | { readonly kind: 'answered'; readonly closed: readonly string[]; readonly updated: readonly string[] }
  /** 429: ask again no earlier than this many seconds from now. */
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number }
  /** Anything else (401/403: the token or scope; 5xx, timeout): report again on a later run. */
  | { readonly kind: 'failed'; readonly status: number };

export interface PersonalDataClient {
  report(accounts: readonly ReportedAccount[]): Promise<ReportOutcome>;
}

const answerSchema = z.object({
  accounts: z.array(z.object({ accountId: z.string(), status: z.string() }).loose()).max(1000),
}).loose();

/** When Retry-After is missing or unreadable, wait this long (seconds). */
export const DEFAULT_RETRY_AFTER_SECONDS = 60;

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3), never negative. */
export const retryAfterSeconds = (header: string | null, now: Date): number => {
  if (!header) return DEFAULT_RETRY_AFTER_SECONDS;
  if (/^\d{1,9}$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_RETRY_AFTER_SECONDS : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
};

export class ForgePersonalDataClient implements PersonalDataClient {
  readonly #url: string;

  constructor(
    apiBaseUrl: string,
    private readonly systemToken: Secret,
    private readonly now: () => Date,
    private readonly timeoutMs = 3_000,
  ) {
    this.#url = new URL('/app/report-accounts/', apiBaseUrl).toString();
  }

  async report(accounts: readonly ReportedAccount[]): Promise<ReportOutcome> {
    if (accounts.length === 0 || accounts.length > REPORT_ACCOUNTS_LIMIT) throw new RangeError(`a report holds 1 to ${REPORT_ACCOUNTS_LIMIT} accounts`);
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.systemToken.reveal()}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ accounts: accounts.map(({ accountId, updatedAt }) => ({ accountId, updatedAt })) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      return { kind: 'failed', status: 0 };
    }
    const text = await response.text().catch(() => '');
    if (response.status === 429) return { kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response.headers.get('retry-after'), this.now()) };
    if (response.status === 204) return { kind: 'answered', closed: [], updated: [] };
    if (response.status !== 200) return { kind: 'failed', status: response.status };
    let parsed: z.infer<typeof answerSchema>;
    try {
      parsed = answerSchema.parse(JSON.parse(text));
    } catch {
      return { kind: 'failed', status: response.status };
    }
    // Only accounts this request asked about: an answer never erases anything else.
    const asked = new Set(accounts.map((a) => a.accountId));
    const mine = parsed.accounts.filter((a) => asked.has(a.accountId));
    return {
      kind: 'answered',
      closed: mine.filter((a) => a.status === 'closed').map((a) => a.accountId),
      updated: mine.filter((a) => a.status === 'updated').map((a) => a.accountId),
    };
  }
}
