import { generateKeyPairSync } from 'node:crypto';
import { AsymmetricAlgorithm, createQueryStringHash, decodeSymmetric, encodeAsymmetric, encodeSymmetric, SymmetricAlgorithm } from 'atlassian-jwt';
import fc from 'fast-check';
import { queryStringHash, signAppRequest, verifyAsymmetric, verifySymmetric, type SignedRequest } from '../../lambdas/jira/connect-jwt';

/**
 * patgate computes Connect's JWTs itself (lambdas/jira/connect-jwt.ts: node:crypto, no library in
 * the Lambda bundle). atlassian-jwt, Atlassian's own implementation and the one the Jira simulator
 * signs with, is the reference here: the query string hash must agree with it on any request, and
 * tokens must cross between the two both ways.
 */

/** How patgate called atlassian-jwt before (the raw query parsed keeping repeated values). */
const referenceHash = (request: SignedRequest, baseUrl?: string): string => {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams((request.rawQuery ?? '').replace(/^\?/, ''))) {
    if (key === '__proto__') continue;
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const pathname = new URL(request.path, 'http://qsh.invalid').pathname;
  return createQueryStringHash({ method: request.method.toUpperCase(), pathname, query }, false, baseUrl);
};

const pieces = fc.oneof(
  fc.constantFrom('a', 'b', 'jwt', 'A', 'z', '__proto__', 'x y', 'a+b', 'ä', '!', "'", '(', ')', '*', '~', '-', '_', '.', '%', '%20', '&', '=', ',', '/', '?', '#', '😀', ''),
  fc.string({ maxLength: 6 }),
);
const rawQuery = fc
  .array(fc.tuple(pieces, pieces), { maxLength: 6 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const rawQueryLoose = fc.array(fc.constantFrom('a=1', 'a=2', 'b', 'c=', '=d', 'e=%41', 'f=+', 'g=%2B', 'h=a,b', 'jwt=x', 'a=1&a=0', '&&'), { maxLength: 6 }).map((parts) => parts.join('&'));
const path = fc.oneof(
  fc.constantFrom('/', '/rest/api/3/issue/PROJ-1', '/jira/rest/api/3/x/', '/a&b', '/a%26b', '/wiki/x', '/api/git/branches', '//x', '/%7Euser', '/a b', '/ä', '//a', '/jira', '/jira//x', '/wiki'),
  fc.array(pieces, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.map(encodeURIComponent).join('/')}`),
);
const method = fc.constantFrom('GET', 'post', 'PUT', 'DELETE', 'patch');
const baseUrl = fc.constantFrom(undefined, 'https://site.atlassian.net', 'https://site.atlassian.net/', 'https://example.com/jira', 'https://example.com/jira/', 'https://example.com/wiki');

describe('Connect JWTs against atlassian-jwt (the reference)', () => {
  it('computes the same query string hash for any method, path, query and site context path', () => {
    fc.assert(
      fc.property(method, path, fc.oneof(rawQuery, rawQueryLoose), baseUrl, (m, p, q, base) => {
        const request: SignedRequest = { method: m, path: p, rawQuery: q };
        // A path no URL parser takes (`//`) fails both ways alike.
        const outcome = (hash: () => string): string => {
          try {
            return hash();
          } catch (error) {
            return `throws ${(error as Error).name}`;
          }
        };
        expect(outcome(() => queryStringHash(request, base))).toBe(outcome(() => referenceHash(request, base)));
      }),
      { numRuns: 5000 },
    );
  });

  it('signs requests that atlassian-jwt verifies, with the claims Jira expects', () => {
    const request: SignedRequest = { method: 'GET', path: '/rest/api/3/issue/PROJ-1', rawQuery: 'fields=summary&expand=names' };
    const token = signAppRequest('patgate-app', 'shared-secret-1', request, 'https://site.atlassian.net', 1_900_000_000);
    expect(decodeSymmetric(token, 'shared-secret-1', SymmetricAlgorithm.HS256)).toEqual({ iss: 'patgate-app', iat: 1_900_000_000, exp: 1_900_000_180, qsh: referenceHash(request, 'https://site.atlassian.net') });
    expect(token).toBe(encodeSymmetric({ iss: 'patgate-app', iat: 1_900_000_000, exp: 1_900_000_180, qsh: referenceHash(request, 'https://site.atlassian.net') }, 'shared-secret-1'));
    expect(() => decodeSymmetric(token, 'another-secret', SymmetricAlgorithm.HS256)).toThrow();
  });

  it('verifies what atlassian-jwt signs, and nothing signed with another secret or key', () => {
    const claims = { iss: 'client-1', sub: 'account-1', exp: 1_900_000_000, qsh: 'x' };
    const hs = encodeSymmetric(claims, 'shared-secret-1');
    expect(verifySymmetric(hs, 'shared-secret-1')).toEqual(claims);
    expect(() => verifySymmetric(hs, 'shared-secret-2')).toThrow(/signature does not verify/);
    expect(() => verifySymmetric(encodeSymmetric(claims, 'shared-secret-1', SymmetricAlgorithm.HS512), 'shared-secret-1')).toThrow(/HS512 is not accepted/);

    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = (key: typeof publicKey): string => key.export({ type: 'spki', format: 'pem' }).toString();
    const rs = encodeAsymmetric(claims, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), AsymmetricAlgorithm.RS256, { kid: 'k1' });
    expect(verifyAsymmetric(rs, pem(publicKey))).toEqual(claims);
    expect(() => verifyAsymmetric(rs, pem(other.publicKey))).toThrow(/install signature does not verify/);
    expect(() => verifyAsymmetric(rs, 'not a key')).toThrow(/install signature does not verify/);
    expect(() => verifyAsymmetric(hs, pem(publicKey))).toThrow(/not signed with RS256/);
  });
});
