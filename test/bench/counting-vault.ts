import type { Secret } from '../../lambdas/domain/secret';
import { LocalDataKeys, type DataKeyWrapper } from '../../lambdas/vault/data-keys';
import { EnvelopeVault, type DecryptOptions, type SecretContext, type SecretPurpose, type TokenVault } from '../../lambdas/vault/token-vault';

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

/**
 * The local vault (the same key and names as `localVault`, so it opens what that one sealed), with
 * its data-key unwraps counted: the calls KMS would get in AWS. The vault's decrypt cache sits in
 * front, so a cached data key costs no unwrap, as it costs no KMS call there.
 */
export class KeyUnwrapCounter {
  #unwraps = 0;

  vault(key: Buffer): EnvelopeVault {
    const counted = (name: string): DataKeyWrapper => {
      const inner = new LocalDataKeys(key, name);
      return {
        generate: (context) => inner.generate(context),
        unwrap: (wrapped, context) => {
          this.#unwraps += 1;
          return inner.unwrap(wrapped, context);
        },
      };
    };
    const credentials = counted('credentials');
    const tenant = counted('tenant');
    return new EnvelopeVault((purpose) => (purpose === 'shared-secret' ? tenant : credentials), () => Promise.reject(new Error('the bench writes every ciphertext itself')));
  }

  /** Unwraps since the last call. */
  take(): number {
    const n = this.#unwraps;
    this.#unwraps = 0;
    return n;
  }
}
