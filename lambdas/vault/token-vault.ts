import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  AlgorithmSuiteIdentifier,
  buildClient,
  CommitmentPolicy,
  getLocalCryptographicMaterialsCache,
  KmsKeyringNode,
  NodeCachingMaterialsManager,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type KeyringNode,
  type NodeMaterialsManager,
} from '@aws-crypto/client-node';
import { AppError } from '../domain/errors';
import { Secret } from '../domain/secret';
import { kmsClientProvider } from './kms-client';

/** What a ciphertext is for; part of its encryption context and of the KMS key policy conditions. */
export type SecretPurpose = 'user-pat' | 'service-credential' | 'shared-secret';

/** Binds a ciphertext to its row (docs/architecture.md §6): a ciphertext copied elsewhere does not decrypt. */
export interface SecretContext {
  readonly tenant: string;
  readonly purpose: SecretPurpose;
  readonly integrationId?: string;
  readonly accountId?: string;
  /** Credentials: the host they were verified against and may be sent to (services/host-credentials.ts). */
  readonly host?: string;
}

export interface DecryptOptions {
  /**
   * Accept a ciphertext whose context lacks `host` (made before the host joined the context). Every
   * other key must still match, and a ciphertext that names a host must name this one.
   */
  readonly legacyWithoutHost?: boolean;
}

/** The port the domain uses: envelope encryption with an encryption context. */
export interface TokenVault {
  encrypt(plaintext: string, context: SecretContext): Promise<string>;
  decrypt(ciphertext: string, context: SecretContext, options?: DecryptOptions): Promise<Secret>;
}

const toEncryptionContext = (context: SecretContext): Record<string, string> => {
  const out: Record<string, string> = { tenant: context.tenant, purpose: context.purpose };
  if (context.integrationId !== undefined) out.integrationId = context.integrationId;
  if (context.accountId !== undefined) out.accountId = context.accountId;
  if (context.host !== undefined) out.host = context.host;
  return out;
};

// Committing key derivation without a signature: both sides are this service's own functions, and
// skipping ECDSA keeps a decrypt to one KMS call and well under a millisecond of local work.
const SUITE = AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY;
const client = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/**
 * The decrypt cache: a data key KMS (or the local keyring) unwrapped once is reused for the same
 * message for a few minutes, so a warm container's repeated actions by the same user make no KMS
 * call. The cache key is the message's suite, encrypted data keys and its own authenticated
 * encryption context, so a cached key only ever opens the exact message it came from; the row
 * binding below is checked on every decrypt, cached or not. Encryption is never cached: each
 * secret gets its own data key. See docs/architecture.md §6.
 */
export interface DecryptCacheOptions {
  /** How long an unwrapped data key stays usable; at most five minutes. */
  readonly maxAgeMs: number;
  /** How many data keys one container keeps at most (least recently used leave first). */
  readonly capacity: number;
}

export const DEFAULT_DECRYPT_CACHE: DecryptCacheOptions = { maxAgeMs: 5 * 60_000, capacity: 500 };
const MAX_DECRYPT_CACHE_AGE_MS = 5 * 60_000;

/**
 * AWS Encryption SDK envelope encryption. The purpose picks the keyring: shared secrets use the
 * tenant key; PATs and service credentials the credentials key (docs/architecture.md §6, two KMS keys).
 */
export class EnvelopeVault implements TokenVault {
  readonly #keyringFor: (purpose: SecretPurpose) => KeyringNode;
  readonly #decryptManagers = new Map<KeyringNode, NodeMaterialsManager>();
  readonly #decryptCache: DecryptCacheOptions | 'off';

  /** `decryptCache: 'off'` makes every decrypt unwrap its data key again. */
  constructor(keyringFor: (purpose: SecretPurpose) => KeyringNode, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE) {
    if (decryptCache !== 'off') {
      if (!(decryptCache.maxAgeMs > 0 && decryptCache.maxAgeMs <= MAX_DECRYPT_CACHE_AGE_MS)) throw new Error('decrypt cache age must be within (0, 5 min]');
      if (!(Number.isInteger(decryptCache.capacity) && decryptCache.capacity > 0)) throw new Error('decrypt cache capacity must be a positive integer');
    }
    this.#keyringFor = keyringFor;
    this.#decryptCache = decryptCache;
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    const { result } = await client.encrypt(this.#keyringFor(context.purpose), Buffer.from(plaintext, 'utf8'), {
      encryptionContext: toEncryptionContext(context),
      suiteId: SUITE,
    });
    return Buffer.from(result).toString('base64');
  }

  async decrypt(ciphertext: string, context: SecretContext, options: DecryptOptions = {}): Promise<Secret> {
    const expected = toEncryptionContext(context);
    let decrypted: Awaited<ReturnType<typeof client.decrypt>>;
    try {
      decrypted = await client.decrypt(this.#decryptManagerFor(context.purpose), Buffer.from(ciphertext, 'base64'));
    } catch (error) {
      throw unreadable(context, error);
    }
    // The SDK authenticates the context stored in the message; binding it to *this* row is our check.
    const actual = decrypted.messageHeader.encryptionContext;
    // `host` is compared both ways: a ciphertext bound to a host never opens for a caller that forgot to name one.
    const hostMatches = actual.host === expected.host || (options.legacyWithoutHost === true && actual.host === undefined);
    const matches = hostMatches && Object.entries(expected).every(([key, value]) => key === 'host' || actual[key] === value);
    if (!matches) throw unreadable(context);
    return new Secret(Buffer.from(decrypted.plaintext).toString('utf8'));
  }

  /** One caching materials manager per keyring, each with its own bounded cache and partition. */
  #decryptManagerFor(purpose: SecretPurpose): KeyringNode | NodeMaterialsManager {
    const keyring = this.#keyringFor(purpose);
    const cache = this.#decryptCache;
    if (cache === 'off') return keyring;
    let manager = this.#decryptManagers.get(keyring);
    if (manager === undefined) {
      manager = new NodeCachingMaterialsManager({
        backingMaterials: keyring,
        cache: getLocalCryptographicMaterialsCache(cache.capacity),
        maxAge: cache.maxAgeMs,
        partition: randomUUID(),
      });
      this.#decryptManagers.set(keyring, manager);
    }
    return manager;
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

const rawAesKeyring = (keyName: string, key: Buffer): RawAesKeyringNode =>
  new RawAesKeyringNode({
    keyName,
    keyNamespace: 'patgate-local',
    unencryptedMasterKey: new Uint8Array(key),
    wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
  });

/** Locally: one raw AES-256 key (two names so the two purposes never share wrapped keys). */
export const localVault = (key: Buffer): EnvelopeVault => {
  if (key.length !== 32) throw new Error('the local key must be 32 bytes (AES-256)');
  const credentials = rawAesKeyring('credentials', key);
  const tenant = rawAesKeyring('tenant', key);
  return new EnvelopeVault((purpose) => (purpose === 'shared-secret' ? tenant : credentials));
};

/** In AWS: KMS keyrings on the two keys. */
export const kmsVault = (credentialsKeyId: string, tenantKeyId: string, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE): EnvelopeVault => {
  const credentials = new KmsKeyringNode({ generatorKeyId: credentialsKeyId, clientProvider: kmsClientProvider });
  const tenant = new KmsKeyringNode({ generatorKeyId: tenantKeyId, clientProvider: kmsClientProvider });
  return new EnvelopeVault((purpose) => (purpose === 'shared-secret' ? tenant : credentials), decryptCache);
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
