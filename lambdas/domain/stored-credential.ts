import type { StoredCredential } from './records';

/**
 * The codec of `StoredCredential`: what a store item's credential attribute must be, kind by kind.
 * Items are parsed at the store's edge (an item is data from outside the type system), never cast.
 * Written by hand rather than with zod: every Lambda that reads a credential bundles this, and the
 * zod features a discriminated schema needs would add to each bundle.
 */
export const parseStoredCredential = (value: unknown): StoredCredential | undefined => {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, ciphertext, hint, setAt, accessKeyId, username, login, scopes, expiresAt } = value as Record<string, unknown>;
  if (typeof ciphertext !== 'string' || ciphertext === '' || typeof hint !== 'string' || typeof setAt !== 'string') return undefined;
  const verified = verifiedFacts(login, scopes, expiresAt);
  if (!verified) return undefined;
  const base = { ciphertext, hint, setAt, ...verified };
  if (kind === 'token') return { kind, ...base };
  if (kind === 'aws-keys') {
    if (accessKeyId === undefined) return { kind, ...base };
    return typeof accessKeyId === 'string' ? { kind, ...base, accessKeyId } : undefined;
  }
  if (kind === 'basic') {
    if (username === undefined) return { kind, ...base };
    return typeof username === 'string' ? { kind, ...base, username } : undefined;
  }
  return undefined;
};

/** What the host said of a service credential when it was checked (all optional; older items have none). */
const verifiedFacts = (login: unknown, scopes: unknown, expiresAt: unknown): { login?: string; scopes?: string[]; expiresAt?: string } | undefined => {
  if (login !== undefined && typeof login !== 'string') return undefined;
  if (expiresAt !== undefined && typeof expiresAt !== 'string') return undefined;
  if (scopes !== undefined && !(Array.isArray(scopes) && scopes.every((s) => typeof s === 'string'))) return undefined;
  return { ...(login === undefined ? {} : { login }), ...(scopes === undefined ? {} : { scopes: scopes as string[] }), ...(expiresAt === undefined ? {} : { expiresAt }) };
};

/** The credential as shown (views, the admin page): everything but the ciphertext, kind by kind. */
export type ShownCredential = StoredCredential extends infer C ? (C extends StoredCredential ? Omit<C, 'ciphertext'> : never) : never;
