/**
 * The small KMS interface the vault uses: encrypt a secret under an encryption context, and decrypt
 * it only under the same context. KMS `Encrypt`/`Decrypt` in AWS (kms-encryption-key.ts); the local
 * runtime's key locally (local/local-encryption-key.ts). See docs/architecture.md §6.
 */
export interface EncryptionKey {
  /** Names the key kind in a stored ciphertext (`<format>.<base64 blob>`), so a blob never goes to the wrong kind. */
  readonly format: string;
  encrypt(plaintext: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
  /** Throws when the blob was made under another key or another context, or was changed. */
  decrypt(blob: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array>;
}

/** An encryption context as one string: its entries sorted by key (order does not matter to KMS either). */
export const canonicalContext = (context: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
