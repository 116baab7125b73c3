import { expiryNotice } from '../../lambdas/domain/expiry-notice';
import { tokenStatus } from '../../lambdas/domain/policy';

const DAY = 24 * 3600 * 1000;
const now = new Date('2026-12-01T12:00:00.000Z');
const at = (ms: number) => new Date(now.getTime() + ms).toISOString();

describe('expiryNotice', () => {
  it('no expiry, or already expired: nothing to tell', () => {
    expect(expiryNotice(undefined, now, 'GitHub')).toEqual({});
    expect(expiryNotice(at(0), now, 'GitHub')).toEqual({});
    expect(expiryNotice(at(-DAY), now, 'GitHub')).toEqual({});
    expect(expiryNotice('not a date', now, 'GitHub')).toEqual({});
  });

  it('more than 7 days left: the whole days left, no warning', () => {
    expect(expiryNotice(at(30 * DAY), now, 'GitHub')).toEqual({ expiresInDays: 30 });
    expect(expiryNotice(at(7 * DAY + 1), now, 'GitHub')).toEqual({ expiresInDays: 7 });
  });

  it('within 7 days: a warning naming the integration, the days and the date; the same window as the status `expiring`', () => {
    for (const left of [7 * DAY, 3 * DAY + 3600_000, DAY, DAY - 1, 60_000]) {
      const notice = expiryNotice(at(left), now, 'GitHub Acme');
      expect(notice.warning).toEqual(expect.stringContaining('Your token for GitHub Acme expires'));
      expect(tokenStatus({ status: 'valid', expiresAt: at(left) }, now)).toBe('expiring');
    }
    expect(tokenStatus({ status: 'valid', expiresAt: at(7 * DAY + 1) }, now)).toBe('valid');
    expect(expiryNotice(at(3 * DAY + 3600_000), now, 'GitHub')).toEqual({
      expiresInDays: 3,
      warning: 'Your token for GitHub expires in 3 days (2026-12-04). Create a new one on the host and save it in your personal settings.',
    });
    expect(expiryNotice(at(DAY), now, 'GitHub')).toMatchObject({ expiresInDays: 1, warning: expect.stringContaining('expires in 1 day (2026-12-02)') });
    expect(expiryNotice(at(3600_000), now, 'GitHub')).toMatchObject({ expiresInDays: 0, warning: expect.stringContaining('expires within a day') });
  });
});
