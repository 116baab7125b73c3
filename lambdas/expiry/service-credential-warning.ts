import type { ServiceCredentialEventType } from './event-sink';

const DAY_MS = 24 * 3600 * 1000;

/**
 * When the admins hear about a service credential's expiry (docs/architecture.md §7): 30, 7 and 1 day
 * before, and once it has expired. Earlier than users' 7 days: without Require User PAT every action
 * of the integration runs on it, and a new one may need the host's administrators.
 */
export const SERVICE_CREDENTIAL_WARNING_DAYS = [30, 7, 1] as const;

/** A warning level, least urgent first: `30d`, `7d`, `1d`, then `expired`. */
export const SERVICE_CREDENTIAL_WARNINGS = [...SERVICE_CREDENTIAL_WARNING_DAYS.map((days) => `${days}d` as const), 'expired'] as const;
export type ServiceCredentialWarning = (typeof SERVICE_CREDENTIAL_WARNINGS)[number];

export const isServiceCredentialWarning = (value: unknown): value is ServiceCredentialWarning =>
  SERVICE_CREDENTIAL_WARNINGS.includes(value as ServiceCredentialWarning);

const urgency = (warning: ServiceCredentialWarning | undefined): number => (warning === undefined ? -1 : SERVICE_CREDENTIAL_WARNINGS.indexOf(warning));

/** The most urgent level reached at `now`, or undefined while more than 30 days are left. */
export const warningDue = (expiresAt: string, now: Date): ServiceCredentialWarning | undefined => {
  const left = Date.parse(expiresAt) - now.getTime();
  if (!Number.isFinite(left)) return undefined;
  if (left <= 0) return 'expired';
  const days = [...SERVICE_CREDENTIAL_WARNING_DAYS].reverse().find((d) => left <= d * DAY_MS);
  return days === undefined ? undefined : `${days}d`;
};

export interface ServiceCredentialTransition {
  readonly warning: ServiceCredentialWarning;
  readonly event: ServiceCredentialEventType;
}

/**
 * The warning owed, if any: each level once, and only the most urgent one reached (a credential saved
 * with 5 days left is warned at `7d`, never at `30d` as well); a level already warned is never repeated.
 */
export const serviceCredentialTransition = (entry: { readonly expiresAt: string; readonly warned?: ServiceCredentialWarning }, now: Date): ServiceCredentialTransition | undefined => {
  const due = warningDue(entry.expiresAt, now);
  if (due === undefined || urgency(due) <= urgency(entry.warned)) return undefined;
  return { warning: due, event: due === 'expired' ? 'Service Credential Expired' : 'Service Credential Expiring' };
};

/** Whole days left (0: within the next 24 hours); undefined once expired. */
export const expiresInDays = (expiresAt: string, now: Date): number | undefined => {
  const left = Date.parse(expiresAt) - now.getTime();
  return Number.isFinite(left) && left > 0 ? Math.floor(left / DAY_MS) : undefined;
};

/** How far ahead the checker reads service credentials: the earliest warning. */
export const SERVICE_CREDENTIAL_WINDOW_DAYS = Math.max(...SERVICE_CREDENTIAL_WARNING_DAYS);

/** How far back it still reads them, so an `expired` warning survives a checker outage of up to a week. */
export const SERVICE_CREDENTIAL_EXPIRED_LOOKBACK_DAYS = 7;
