import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { kmsClientFor, regionOfKey } from './kms-client';

/** A data key: its plaintext (used once, or cached briefly for decrypts) and its wrapped form (stored). */
export interface DataKey {
  readonly plaintext: Buffer;
  readonly wrapped: Buffer;
}

/**
 * Makes and opens data keys under an encryption context (the ciphertext's row binding): KMS in
 * AWS, the local key locally. Opening under any other context fails.
 */
export interface DataKeyWrapper {
  generate(context: Readonly<Record<string, string>>): Promise<DataKey>;
  unwrap(wrapped: Buffer, context: Readonly<Record<string, string>>): Promise<Buffer>;
}

const DATA_KEY_BYTES = 32;

/** KMS GenerateDataKey / Decrypt on one key, by ARN, with the encryption context KMS (and the key policy's conditions) see. */
export class KmsDataKeys implements DataKeyWrapper {
  readonly #region: string;

  constructor(private readonly keyArn: string) {
    this.#region = regionOfKey(keyArn);
  }

  async generate(context: Readonly<Record<string, string>>): Promise<DataKey> {
    const answer = await kmsClientFor(this.#region).send(new GenerateDataKeyCommand({ KeyId: this.keyArn, NumberOfBytes: DATA_KEY_BYTES, EncryptionContext: { ...context } }));
    if (!answer.Plaintext || answer.Plaintext.length !== DATA_KEY_BYTES || !answer.CiphertextBlob) throw new Error('KMS answered GenerateDataKey without a data key');
    return { plaintext: Buffer.from(answer.Plaintext), wrapped: Buffer.from(answer.CiphertextBlob) };
  }

  async unwrap(wrapped: Buffer, context: Readonly<Record<string, string>>): Promise<Buffer> {
    // KeyId pins the key: KMS refuses a blob made under another key, whatever it says it is.
    const answer = await kmsClientFor(this.#region).send(new DecryptCommand({ KeyId: this.keyArn, CiphertextBlob: wrapped, EncryptionContext: { ...context } }));
    if (!answer.Plaintext || answer.Plaintext.length !== DATA_KEY_BYTES) throw new Error('KMS answered Decrypt without a data key');
    return Buffer.from(answer.Plaintext);
  }
}

/**
 * Locally: data keys wrapped with one AES-256 key by AES-GCM, the key's name and the context as
 * additional data (a key wrapped for one purpose or row never opens for another).
 */
export class LocalDataKeys implements DataKeyWrapper {
  constructor(
    private readonly key: Buffer,
    private readonly name: string,
  ) {
    if (key.length !== 32) throw new Error('the local key must be 32 bytes (AES-256)');
  }

  async generate(context: Readonly<Record<string, string>>): Promise<DataKey> {
    const plaintext = randomBytes(DATA_KEY_BYTES);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: 16 }).setAAD(this.#aad(context));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, wrapped: Buffer.concat([iv, cipher.getAuthTag(), sealed]) };
  }

  async unwrap(wrapped: Buffer, context: Readonly<Record<string, string>>): Promise<Buffer> {
    if (wrapped.length !== 12 + 16 + DATA_KEY_BYTES) throw new Error('not a wrapped data key');
    const decipher = createDecipheriv('aes-256-gcm', this.key, wrapped.subarray(0, 12), { authTagLength: 16 }).setAAD(this.#aad(context));
    decipher.setAuthTag(wrapped.subarray(12, 28));
    return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
  }

  #aad(context: Readonly<Record<string, string>>): Buffer {
    return Buffer.from(`patgate-local\n${this.name}\n${canonicalContext(context)}`);
  }
}

/** An encryption context as one string: its entries sorted by key. */
export const canonicalContext = (context: Readonly<Record<string, string>>): string =>
  JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
