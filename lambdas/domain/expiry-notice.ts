import { EXPIRING_WINDOW_MS } from './policy';

const DAY_MS = 24 * 3600 * 1000;

/** When a user's token expires, as the readiness and `GET /api/me/integrations` answers tell it. */
export interface ExpiryNotice {
  /** Whole days left before the token expires (0: within the next 24 hours). Absent when it never expires or already has. */
  readonly expiresInDays?: number;
  /** A sentence for the user, present when the token expires within 7 days (the `expiring` window). */
  readonly warning?: string;
}

/**
 * The notice for a token with this expiry, seen at `now`. Uses the same 7-day window as the token
 * status `expiring` (policy.ts), so a warning and that status always come together.
 */
export const expiryNotice = (expiresAt: string | undefined, now: Date, integrationName: string): ExpiryNotice => {
  if (!expiresAt) return {};
  const left = Date.parse(expiresAt) - now.getTime();
  if (!Number.isFinite(left) || left <= 0) return {};
  const expiresInDays = Math.floor(left / DAY_MS);
  if (left > EXPIRING_WINDOW_MS) return { expiresInDays };
  const when = expiresInDays === 0 ? 'within a day' : `in ${expiresInDays} day${expiresInDays === 1 ? '' : 's'}`;
  return {
    expiresInDays,
    warning: `Your token for ${integrationName} expires ${when} (${new Date(expiresAt).toISOString().slice(0, 10)}). Create a new one on the host and save it in your personal settings.`,
  };
};
