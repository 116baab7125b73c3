import {
  KeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type EncryptedDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import type { Secret } from '../../lambdas/domain/secret';
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
 * The local vault (same raw AES keys and names as `localVault`, so it opens what that one sealed),
 * with the keyrings' unwraps counted: the calls KMS would get in AWS. The vault's decrypt cache
 * (caching materials manager) sits in front, so a cached data key costs no unwrap, as it costs no
 * KMS call there.
 */
export class KeyUnwrapCounter {
  #unwraps = 0;

  vault(key: Buffer): EnvelopeVault {
    const keyring = (keyName: string): KeyringNode =>
      new CountingKeyring(
        new RawAesKeyringNode({ keyName, keyNamespace: 'patgate-local', unencryptedMasterKey: new Uint8Array(key), wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING }),
        () => {
          this.#unwraps += 1;
        },
      );
    const credentials = keyring('credentials');
    const tenant = keyring('tenant');
    return new EnvelopeVault((purpose) => (purpose === 'shared-secret' ? tenant : credentials));
  }

  /** Unwraps since the last call. */
  take(): number {
    const n = this.#unwraps;
    this.#unwraps = 0;
    return n;
  }
}

class CountingKeyring extends KeyringNode {
  constructor(
    private readonly inner: KeyringNode,
    private readonly counted: () => void,
  ) {
    super();
  }

  _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    return this.inner.onEncrypt(material);
  }

  _onDecrypt(material: NodeDecryptionMaterial, encryptedDataKeys: EncryptedDataKey[]): Promise<NodeDecryptionMaterial> {
    this.counted();
    return this.inner.onDecrypt(material, encryptedDataKeys);
  }
}
