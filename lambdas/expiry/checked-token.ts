import { TOKEN_STATUSES, type StoredCredential, type StoredTokenStatus } from '../domain/records';
import { parseStoredCredential } from '../domain/stored-credential';
import { isTokenEventType, type TokenEventType } from './event-sink';

/** What the checker needs of a user-token item, including the index attributes TokenStore's `toToken` drops. */
export interface CheckedToken {
  readonly tenant: string;
  readonly accountId: string;
  readonly integrationId: string;
  readonly credential: StoredCredential;
  readonly status: StoredTokenStatus;
  readonly version: number;
  readonly expiresAt?: string;
  readonly reverifyDay?: string;
  /** Set with a status change, removed once its event is accepted: the outbox of one event. */
  readonly eventPendingFor?: TokenEventType;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** Parses one index item (unknown at the edge); undefined for anything that is not a well-formed user token. */
export const toCheckedToken = (item: Record<string, unknown>): CheckedToken | undefined => {
  const tenant = text(item.tenant);
  const accountId = text(item.accountId);
  const integrationId = text(item.integrationId);
  const credential = parseStoredCredential(item.credential);
  const status = TOKEN_STATUSES.find((s) => s === item.status);
  const version = item.version;
  if (item.type !== 'user-token' || !tenant || !accountId || !integrationId || !credential || !status || typeof version !== 'number') return undefined;
  const expiresAt = text(item.expiresAt);
  const reverifyDay = text(item.reverifyDay);
  return {
    tenant,
    accountId,
    integrationId,
    credential,
    status,
    version,
    ...(expiresAt ? { expiresAt } : {}),
    ...(reverifyDay ? { reverifyDay } : {}),
    ...(isTokenEventType(item.eventPendingFor) ? { eventPendingFor: item.eventPendingFor } : {}),
  };
};
