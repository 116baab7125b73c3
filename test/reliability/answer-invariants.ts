import type { CallResult } from '../support/harness';
import type { TableChanges } from './table-snapshot';

const excerpt = (res: CallResult): string => `${res.status} ${res.headers.get('content-type') ?? '(no content-type)'} ${res.text.slice(0, 300)}`;

/**
 * What every answer of the API keeps to, whatever was sent: never a 5xx, and every refusal an
 * RFC 9457 problem+json whose `code` and `status` agree with the HTTP status.
 */
export const expectWellFormedAnswer = (res: CallResult, what: string): void => {
  if (res.status >= 500) throw new Error(`${what}: answered a server error: ${excerpt(res)}`);
  if (res.status < 300) return;
  if (!/^application\/problem\+json\b/.test(res.headers.get('content-type') ?? '')) throw new Error(`${what}: refusal is not problem+json: ${excerpt(res)}`);
  if (typeof res.body.code !== 'string' || !/^[A-Z_]+$/.test(res.body.code)) throw new Error(`${what}: problem has no code: ${excerpt(res)}`);
  if (res.body.status !== res.status) throw new Error(`${what}: problem status ${String(res.body.status)} differs from HTTP ${res.status}`);
};

/**
 * A refused request changes nothing, except the audit entry a refused or failed git action
 * leaves behind on purpose (it must say so, with the same code the caller got), with its copy for
 * the integration filter and the actor's user marker, which names the account in the tenant
 * partition for the personal data report (store/audit-store.ts, docs/privacy.md).
 */
export const expectOnlyRefusalRecorded = (changes: TableChanges, res: CallResult, what: string): void => {
  const unexpected = [
    ...changes.removed.map((key) => `removed ${key}`),
    ...changes.changed.map((key) => `changed ${key}`),
    ...changes.added
      .filter((item) => !((item.type === 'audit' || item.type === 'audit-copy') && (item.outcome === 'refused' || item.outcome === 'failed') && item.code === res.body.code))
      .filter((item) => !(item.type === 'user-marker' && changes.added.some((entry) => entry.type === 'audit' && typeof item.SK === 'string' && item.SK === `USER#${String(entry.actorAccountId)}`)))
      .map((item) => `added ${String(item.PK)} | ${String(item.SK)} (${String(item.type)} ${String(item.outcome ?? '')})`),
  ];
  if (unexpected.length) throw new Error(`${what}: refused with ${res.status} ${String(res.body.code)} but the table changed: ${unexpected.join('; ')}`);
};
