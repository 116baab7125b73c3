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
 * An Authorization header that must not authenticate `request`: garbage, a truncated or tampered
 * genuine token, wrong algorithms, wrong claims (iss, sub, exp, qsh), other secrets, forged RS256.
 */
export const forgedAuthorization = (m: JwtMaterial, request: SignedRequest): fc.Arbitrary<string> => {
  const genuine = signHs256(HS256, validClaims(m, request), m.sharedSecret);
  const token: fc.Arbitrary<string> = fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength: 200 }).map((text) => text.replace(/[^\x21-\x7e]/g, '')),
    fc.tuple(fc.base64String({ maxLength: 40 }), fc.base64String({ maxLength: 80 }), fc.base64String({ maxLength: 50 })).map((parts) => parts.join('.')),
    fc.integer({ min: 0, max: genuine.length - 1 }).map((n) => genuine.slice(0, n)),
    fc.tuple(fc.integer({ min: 0, max: genuine.length - 1 }), fc.constantFrom('A', 'B', '_', '-', '.')).map(([at, c]) => mangle(genuine, at, c)).filter((t) => t !== genuine),
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
