import { AppError } from '../domain/errors';
import { Secret } from '../domain/secret';
import { BoundedMap } from '../hosts/bounded-map';
import { canonicalContext, type EncryptionKey } from './encryption-key';
import { KmsEncryptionKey } from './kms-encryption-key';

/**
 * What a ciphertext is for; part of its encryption context and of the KMS key policy conditions.
 */
export type SecretPurpose = 'user-pat' | 'service-credential';

/** Binds a ciphertext to its row (docs/architecture.md §6): a ciphertext copied elsewhere does not decrypt. */
export interface SecretContext {
  readonly tenant: string;
  readonly purpose: SecretPurpose;
  readonly integrationId?: string;
  readonly accountId?: string;
  /** Credentials: the host they were verified against and may be sent to (services/host-credentials.ts). */
  readonly host?: string;
}

/** The port the domain uses: a secret encrypted under its row's encryption context. */
export interface TokenVault {
  encrypt(plaintext: string, context: SecretContext): Promise<string>;
  decrypt(ciphertext: string, context: SecretContext): Promise<Secret>;
}

const toEncryptionContext = (context: SecretContext): Record<string, string> => {
  const out: Record<string, string> = { tenant: context.tenant, purpose: context.purpose };
  if (context.integrationId !== undefined) out.integrationId = context.integrationId;
  if (context.accountId !== undefined) out.accountId = context.accountId;
  if (context.host !== undefined) out.host = context.host;
  return out;
};

/**
 * The decrypt cache: a secret KMS (or the local key) decrypted once is kept for a few minutes, so a
 * warm container's repeated actions by the same user make no KMS call. It is keyed by the
 * ciphertext together with the whole encryption context it was decrypted under, so a hit is only
 * ever the answer KMS gave for that ciphertext under that row: the binding holds on every decrypt,
 * cached or not. Encryption is never cached. See docs/architecture.md §6.
 */
export interface DecryptCacheOptions {
  /** How long a decrypted secret stays usable; at most five minutes. */
  readonly maxAgeMs: number;
  /** How many secrets one container keeps at most (least recently used leave first). */
  readonly capacity: number;
}

export const DEFAULT_DECRYPT_CACHE: DecryptCacheOptions = { maxAgeMs: 5 * 60_000, capacity: 500 };
const MAX_DECRYPT_CACHE_AGE_MS = 5 * 60_000;

/** `<format>.<base64 blob>`: the key kind, then what the key's Encrypt answered (KMS's CiphertextBlob). */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Secrets encrypted by the key itself (KMS `Encrypt`/`Decrypt`, docs/architecture.md §6) under the
 * row's encryption context. Decrypts go through the cache, and concurrent decrypts of one
 * ciphertext under one row share one key call: a secret never costs more than one KMS call at a time.
 */
export class KeyVault implements TokenVault {
  readonly #key: EncryptionKey;
  /** Decrypted secrets by (context, ciphertext), each until its time; none when the cache is off. */
  readonly #cache: { readonly maxAgeMs: number; readonly entries: BoundedMap<{ readonly plaintext: string; readonly until: number }> } | undefined;
  /** Decrypts under way, by the same slot: a second caller waits for the first one's key call. */
  readonly #inFlight = new Map<string, Promise<string>>();

  /** `decryptCache: 'off'` makes every decrypt a key call (still one per secret at a time). */
  constructor(key: EncryptionKey, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE) {
    if (decryptCache !== 'off') {
      if (!(decryptCache.maxAgeMs > 0 && decryptCache.maxAgeMs <= MAX_DECRYPT_CACHE_AGE_MS)) throw new Error('decrypt cache age must be within (0, 5 min]');
      if (!(Number.isInteger(decryptCache.capacity) && decryptCache.capacity > 0)) throw new Error('decrypt cache capacity must be a positive integer');
    }
    this.#key = key;
    this.#cache = decryptCache === 'off' ? undefined : { maxAgeMs: decryptCache.maxAgeMs, entries: new BoundedMap(decryptCache.capacity) };
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    const blob = await this.#key.encrypt(Buffer.from(plaintext, 'utf8'), toEncryptionContext(context));
    return `${this.#key.format}.${Buffer.from(blob).toString('base64')}`;
  }

  async decrypt(ciphertext: string, context: SecretContext): Promise<Secret> {
    const expected = toEncryptionContext(context);
    const slot = `${canonicalContext(expected)}\n${ciphertext}`;
    const hit = this.#cache?.entries.get(slot);
    if (hit && hit.until > Date.now()) return new Secret(hit.plaintext);
    let pending = this.#inFlight.get(slot);
    if (pending === undefined) {
      pending = this.#open(ciphertext, expected, slot).finally(() => this.#inFlight.delete(slot));
      this.#inFlight.set(slot, pending);
    }
    try {
      return new Secret(await pending);
    } catch (error) {
      throw unreadable(context, error);
    }
  }

  async #open(ciphertext: string, expected: Record<string, string>, slot: string): Promise<string> {
    const [format, encoded = '', ...rest] = ciphertext.split('.');
    // A ciphertext of another key kind, or not one at all, costs no key call.
    if (format !== this.#key.format || rest.length > 0 || !BASE64.test(encoded)) throw new Error('not a ciphertext of this key');
    const plaintext = Buffer.from(await this.#key.decrypt(Buffer.from(encoded, 'base64'), expected)).toString('utf8');
    this.#cache?.entries.set(slot, { plaintext, until: Date.now() + this.#cache.maxAgeMs });
    return plaintext;
  }
}

const unreadable = (context: SecretContext, cause?: unknown): AppError =>
  new AppError(
    'CREDENTIAL_UNREADABLE',
    context.purpose === 'user-pat'
      ? 'The saved token cannot be read. Save the token again.'
      : 'The stored credential cannot be read. An administrator must enter it again.',
    { cause: cause instanceof Error ? new Error(cause.name) : undefined },
  );

/** In AWS: the credentials key, by ARN. */
export const kmsVault = (credentialsKeyId: string, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE): KeyVault =>
  new KeyVault(new KmsEncryptionKey(credentialsKeyId), decryptCache);

/**
 * A function given no KMS key (it has no use for the vault): every call fails with the reason. A
 * deployed function never falls back to a local key (docs/architecture.md §6).
 */
export const keylessVault = (reason: string): TokenVault => {
  const refuse = (): Promise<never> => Promise.reject(new AppError('INTERNAL', reason));
  return { encrypt: refuse, decrypt: refuse };
};
