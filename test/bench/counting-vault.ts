import type { Secret } from '../../lambdas/domain/secret';
import { LocalEncryptionKey } from '../../local/local-encryption-key';
import { KeyVault, type SecretContext, type SecretPurpose, type TokenVault } from '../../lambdas/vault/token-vault';

export type DecryptCounts = Record<SecretPurpose, number>;

const zero = (): DecryptCounts => ({ 'user-pat': 0, 'service-credential': 0 });

/** The real vault, with its decrypts counted per purpose (a decrypt is a KMS call in AWS). */
export class CountingVault implements TokenVault {
  #decrypts = zero();

  constructor(private readonly inner: TokenVault) {}

  encrypt(plaintext: string, context: SecretContext): Promise<string> {
    return this.inner.encrypt(plaintext, context);
  }

  decrypt(ciphertext: string, context: SecretContext): Promise<Secret> {
    this.#decrypts[context.purpose] += 1;
    return this.inner.decrypt(ciphertext, context);
  }

  /** The decrypts since the last call, by purpose. */
  take(): DecryptCounts {
    const counts = this.#decrypts;
    this.#decrypts = zero();
    return counts;
  }
}

/**
 * The local vault (the same key as `localVault`, so it opens what that one sealed), with its key's
 * decrypts counted: the calls KMS would get in AWS. The vault's decrypt cache sits in front, so a
 * cached secret costs no key call, as it costs no KMS call there.
 */
export class KeyUnwrapCounter {
  #unwraps = 0;

  vault(key: Buffer): KeyVault {
    const inner = new LocalEncryptionKey(key);
    return new KeyVault({
      format: inner.format,
      encrypt: (plaintext, context) => inner.encrypt(plaintext, context),
      decrypt: (blob, context) => {
        this.#unwraps += 1;
        return inner.decrypt(blob, context);
      },
    });
  }

  /** Key decrypts since the last call. */
  take(): number {
    const n = this.#unwraps;
    this.#unwraps = 0;
    return n;
  }
}
