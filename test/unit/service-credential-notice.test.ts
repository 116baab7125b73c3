import { SERVICE_CREDENTIAL_NOTICE_DAYS, serviceCredentialNotice } from '../../jira-app/src/common/service-credential';
import { SERVICE_CREDENTIAL_WARNING_DAYS } from '../../lambdas/expiry/service-credential-warning';

describe('the admin table\'s service credential notice', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  const inDays = (days: number): string => new Date(now.getTime() + days * 86_400_000).toISOString();

  it('starts with the expiry checker\'s first warning', () => {
    expect(SERVICE_CREDENTIAL_NOTICE_DAYS).toBe(Math.max(...SERVICE_CREDENTIAL_WARNING_DAYS));
  });

  it('says nothing for a credential without expiry, or one far from it', () => {
    expect(serviceCredentialNotice(undefined, now)).toBeUndefined();
    expect(serviceCredentialNotice(inDays(30.5), now)).toBeUndefined();
    expect(serviceCredentialNotice('not a date', now)).toBeUndefined();
  });

  it('counts the whole days left within 30 days, and says expired once past', () => {
    expect(serviceCredentialNotice(inDays(29.9), now)).toEqual({ text: 'service credential expires in 29 days', appearance: 'moved' });
    expect(serviceCredentialNotice(inDays(1.2), now)?.text).toBe('service credential expires in 1 day');
    expect(serviceCredentialNotice(inDays(0.3), now)?.text).toBe('service credential expires today');
    expect(serviceCredentialNotice(inDays(-0.01), now)).toEqual({ text: 'service credential expired', appearance: 'removed' });
  });
});
