import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { queryStringHash, type SignedRequest } from '../../lambdas/jira/connect-jwt';

/** The genuine parts a forger starts from; every arbitrary below breaks at least one. */
export interface JwtMaterial {
  readonly clientKey: string;
  readonly sharedSecret: string;
  readonly accountId: string;
  /** An installed tenant other than `clientKey`. */
  readonly otherClientKey: string;
  readonly otherSharedSecret: string;
  /** The key id the Jira simulator's install key is served under. */
  readonly installKid: string;
  readonly nowSeconds: () => number;
}

const segment = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const signHs256 = (header: unknown, claims: unknown, secret: string | Buffer): string => {
  const head = `${segment(header)}.${segment(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
};

const { privateKey: strangerKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const signRs256 = (header: unknown, claims: unknown): string => {
  const head = `${segment(header)}.${segment(claims)}`;
  return `${head}.${createSign('RSA-SHA256').update(head).sign(strangerKey).toString('base64url')}`;
};

export const validClaims = (m: JwtMaterial, request: SignedRequest): Record<string, unknown> => ({
  iss: m.clientKey,
  sub: m.accountId,
  iat: m.nowSeconds(),
  exp: m.nowSeconds() + 300,
  qsh: queryStringHash(request),
});

const HS256 = { alg: 'HS256', typ: 'JWT' };

/** Claims with exactly one thing wrong: issuer, subject, expiry or query-string hash. */
const brokenClaims = (m: JwtMaterial, request: SignedRequest): fc.Arbitrary<Record<string, unknown>> => {
  const valid = validClaims(m, request);
  const without = (name: string): Record<string, unknown> => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== name));
  return fc.oneof(
    fc.constantFrom<unknown>('jira:not-installed', '', 42, null, ['a'], 'x'.repeat(300), m.otherClientKey).map((iss) => ({ ...valid, iss })),
    fc.constant(without('iss')),
    fc.constantFrom<unknown>('', 'has space', 'a#b', 'x'.repeat(129), 7, null, '../admin').map((sub) => ({ ...valid, sub })),
    fc.constant(without('sub')),
    fc.integer({ min: 1, max: 10 ** 6 }).map((ago) => ({ ...valid, exp: m.nowSeconds() - ago })),
    fc.constantFrom<unknown>('9999999999', null, true, {}, Number.NaN).map((exp) => ({ ...valid, exp })),
    fc.constant(without('exp')),
    fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom<unknown>('', 'context-qsh-x', 1, null)).map((qsh) => ({ ...valid, qsh })),
    fc.constant({ ...valid, qsh: queryStringHash({ ...request, path: `${request.path}/x` }) }),
    fc.constant({ ...valid, qsh: queryStringHash({ ...request, method: request.method === 'GET' ? 'POST' : 'GET' }) }),
    fc.constant({ ...valid, qsh: queryStringHash({ ...request, query: { ...request.query, extra: '1' } }) }),
    fc.constant(without('qsh')),
  );
};

/** Secrets that are not this tenant's (the other tenant's too, whose iss stays this tenant's). */
const wrongSecret = (m: JwtMaterial): fc.Arbitrary<string | Buffer> =>
  fc.oneof(
    fc.constantFrom<string | Buffer>('', 'secret', m.otherSharedSecret, m.sharedSecret.slice(1), `${m.sharedSecret} `, Buffer.from(m.sharedSecret, 'base64url')),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
  );

/** Headers whose algorithm is not HS256, or whose header is not JSON at all. */
const wrongHeader = fc.oneof(
  fc.constantFrom<unknown>({ alg: 'none' }, { alg: 'None', typ: 'JWT' }, { alg: 'HS512' }, { alg: 'hs256' }, { alg: 'RS256' }, { alg: 'ES256' }, { typ: 'JWT' }, { alg: ['HS256'] }, {}, [], 'HS256', null),
);

const mangle = (token: string, at: number, replacement: string): string => `${token.slice(0, at)}${replacement}${token.slice(at + 1)}`;

/**
 * Whether a tampered token still says what the genuine one says: a segment's last base64url character
 * carries unused low bits, so some one-character changes decode to the very same bytes (a genuine
 * token, not a forgery).
 */
const sameBytes = (token: string, genuine: string): boolean => {
  const decoded = (t: string) => t.split('.').map((part) => Buffer.from(part, 'base64url').toString('hex'));
  return decoded(token).join('.') === decoded(genuine).join('.');
};

/**
 * An Authorization header that must not authenticate `request`: garbage, a truncated or tampered
 * genuine token, wrong algorithms, wrong claims (iss, sub, exp, qsh), other secrets, forged RS256.
 */
export const forgedAuthorization = (m: JwtMaterial, request: SignedRequest): fc.Arbitrary<string> => {
  const genuine = signHs256(HS256, validClaims(m, request), m.sharedSecret);
  const token: fc.Arbitrary<string> = fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((text) => text.replace(/[^\x21-\x7e]/g, '')),
    fc.tuple(fc.base64String({ maxLength: 40 }), fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 50 })).map((parts) => parts.join('.')),
    fc.integer({ min: 0, max: genuine.length - 1 }).map((n) => genuine.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: genuine.length - 1 }), fc.constantFrom('A', 'B', '_', '-', '.')).map(([at, c]) => mangle(genuine, at, c)).filter((t) => !sameBytes(t, genuine)),
    fc.constant(`${genuine}.extra`),
    fc.constant(genuine.split('.').slice(0, 2).join('.') + '.'),
    brokenClaims(m, request).map((claims) => signHs256(HS256, claims, m.sharedSecret)),
    wrongSecret(m).map((secret) => signHs256(HS256, validClaims(m, request), secret)),
    wrongHeader.map((header) => signHs256(header, validClaims(m, request), m.sharedSecret)),
    wrongHeader.map((header) => `${segment(header)}.${segment(validClaims(m, request))}.`),
    fc.constantFrom(m.installKid, 'unknown-kid', '..', '.', 'a'.repeat(128)).map((kid) => signRs256({ alg: 'RS256', kid }, validClaims(m, request))),
    fc.constant(signHs256(HS256, { ...validClaims(m, request), iss: m.otherClientKey }, m.sharedSecret)),
  );
  const scheme = fc.constantFrom('JWT ', 'Bearer ', 'jwt ', 'JWT  ', 'Basic ', 'JWT=', '', 'Token ');
  return fc.oneof(
    { weight: 8, arbitrary: token.map((t) => `JWT ${t}`) },
    { weight: 2, arbitrary: fc.tuple(scheme, token).map(([s, t]) => `${s}${t}`) },
    { weight: 1, arbitrary: fc.constantFrom('JWT', 'Bearer', `JWT ${genuine} ${genuine}`, `Basic ${Buffer.from('admin:admin').toString('base64')}`) },
  ).filter((header) => header.trim() !== '' && header !== `JWT ${genuine}` && header !== `Bearer ${genuine}`);
};

/** The genuine parts a FIT forger starts from (a FIT the simulated Forge minted for the fuzzing account). */
export interface FitMaterial {
  /** Header and claims of a genuine FIT. */
  readonly header: Record<string, unknown>;
  readonly claims: Record<string, unknown>;
  readonly genuine: string;
  readonly nowSeconds: () => number;
}

export const fitMaterialOf = (genuine: string, nowSeconds: () => number): FitMaterial => {
  const [header, claims] = genuine.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
  return { header: header ?? {}, claims: claims ?? {}, genuine, nowSeconds };
};

/**
 * A Forge Invocation Token that must not authenticate: each keeps a genuine-looking shape and
 * breaks one check of the Forge Remote contract (signature, algorithm, key id, issuer, audience,
 * expiry, installation, principal, API base URL), or is a truncated or tampered genuine FIT.
 */
export const forgedFit = (m: FitMaterial): fc.Arbitrary<string> => {
  const app = m.claims.app as Record<string, unknown>;
  const claims = fc.oneof(
    fc.constantFrom<unknown>('forge/invocation', 'Forge/invocation-token', '', null, 42).map((iss) => ({ ...m.claims, iss })),
    fc.constantFrom<unknown>('ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000', '', null, [], 'patgate').map((aud) => ({ ...m.claims, aud })),
    fc.integer({ min: 10, max: 10 ** 6 }).map((ago) => ({ ...m.claims, exp: m.nowSeconds() - ago })),
    fc.constantFrom<unknown>('9999999999', null, {}).map((exp) => ({ ...m.claims, exp })),
    fc.constantFrom<unknown>('ari:cloud:ecosystem::installation/not-installed', '', 7, '../x').map((installationId) => ({ ...m.claims, app: { ...app, installationId } })),
    fc.constantFrom<unknown>('https://evil.example.com/ex/jira/1', 'http://api.atlassian.com/ex/jira/1', 'https://api.atlassian.com.evil.com/x', '', null).map((apiBaseUrl) => ({ ...m.claims, app: { ...app, apiBaseUrl } })),
    fc.constantFrom<unknown>(undefined, '', 'has space', 5).map((principal) => ({ ...m.claims, principal })),
  );
  const rs256 = (header: Record<string, unknown>, body: unknown): string => signRs256(header, body);
  const token: fc.Arbitrary<string> = fc.oneof(
    // Claims changed under a key outside the JWKS, with the genuine kid or another.
    claims.map((c) => rs256(m.header, c)),
    fc.constantFrom(String(m.header.kid), 'unknown-kid', '', 'a'.repeat(200)).map((kid) => rs256({ ...m.header, kid }, m.claims)),
    // Algorithm confusion and unsigned tokens.
    fc.constantFrom<unknown>({ alg: 'none' }, { alg: 'HS256', kid: m.header.kid }, { alg: 'RS512', kid: m.header.kid }, { alg: 'ES256', kid: m.header.kid }, {}).map((header) => signHs256(header, m.claims, String(m.header.kid))),
    fc.constant(`${segment({ alg: 'none', typ: 'JWT' })}.${segment(m.claims)}.`),
    // Truncated and tampered genuine tokens.
    fc.integer({ min: 0, max: m.genuine.length - 2 }).map((n) => m.genuine.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: m.genuine.length - 1 }), fc.constantFrom('A', 'B', '_', '-')).map(([at, c]) => mangle(m.genuine, at, c)).filter((t) => !sameBytes(t, m.genuine)),
  );
  return token.map((t) => `Bearer ${t}`);
};
