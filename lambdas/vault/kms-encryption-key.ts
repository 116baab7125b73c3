import type { EncryptionKey } from './encryption-key';
import { kmsClientFor, regionOfKey } from './kms-client';

/**
 * KMS `Encrypt`/`Decrypt` of the secret itself on one symmetric key, by ARN, with the row's
 * encryption context (which the key policy's `kms:EncryptionContext` conditions also see). A PAT or
 * key pair is far under Encrypt's 4,096-byte plaintext limit.
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Encrypt.html
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_Decrypt.html
 */
export class KmsEncryptionKey implements EncryptionKey {
  readonly format = 'kms';
  readonly #region: string;

  constructor(private readonly keyArn: string) {
    this.#region = regionOfKey(keyArn);
  }

  async encrypt(plaintext: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    const kms = await kmsClientFor(this.#region);
    const answer = await kms.encrypt({ KeyId: this.keyArn, Plaintext: plaintext, EncryptionContext: { ...context } });
    if (!answer.CiphertextBlob) throw new Error('KMS answered Encrypt without a ciphertext');
    return answer.CiphertextBlob;
  }

  async decrypt(blob: Uint8Array, context: Readonly<Record<string, string>>): Promise<Uint8Array> {
    // KeyId pins the key: KMS refuses a blob made under another key, whatever the blob says.
    const kms = await kmsClientFor(this.#region);
    const answer = await kms.decrypt({ KeyId: this.keyArn, CiphertextBlob: blob, EncryptionContext: { ...context } });
    if (!answer.Plaintext) throw new Error('KMS answered Decrypt without a plaintext');
    return answer.Plaintext;
  }
}
