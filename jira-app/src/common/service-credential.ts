/**
 * What the admin page says of an integration's service credential as its expiry nears
 * (docs/architecture.md §7): the expiry checker warns the operators 30, 7 and 1 day before and once it
 * has expired; the admin table says the same to the Jira admin who can replace it. Hosts that report no
 * expiry (Azure DevOps, TFS, CodeCommit keys) never show one.
 */
export const SERVICE_CREDENTIAL_NOTICE_DAYS = 30;

const DAY_MS = 86_400_000;

export interface ServiceCredentialNotice {
  readonly text: string;
  readonly appearance: 'moved' | 'removed';
}

export const serviceCredentialNotice = (expiresAt: string | undefined, now: Date): ServiceCredentialNotice | undefined => {
  if (!expiresAt) return undefined;
  const left = Date.parse(expiresAt) - now.getTime();
  if (Number.isNaN(left)) return undefined;
  if (left <= 0) return { text: 'service credential expired', appearance: 'removed' };
  const days = Math.floor(left / DAY_MS);
  if (days >= SERVICE_CREDENTIAL_NOTICE_DAYS) return undefined;
  if (days === 0) return { text: 'service credential expires today', appearance: 'moved' };
  return { text: `service credential expires in ${days} day${days === 1 ? '' : 's'}`, appearance: 'moved' };
};
