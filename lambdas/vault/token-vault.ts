import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../domain/errors';
import { Secret } from '../domain/secret';
import { BoundedMap } from '../hosts/bounded-map';
import { KmsDataKeys, LocalDataKeys, type DataKeyWrapper } from './data-keys';

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

/**
 * The decrypt cache: a data key KMS (or the local key) unwrapped once is kept for a few minutes, so
 * a warm container's repeated actions by the same user make no KMS call. It is keyed by the
 * message's whole authenticated header (wrapped key, salt, commitment, context), so a cached key
 * only ever opens the message it came from; the row binding is checked on every decrypt, cached or
 * not. Encryption is never cached: each secret gets its own data key. See docs/architecture.md §6.
 */
export interface DecryptCacheOptions {
  /** How long an unwrapped data key stays usable; at most five minutes. */
  readonly maxAgeMs: number;
  /** How many data keys one container keeps at most (least recently used leave first). */
  readonly capacity: number;
}

export const DEFAULT_DECRYPT_CACHE: DecryptCacheOptions = { maxAgeMs: 5 * 60_000, capacity: 500 };
const MAX_DECRYPT_CACHE_AGE_MS = 5 * 60_000;

/** Reads a ciphertext of the earlier format (AWS Encryption SDK messages; legacy-esdk.ts). */
export type LegacyDecrypt = (ciphertext: Buffer, purpose: SecretPurpose) => Promise<{ plaintext: Buffer; context: Readonly<Record<string, string>> }>;

/** The vault's message: `pgv1.<header>.<iv>.<body>.<tag>`, base64url segments; the header is the AES-GCM additional data. */
const FORMAT = 'pgv1';
interface Header {
  /** The wrapped data key (KMS CiphertextBlob, or the local key's wrap). */
  readonly w: string;
  /** HKDF salt, 32 bytes. */
  readonly s: string;
  /** Key commitment: HKDF output that only this data key and salt give. */
  readonly c: string;
  /** The encryption context (the row binding), also given to KMS with the data key. */
  readonly e: Readonly<Record<string, string>>;
}

const b64 = (bytes: Buffer): string => bytes.toString('base64url');
const bytesOf = (text: string): Buffer => Buffer.from(text, 'base64url');

/** One data key gives the message key and the commitment (HKDF-SHA-512 with a fresh salt per message). */
const derive = (dataKey: Buffer, salt: Buffer): { key: Buffer; commitment: Buffer } => {
  const okm = Buffer.from(hkdfSync('sha512', dataKey, salt, 'patgate vault v1: key and commitment', 64));
  return { key: okm.subarray(0, 32), commitment: okm.subarray(32) };
};

const isTextRecord = (value: unknown): value is Record<string, string> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');

const parseHeader = (segment: string): Header | undefined => {
  try {
    const value = JSON.parse(bytesOf(segment).toString('utf8')) as Record<string, unknown>;
    const { w, s, c, e } = value;
    return typeof w === 'string' && typeof s === 'string' && typeof c === 'string' && isTextRecord(e) ? { w, s, c, e } : undefined;
  } catch {
    return undefined;
  }
};

/** The ciphertext's context is this row's: every key equal; `host` compared both ways (see DecryptOptions). */
const bindsTo = (actual: Readonly<Record<string, string>>, expected: Record<string, string>, options: DecryptOptions): boolean => {
  const hostMatches = actual.host === expected.host || (options.legacyWithoutHost === true && actual.host === undefined);
  return hostMatches && Object.entries(expected).every(([key, value]) => key === 'host' || actual[key] === value);
};

/**
 * Envelope encryption (docs/architecture.md §6): a fresh data key per secret from KMS (or the local
 * key), AES-256-GCM under a key derived from it with a key commitment, the row's encryption context
 * given to KMS and authenticated in the message. The purpose picks the key: shared secrets use the
 * tenant key; PATs and service credentials the credentials key. Ciphertexts of the earlier format
 * (AWS Encryption SDK) are still read, through a module loaded only when one turns up.
 */
export class EnvelopeVault implements TokenVault {
  readonly #dataKeysFor: (purpose: SecretPurpose) => DataKeyWrapper;
  readonly #legacy: () => Promise<LegacyDecrypt>;
  /** Unwrapped data keys by message header, each until its time; none when the cache is off. */
  readonly #cache: { readonly maxAgeMs: number; readonly entries: BoundedMap<{ readonly dataKey: Buffer; readonly until: number }> } | undefined;

  /** `decryptCache: 'off'` makes every decrypt unwrap its data key again. */
  constructor(dataKeysFor: (purpose: SecretPurpose) => DataKeyWrapper, legacy: () => Promise<LegacyDecrypt>, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE) {
    if (decryptCache !== 'off') {
      if (!(decryptCache.maxAgeMs > 0 && decryptCache.maxAgeMs <= MAX_DECRYPT_CACHE_AGE_MS)) throw new Error('decrypt cache age must be within (0, 5 min]');
      if (!(Number.isInteger(decryptCache.capacity) && decryptCache.capacity > 0)) throw new Error('decrypt cache capacity must be a positive integer');
    }
    this.#dataKeysFor = dataKeysFor;
    this.#legacy = legacy;
    this.#cache = decryptCache === 'off' ? undefined : { maxAgeMs: decryptCache.maxAgeMs, entries: new BoundedMap(decryptCache.capacity) };
  }

  async encrypt(plaintext: string, context: SecretContext): Promise<string> {
    const e = toEncryptionContext(context);
    const dataKey = await this.#dataKeysFor(context.purpose).generate(e);
    const salt = randomBytes(32);
    const { key, commitment } = derive(dataKey.plaintext, salt);
    dataKey.plaintext.fill(0);
    const header = b64(Buffer.from(JSON.stringify({ w: b64(dataKey.wrapped), s: b64(salt), c: b64(commitment), e } satisfies Header)));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 16 }).setAAD(Buffer.from(header));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    key.fill(0);
    return [FORMAT, header, b64(iv), b64(body), b64(cipher.getAuthTag())].join('.');
  }

  async decrypt(ciphertext: string, context: SecretContext, options: DecryptOptions = {}): Promise<Secret> {
    const expected = toEncryptionContext(context);
    if (!ciphertext.startsWith(`${FORMAT}.`)) return this.#decryptLegacy(ciphertext, context, expected, options);
    const [, headerSegment = '', iv = '', body = '', tag = '', ...rest] = ciphertext.split('.');
    const header = parseHeader(headerSegment);
    // The binding is checked before any KMS call: a ciphertext moved to another row costs nothing.
    if (!header || rest.length > 0 || !bindsTo(header.e, expected, options)) throw unreadable(context);
    try {
      const dataKey = await this.#dataKey(context.purpose, headerSegment, header);
      const { key, commitment } = derive(dataKey, bytesOf(header.s));
      const committed = bytesOf(header.c);
      if (committed.length !== commitment.length || !timingSafeEqual(committed, commitment)) throw new Error('key commitment mismatch');
      // authTagLength pins the tag to 16 bytes: GCM would otherwise accept a truncated one (down to 4 bytes).
      const decipher = createDecipheriv('aes-256-gcm', key, bytesOf(iv), { authTagLength: 16 }).setAAD(Buffer.from(headerSegment));
      decipher.setAuthTag(bytesOf(tag));
      const plaintext = Buffer.concat([decipher.update(bytesOf(body)), decipher.final()]);
      key.fill(0);
      return new Secret(plaintext.toString('utf8'));
    } catch (error) {
      throw unreadable(context, error);
    }
  }

  async #dataKey(purpose: SecretPurpose, headerSegment: string, header: Header): Promise<Buffer> {
    const cache = this.#cache;
    if (cache === undefined) return this.#dataKeysFor(purpose).unwrap(bytesOf(header.w), header.e);
    const slot = createHash('sha256').update(`${purpose}\n${headerSegment}`).digest('base64');
    const now = Date.now();
    const hit = cache.entries.get(slot);
    if (hit && hit.until > now) return hit.dataKey;
    const dataKey = await this.#dataKeysFor(purpose).unwrap(bytesOf(header.w), header.e);
    cache.entries.set(slot, { dataKey, until: now + cache.maxAgeMs });
    return dataKey;
  }

  async #decryptLegacy(ciphertext: string, context: SecretContext, expected: Record<string, string>, options: DecryptOptions): Promise<Secret> {
    let opened: Awaited<ReturnType<LegacyDecrypt>>;
    try {
      opened = await (await this.#legacy())(Buffer.from(ciphertext, 'base64'), context.purpose);
    } catch (error) {
      throw unreadable(context, error);
    }
    if (!bindsTo(opened.context, expected, options)) throw unreadable(context);
    return new Secret(opened.plaintext.toString('utf8'));
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

/** Locally: one AES-256 key (two names, so the two purposes never share wrapped keys). */
export const localVault = (key: Buffer, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE): EnvelopeVault => {
  if (key.length !== 32) throw new Error('the local key must be 32 bytes (AES-256)');
  const credentials = new LocalDataKeys(key, 'credentials');
  const tenant = new LocalDataKeys(key, 'tenant');
  return new EnvelopeVault((purpose) => (purpose === 'shared-secret' ? tenant : credentials), async () => (await import('./legacy-esdk')).localLegacyDecrypt(key), decryptCache);
};

/** In AWS: the two KMS keys, by ARN. */
export const kmsVault = (credentialsKeyId: string, tenantKeyId: string, decryptCache: DecryptCacheOptions | 'off' = DEFAULT_DECRYPT_CACHE): EnvelopeVault => {
  const credentials = new KmsDataKeys(credentialsKeyId);
  const tenant = new KmsDataKeys(tenantKeyId);
  return new EnvelopeVault((purpose) => (purpose === 'shared-secret' ? tenant : credentials), async () => (await import('./legacy-esdk')).kmsLegacyDecrypt(credentialsKeyId, tenantKeyId), decryptCache);
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
