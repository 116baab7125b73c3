import { AppError } from '../../../lambdas/domain/errors';
import { isTransientFailure, mapGitHubError } from '../../../lambdas/hosts/github/github-failure';
import { parseTokenExpiration, readTokenFacts } from '../../../lambdas/hosts/github/token-facts';

const NOW = new Date('2026-06-01T12:00:00Z');

/** The shape Octokit's RequestError has when GitHub answered. */
const answered = (status: number, headers: Record<string, string> = {}, data: unknown = { message: 'x' }): Error =>
  Object.assign(new Error('GitHub error'), { name: 'HttpError', status, response: { status, headers, data } });

const unanswered = (code: string): Error => Object.assign(new Error('socket'), { name: 'HttpError', status: 500, cause: Object.assign(new Error(code), { code }) });

describe('mapGitHubError', () => {
  it.each([
    [401, {}, 'SERVICE_CREDENTIAL_REJECTED', 'unauthorized'],
    [403, {}, 'NOT_FOUND', 'forbidden'],
    [404, {}, 'NOT_FOUND', 'not-found'],
    [301, {}, 'NOT_FOUND', 'not-found'],
    [409, {}, 'CONFLICT', 'conflict'],
    [400, {}, 'VALIDATION_FAILED', 'bad-request'],
    [500, {}, 'HOST_UNAVAILABLE', 'unavailable'],
    [429, {}, 'HOST_RATE_LIMITED', 'rate-limited'],
  ])('maps %i to %s', (status, headers, code, hostReason) => {
    expect(mapGitHubError(answered(status, headers), false, NOW)).toMatchObject({ code, hostReason });
  });

  it('reads Retry-After as seconds or as an HTTP date, and the reset of an exhausted primary limit', () => {
    expect(mapGitHubError(answered(429, { 'retry-after': '7' }), false, NOW).retryAfterSeconds).toBe(7);
    expect(mapGitHubError(answered(403, { 'retry-after': 'Mon, 01 Jun 2026 12:02:00 GMT' }), false, NOW).retryAfterSeconds).toBe(120);
    const reset = String(NOW.getTime() / 1000 + 90);
    expect(mapGitHubError(answered(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }), false, NOW)).toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 90 });
    expect(mapGitHubError(answered(429), false, NOW).retryAfterSeconds).toBe(60);
  });

  it('treats a 403 that names a secondary rate limit as one, even without headers', () => {
    const error = mapGitHubError(answered(403, {}, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes.' }), false, NOW);
    expect(error).toMatchObject({ code: 'HOST_RATE_LIMITED', retryAfterSeconds: 60 });
  });

  it('keeps a 403 with remaining requests a permission refusal', () => {
    expect(mapGitHubError(answered(403, { 'x-ratelimit-remaining': '4000' }), false, NOW)).toMatchObject({ code: 'NOT_FOUND', hostReason: 'forbidden' });
  });

  it('tells the 422s apart by GitHub\'s messages', () => {
    expect(mapGitHubError(answered(422, {}, { message: 'Reference already exists' }), false).code).toBe('CONFLICT');
    const duplicate = { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:x.' }] };
    expect(mapGitHubError(answered(422, {}, duplicate), false).code).toBe('CONFLICT');
    expect(mapGitHubError(answered(422, {}, { message: 'Reference does not exist' }), false).code).toBe('NOT_FOUND');
    const invalid = mapGitHubError(answered(422, {}, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', field: 'head', code: 'invalid' }] }), false);
    expect(invalid).toMatchObject({ code: 'VALIDATION_FAILED', hostReason: 'bad-request' });
  });

  it('reports timeouts (spent budget, abort, connect timeout) as HOST_TIMEOUT and lost connections as HOST_UNAVAILABLE', () => {
    expect(mapGitHubError(unanswered('ECONNRESET'), true).code).toBe('HOST_TIMEOUT');
    expect(mapGitHubError(Object.assign(new Error('aborted'), { name: 'AbortError' }), false).code).toBe('HOST_TIMEOUT');
    const connect = Object.assign(new Error('x'), { name: 'HttpError', status: 500, cause: Object.assign(new Error('slow'), { name: 'ConnectTimeoutError' }) });
    expect(mapGitHubError(connect, false)).toMatchObject({ code: 'HOST_TIMEOUT', status: 504 });
    expect(mapGitHubError(unanswered('ECONNREFUSED'), false)).toMatchObject({ code: 'HOST_UNAVAILABLE', status: 502 });
  });

  it('passes an AppError through untouched', () => {
    const original = new AppError('VALIDATION_FAILED', 'bad');
    expect(mapGitHubError(original, false)).toBe(original);
  });
});

describe('isTransientFailure', () => {
  it('retries 502, 503, 504 and resets, nothing else', () => {
    expect([502, 503, 504].map((status) => isTransientFailure(answered(status)))).toEqual([true, true, true]);
    expect([500, 429, 403, 404, 422].map((status) => isTransientFailure(answered(status)))).toEqual([false, false, false, false, false]);
    expect(isTransientFailure(unanswered('ECONNRESET'))).toBe(true);
    expect(isTransientFailure(unanswered('ECONNREFUSED'))).toBe(false);
  });
});

describe('token facts', () => {
  it('parses GitHub\'s expiration header, in UTC or with an offset', () => {
    expect(parseTokenExpiration('2026-12-31 00:00:00 UTC')).toBe('2026-12-31T00:00:00.000Z');
    expect(parseTokenExpiration('2026-12-31 00:00:00 -0800')).toBe('2026-12-31T08:00:00.000Z');
    expect(parseTokenExpiration('soon')).toBeUndefined();
  });

  it('reads scopes only when the header is there, and flags a missing repo scope', () => {
    expect(readTokenFacts({ 'x-oauth-scopes': 'repo, workflow' })).toMatchObject({ scopes: ['repo', 'workflow'], missingScopes: undefined });
    expect(readTokenFacts({ 'x-oauth-scopes': '' })).toMatchObject({ scopes: [], missingScopes: ['repo'] });
    expect(readTokenFacts({})).toEqual({ expiresAt: undefined });
  });
});
