import { tokenStatus } from '../domain/policy';
import type { StoredTokenStatus } from '../domain/records';
import type { TokenEventType } from './event-sink';

export interface ExpiryTransition {
  readonly status: Extract<StoredTokenStatus, 'expiring' | 'expired'>;
  readonly event: Extract<TokenEventType, 'Token Expiring' | 'Token Expired'>;
}

/**
 * The status change a token with an expiry is due, if any. Each status is entered once, so each event
 * is owed once: `valid → expiring → expired` (or straight to expired); `invalid` and `expired` stay.
 */
export const expiryTransition = (token: { status: StoredTokenStatus; expiresAt?: string }, now: Date): ExpiryTransition | undefined => {
  if (!token.expiresAt || token.status === 'invalid' || token.status === 'expired') return undefined;
  const due = tokenStatus({ status: 'valid', expiresAt: token.expiresAt }, now);
  if (due === 'expired') return { status: 'expired', event: 'Token Expired' };
  if (due === 'expiring' && token.status === 'valid') return { status: 'expiring', event: 'Token Expiring' };
  return undefined;
};
