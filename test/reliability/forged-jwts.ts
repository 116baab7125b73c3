import { createHmac, createSign, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';

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
