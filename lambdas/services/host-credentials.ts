import type { HostCredential } from '../hosts/git-provider';
import type { StoredCredential } from '../domain/records';
import { Secret } from '../domain/secret';
import type { SecretContext, TokenVault } from '../vault/token-vault';

/** Decrypts a stored credential into what an adapter takes; plaintext lives only in the returned object. */
export const openCredential = async (vault: TokenVault, stored: StoredCredential, context: SecretContext): Promise<HostCredential> => {
  const plaintext = await vault.decrypt(stored.ciphertext, context);
  const parsed = JSON.parse(plaintext.reveal()) as Record<string, string>;
  if (stored.kind === 'aws-keys') return { kind: 'aws-keys', accessKeyId: parsed.accessKeyId ?? '', secretAccessKey: new Secret(parsed.secretAccessKey ?? '') };
  if (stored.kind === 'basic') return { kind: 'basic', username: parsed.username ?? '', password: new Secret(parsed.password ?? '') };
  return { kind: 'token', token: new Secret(parsed.token ?? '') };
};
