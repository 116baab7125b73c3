import * as z from 'zod';
import type { StoredCredential } from './records';

/**
 * The codec of `StoredCredential`: what a store item's credential attribute must be. Items are
 * parsed at the store's edge (an item is data from outside the type system), never cast.
 */
const base = { ciphertext: z.string().min(1), hint: z.string(), setAt: z.string() };

export const storedCredentialSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('token'), ...base }),
  z.object({ kind: z.literal('aws-keys'), ...base, accessKeyId: z.string().optional() }),
  z.object({ kind: z.literal('basic'), ...base, username: z.string().optional() }),
]) satisfies z.ZodType<StoredCredential>;

/** The credential of an item, or undefined when the attribute is not a well-formed stored credential. */
export const parseStoredCredential = (value: unknown): StoredCredential | undefined => {
  const parsed = storedCredentialSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

/** The credential as shown (views, the admin page): everything but the ciphertext, kind by kind. */
export type ShownCredential = StoredCredential extends infer C ? (C extends StoredCredential ? Omit<C, 'ciphertext'> : never) : never;
