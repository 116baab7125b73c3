import type { Secret } from '../../lambdas/domain/secret';
import type { DecryptOptions, SecretContext, SecretPurpose, TokenVault } from '../../lambdas/vault/token-vault';

export type DecryptCounts = Record<SecretPurpose, number>;

const zero = (): DecryptCounts => ({ 'user-pat': 0, 'service-credential': 0, 'shared-secret': 0 });

/** The real vault, with its decrypts counted per purpose (a decrypt is a KMS call in AWS). */
export class CountingVault implements TokenVault {
  #decrypts = zero();

  constructor(private readonly inner: TokenVault) {}

  encrypt(plaintext: string, context: SecretContext): Promise<string> {
    return this.inner.encrypt(plaintext, context);
  }

  decrypt(ciphertext: string, context: SecretContext, options?: DecryptOptions): Promise<Secret> {
    this.#decrypts[context.purpose] += 1;
    return this.inner.decrypt(ciphertext, context, options);
  }

  /** The decrypts since the last call, by purpose. */
  take(): DecryptCounts {
    const counts = this.#decrypts;
    this.#decrypts = zero();
    return counts;
  }
}
