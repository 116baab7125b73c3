import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import type { SimRequest, SimResponse } from '../kit/loopback-server';

/**
 * Atlassian's personal data reporting API as the "User privacy guide for app developers" describes
 * it (https://developer.atlassian.com/platform/forge/user-privacy-guidelines/):
 * - `POST /app/report-accounts/` on Atlassian's API gateway, `{ accounts: [{ accountId, updatedAt }] }`,
 *   "Each request allows up to 90 accounts to be reported on" (Forge's own helper, @forge/api
 *   `privacy.reportPersonalData`, splits into requests of LIMIT = 90 to `/app/report-accounts`);
 * - 200 `{ accounts: [{ accountId, status: 'closed' | 'updated' }] }` when some account needs action,
 *   204 when none does; 429 with `Retry-After` when the app reports too much; a token without the
 *   `report:personal-data` scope (https://developer.atlassian.com/platform/forge/manifest-reference/scopes-forge/)
 *   is refused;
 * - the guide's test account ids: `5be24ad8b1653240376955d2` is always active and
 *   `5be24ba3f91c106033269289` always closed.
 * The simulator keeps which accounts are closed or updated (`closeAccount`, `updateAccount`) and can
 * be told to rate-limit the next requests (`rateLimit`).
 */
export const REPORT_ACCOUNTS_PATH = '/app/report-accounts/';
export const REPORT_ACCOUNTS_LIMIT = 90;
export const PERSONAL_DATA_SCOPE = 'report:personal-data';
export const GUIDE_ACTIVE_ACCOUNT = '5be24ad8b1653240376955d2';
export const GUIDE_CLOSED_ACCOUNT = '5be24ba3f91c106033269289';

/** What the gateway knows of an app system token (the Jira simulator's issued tokens). */
export interface SystemTokenFacts {
  readonly installationId: string;
  readonly scopes: ReadonlySet<string>;
  readonly expiresAt: number;
}

/** One request the API accepted (or refused with 429), for tests. */
export interface PersonalDataReport {
  readonly installationId: string;
  readonly status: number;
  readonly accountIds: readonly string[];
}

const reportSchema = z.strictObject({
  accounts: z
    .array(z.strictObject({ accountId: z.string().min(1).max(128), updatedAt: z.iso.datetime({ offset: true }) }))
    .min(1)
    .max(REPORT_ACCOUNTS_LIMIT),
});

export class PersonalDataApi {
  readonly reports: PersonalDataReport[] = [];
  readonly #closed = new Set<string>([GUIDE_CLOSED_ACCOUNT]);
  /** accountId → when its profile last changed. */
  readonly #updated = new Map<string, number>();
  #limited: { remaining: number; retryAfterSeconds: number } | undefined;

  constructor(private readonly systemToken: (token: string) => SystemTokenFacts | undefined) {}

  closeAccount(accountId: string): void {
    this.#closed.add(accountId);
  }

  updateAccount(accountId: string, at = new Date()): void {
    this.#updated.set(accountId, at.getTime());
  }

  /** The next `requests` reports are answered 429 with this `Retry-After` (seconds). */
  rateLimit(requests: number, retryAfterSeconds: number): void {
    this.#limited = { remaining: requests, retryAfterSeconds };
  }

  handle(request: SimRequest): SimResponse {
    if (request.path !== REPORT_ACCOUNTS_PATH && request.path !== REPORT_ACCOUNTS_PATH.slice(0, -1)) return { status: 404, body: { message: 'Not found' } };
    if (request.method !== 'POST') return { status: 405, body: { message: 'Method not allowed' } };
    const token = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const facts = token ? this.systemToken(token) : undefined;
    if (!facts || facts.expiresAt < Date.now()) return { status: 401, body: { code: 401, message: 'Unauthorized' } };
    if (!facts.scopes.has(PERSONAL_DATA_SCOPE)) return { status: 403, body: { code: 403, message: `The token lacks the ${PERSONAL_DATA_SCOPE} scope` } };
    let raw: unknown;
    try {
      raw = JSON.parse(request.rawBody || 'null');
    } catch {
      return { status: 400, body: { message: 'Malformed JSON' } };
    }
    const parsed = reportSchema.safeParse(raw);
    if (!parsed.success) return { status: 400, body: { message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
    const accountIds = parsed.data.accounts.map((a) => a.accountId);
    if (this.#limited && this.#limited.remaining > 0) {
      this.#limited.remaining -= 1;
      this.reports.push({ installationId: facts.installationId, status: 429, accountIds });
      return { status: 429, headers: { 'retry-after': String(this.#limited.retryAfterSeconds) }, body: { message: 'Too many requests' } };
    }
    const answers = parsed.data.accounts.flatMap(({ accountId, updatedAt }): { accountId: string; status: 'closed' | 'updated' }[] => {
      if (this.#closed.has(accountId)) return [{ accountId, status: 'closed' }];
      const changed = this.#updated.get(accountId);
      return changed !== undefined && changed > Date.parse(updatedAt) ? [{ accountId, status: 'updated' }] : [];
    });
    const status = answers.length > 0 ? 200 : 204;
    this.reports.push({ installationId: facts.installationId, status, accountIds });
    return answers.length > 0 ? { status: 200, body: { accounts: answers } } : { status: 204 };
  }
}

/** What a scheduled trigger delivery needs from the Jira simulator (its FITs and system tokens). */
export interface TriggerIssuer {
  site(clientKey: string): { readonly cloudId: string };
  fit(clientKey: string, accountId: string | undefined, options: { trigger: true; moduleKey: string; expiresInSeconds?: number }): string;
  systemToken(clientKey: string, options: { scopes: readonly string[] }): string;
}

/**
 * Forge invoking a remote's scheduled trigger (https://developer.atlassian.com/platform/forge/remote/scheduled-triggers/):
 * a POST to the endpoint's route with a FIT without principal naming the trigger's module, the app
 * system token in `x-forge-oauth-system`, and the trigger request
 * (https://developer.atlassian.com/platform/forge/events-reference/scheduled-trigger/:
 * `{ context: { cloudId, moduleKey }, contextToken }`). Answers the app's status.
 */
export const deliverScheduledTrigger = async (
  issuer: TriggerIssuer,
  clientKey: string,
  url: string,
  options: { moduleKey: string; scopes: readonly string[]; fitExpiresInSeconds?: number },
): Promise<number> => {
  const { cloudId } = issuer.site(clientKey);
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${issuer.fit(clientKey, undefined, { trigger: true, moduleKey: options.moduleKey, ...(options.fitExpiresInSeconds ? { expiresInSeconds: options.fitExpiresInSeconds } : {}) })}`,
      'x-forge-oauth-system': issuer.systemToken(clientKey, { scopes: options.scopes }),
    },
    body: JSON.stringify({ context: { cloudId, moduleKey: options.moduleKey }, contextToken: randomBytes(16).toString('base64url') }),
  });
  await response.arrayBuffer();
  return response.status;
};
