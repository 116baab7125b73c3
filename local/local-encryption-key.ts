import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Config } from '../lambdas/config';
import { canonicalContext, type EncryptionKey } from '../lambdas/vault/encryption-key';
import { DEFAULT_DECRYPT_CACHE, KeyVault, type DecryptCacheOptions } from '../lambdas/vault/token-vault';

/**
 * The local runtime's stand-in for KMS Encrypt/Decrypt (the "local key instead of KMS"): one AES-256
 * key, AES-GCM with the encryption context as additional data, so a blob opens only under the
 * context it was made for, as with KMS. Outside the deployed path: the wiring loads this module only
 * when there is no KMS key and it is not running in Lambda (lambdas/wiring/dependencies.ts), and it
 * refuses to start in Lambda.
 */
export class LocalEncryptionKey implements EncryptionKey {
  readonly format = 'local';

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the local key must be 32 bytes (AES-256)');
  }

  async encrypt(plaintext: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: 16 }).setAAD(Buffer.from(canonicalContext(context)));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  }

  async decrypt(blob: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    const bytes = Buffer.from(blob);
    if (bytes.length < 28) throw new Error('not a local ciphertext');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12), { authTagLength: 16 }).setAAD(Buffer.from(canonicalContext(context)));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]);
  }
}

/** The local vault: the local key behind the same interface as KMS. Refused inside Lambda. */
export const localVault = (key: Buffer, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE, env: Readonly<Record<string, string | undefined>> = process.env): KeyVault => {
  if (env.AWS_LAMBDA_FUNCTION_NAME) throw new Error('patgate: the local key is refused inside Lambda; set PATGATE_CREDENTIALS_KEY_ID to the credentials KMS key');
  return new KeyVault(new LocalEncryptionKey(key), decryptCache);
};

/** The local key: PATGATE_LOCAL_KEY (base64), else a key file generated once with mode 0600. */
export const loadLocalKey = (inlineKey: string | undefined, keyFile: string): Buffer => {
  if (inlineKey) return Buffer.from(inlineKey, 'base64');
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
    writeFileSync(keyFile, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  chmodSync(keyFile, 0o600);
  return Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64');
};

/** The local runtime's vault from its config: the local key (PATGATE_LOCAL_KEY or the key file). */
export const localVaultFor = (config: Pick<Config, 'localKey' | 'localKeyFile'>): KeyVault => localVault(loadLocalKey(config.localKey, config.localKeyFile));
