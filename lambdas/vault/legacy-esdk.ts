import {
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
} from '@aws-crypto/client-node';
import { kmsClientFor } from './kms-client';
import type { LegacyDecrypt, SecretPurpose } from './token-vault';

/**
 * Ciphertexts written before the vault's own format (token-vault.ts): AWS Encryption SDK messages,
 * committing suite without signature, one data key wrapped by the purpose's KMS key (or the local
 * raw AES key). Read only, and loaded only when such a ciphertext turns up: the vault's `import()` of
 * this module is a chunk of its own, so no function carries the SDK at start (docs/architecture.md §6).
 */
const client = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

const decryptWith =
  (keyringFor: (purpose: SecretPurpose) => KeyringNode): LegacyDecrypt =>
  async (ciphertext, purpose) => {
    const decrypted = await client.decrypt(keyringFor(purpose), ciphertext);
    return { plaintext: Buffer.from(decrypted.plaintext), context: decrypted.messageHeader.encryptionContext };
  };

const rawAesKeyring = (keyName: string, key: Buffer): RawAesKeyringNode =>
  new RawAesKeyringNode({
    keyName,
    keyNamespace: 'patgate-local',
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

/** The local key's keyrings, as the local vault wrote with them (one name per purpose family). */
export const localLegacyDecrypt = (key: Buffer): LegacyDecrypt => {
  const credentials = rawAesKeyring('credentials', key);
  const tenant = rawAesKeyring('tenant', key);
  return decryptWith((purpose) => (purpose === 'shared-secret' ? tenant : credentials));
};

/** KMS keyrings on the two keys (their ARNs, as the ciphertexts record them). */
export const kmsLegacyDecrypt = (credentialsKeyId: string, tenantKeyId: string): LegacyDecrypt => {
  const credentials = new KmsKeyringNode({ generatorKeyId: credentialsKeyId, clientProvider: kmsClientFor });
  const tenant = new KmsKeyringNode({ generatorKeyId: tenantKeyId, clientProvider: kmsClientFor });
  return decryptWith((purpose) => (purpose === 'shared-secret' ? tenant : credentials));
};
