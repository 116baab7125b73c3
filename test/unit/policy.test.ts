import { BUILT_IN_KINDS, TFS_VERSIONS, type ProviderKind, type TfsVersion } from '../../lambdas/domain/integration';
import { decideCredential, effectiveRequirement, tokenStatus, type CredentialDecision } from '../../lambdas/domain/policy';
import type { StoredTokenStatus } from '../../lambdas/domain/records';

const now = new Date('2026-11-25T12:00:00Z');
const tokens: Record<string, { status: StoredTokenStatus; expiresAt?: string } | undefined> = {
  missing: undefined,
  valid: { status: 'valid' },
  'valid, expires in 30 days': { status: 'valid', expiresAt: '2026-12-25T12:00:00Z' },
  'valid, expires in 2 days': { status: 'valid', expiresAt: '2026-11-27T12:00:00Z' },
  'stored valid but past expiry': { status: 'valid', expiresAt: '2026-11-25T11:59:59Z' },
  'marked expiring': { status: 'expiring', expiresAt: '2026-11-28T00:00:00Z' },
  'marked expired': { status: 'expired', expiresAt: '2026-11-20T00:00:00Z' },
  'marked invalid': { status: 'invalid' },
  'marked invalid, far expiry': { status: 'invalid', expiresAt: '2027-11-20T00:00:00Z' },
  // Refused by its host around its expiry (marked invalid), then past it: expired, as every page says.
  'marked invalid, past expiry': { status: 'invalid', expiresAt: '2026-11-25T11:00:00Z' },
};
const expectedForToken: Record<string, CredentialDecision> = {
  missing: { kind: 'refused', code: 'PAT_REQUIRED' },
  valid: { kind: 'user-pat' },
  'valid, expires in 30 days': { kind: 'user-pat' },
  'valid, expires in 2 days': { kind: 'user-pat' },
  'stored valid but past expiry': { kind: 'refused', code: 'PAT_EXPIRED' },
  'marked expiring': { kind: 'user-pat' },
  'marked expired': { kind: 'refused', code: 'PAT_EXPIRED' },
  'marked invalid': { kind: 'refused', code: 'PAT_INVALID' },
  'marked invalid, far expiry': { kind: 'refused', code: 'PAT_INVALID' },
  'marked invalid, past expiry': { kind: 'refused', code: 'PAT_EXPIRED' },
};

const hosts: { provider: ProviderKind; tfsVersion?: TfsVersion }[] = [
  ...BUILT_IN_KINDS.filter((p) => p !== 'tfs').map((provider) => ({ provider })),
  ...TFS_VERSIONS.map((tfsVersion) => ({ provider: 'tfs' as const, tfsVersion })),
];

describe('the Require User PAT policy (DESIGN §3), every combination', () => {
  const cases = hosts.flatMap((host) =>
    [true, false].flatMap((integration) =>
      [true, false, null, undefined].flatMap((override) => Object.keys(tokens).map((token) => ({ ...host, integration, override, token }))),
    ),
  );

  it('covers every combination of setting, override, token state and host version', () => {
    expect(cases).toHaveLength(14 * 2 * 4 * Object.keys(tokens).length);
  });

  it.each(cases)('$provider $tfsVersion integration=$integration override=$override token=$token', ({ provider, tfsVersion, integration, override, token }) => {
    const decision = decideCredential({ provider, tfsVersion, integrationRequiresUserPat: integration, repositoryOverride: override, token: tokens[token], now });
    const required = override ?? integration;
    if (!required) return expect(decision).toEqual({ kind: 'service-account' });
    if (provider === 'tfs' && (tfsVersion === '2013' || tfsVersion === '2015')) return expect(decision).toEqual({ kind: 'refused', code: 'PAT_NOT_SUPPORTED' });
    return expect(decision).toEqual(expectedForToken[token]);
  });
});

describe('effectiveRequirement', () => {
  it('lets the repository override win and null inherit', () => {
    expect(effectiveRequirement(false, true)).toBe(true);
    expect(effectiveRequirement(true, false)).toBe(false);
    expect(effectiveRequirement(true, null)).toBe(true);
    expect(effectiveRequirement(false, undefined)).toBe(false);
  });
});

describe('tokenStatus', () => {
  it('derives expiring within 7 days and expired at the instant of expiry', () => {
    expect(tokenStatus({ status: 'valid', expiresAt: '2026-12-02T12:00:00Z' }, now)).toBe('expiring');
    expect(tokenStatus({ status: 'valid', expiresAt: '2026-12-02T12:00:01Z' }, now)).toBe('valid');
    expect(tokenStatus({ status: 'valid', expiresAt: now.toISOString() }, now)).toBe('expired');
    expect(tokenStatus(undefined, now)).toBe('missing');
  });
});
