import { serviceCredentialTransition, warningDue, type ServiceCredentialWarning } from '../../lambdas/expiry/service-credential-warning';

const NOW = new Date('2030-03-10T12:00:00.000Z');
const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const inMs = (ms: number): string => new Date(NOW.getTime() + ms).toISOString();

describe('service credential warning levels (docs/architecture.md §7)', () => {
  it.each([
    [31 * DAY, undefined],
    [30 * DAY + 1, undefined],
    [30 * DAY, '30d'],
    [8 * DAY, '30d'],
    [7 * DAY, '7d'],
    [DAY + HOUR, '7d'],
    [DAY, '1d'],
    [1, '1d'],
    [0, 'expired'],
    [-40 * DAY, 'expired'],
  ] as const)('%d ms before expiry the level due is %s', (left, level) => {
    expect(warningDue(inMs(left), NOW)).toBe(level);
  });

  it.each([
    [undefined, 20 * DAY, { warning: '30d', event: 'Service Credential Expiring' }],
    [undefined, 5 * DAY, { warning: '7d', event: 'Service Credential Expiring' }],
    [undefined, -HOUR, { warning: 'expired', event: 'Service Credential Expired' }],
    ['30d', 20 * DAY, undefined],
    ['30d', 2 * DAY, { warning: '7d', event: 'Service Credential Expiring' }],
    ['7d', 2 * DAY, undefined],
    ['7d', HOUR, { warning: '1d', event: 'Service Credential Expiring' }],
    ['1d', -HOUR, { warning: 'expired', event: 'Service Credential Expired' }],
    ['expired', -DAY, undefined],
    // A level already past is never sent again, even if the clock were to go back.
    ['7d', 20 * DAY, undefined],
  ] as const)('warned %s, %d ms left: owes %o', (warned: ServiceCredentialWarning | undefined, left, owed) => {
    expect(serviceCredentialTransition({ expiresAt: inMs(left), ...(warned ? { warned } : {}) }, NOW)).toEqual(owed);
  });

  it('an unreadable expiry owes nothing', () => {
    expect(serviceCredentialTransition({ expiresAt: 'not a date' }, NOW)).toBeUndefined();
  });
});
