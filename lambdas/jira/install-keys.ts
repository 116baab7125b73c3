import { AppError } from '../domain/errors';
import { systemClock, type Clock } from '../domain/clock';

export interface InstallKeysOptions {
  readonly timeoutMs?: number;
  /** How long a fetched key is trusted before it is fetched again (Atlassian rotates install keys). */
  readonly keyTtlMs?: number;
  /** How long an unknown kid is answered 401 without asking again (a flood of made-up kids costs one fetch each per interval). */
  readonly unknownKidTtlMs?: number;
  readonly clock?: Clock;
}

/**
 * Fetches Atlassian's Connect install-callback public keys (`{installKeysUrl}/{kid}`, PEM),
 * cached by kid with a time to live; unknown kids are remembered too (negative cache).
 */
export class InstallKeys {
  readonly #keys = new Map<string, { pem: string; until: number }>();
  readonly #unknown = new Map<string, number>();
  readonly #timeoutMs: number;
  readonly #keyTtlMs: number;
  readonly #unknownKidTtlMs: number;
  readonly #clock: Clock;

  constructor(
    private readonly installKeysUrl: string,
    options: InstallKeysOptions = {},
  ) {
    this.#timeoutMs = options.timeoutMs ?? 3_000;
    this.#keyTtlMs = options.keyTtlMs ?? 60 * 60_000;
    this.#unknownKidTtlMs = options.unknownKidTtlMs ?? 5 * 60_000;
    this.#clock = options.clock ?? systemClock;
  }

  async publicKey(kid: unknown): Promise<string> {
    // The kid becomes a URL path segment: only plain ids, so it can never steer the fetch elsewhere
    // (a kid of only dots, `.` or `..`, would be resolved as a relative path segment).
    if (typeof kid !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(kid) || /^\.+$/.test(kid)) {
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: the install callback names no valid key id (kid).');
    }
    const now = this.#clock.now().getTime();
    const cached = this.#keys.get(kid);
    if (cached && cached.until > now) return cached.pem;
    const unknownUntil = this.#unknown.get(kid);
    if (unknownUntil !== undefined && unknownUntil > now) throw unknownKid();
    let response: Response;
    try {
      response = await fetch(`${this.installKeysUrl}/${kid}`, { signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch {
      throw unavailable();
    }
    if (response.status === 404) {
      await response.arrayBuffer().catch(() => undefined);
      if (this.#unknown.size > 10_000) this.#unknown.clear();
      this.#unknown.set(kid, now + this.#unknownKidTtlMs);
      throw unknownKid();
    }
    if (!response.ok) throw unavailable();
    const pem = (await response.text()).trim();
    if (!pem.includes('BEGIN PUBLIC KEY')) throw new AppError('JIRA_UNAVAILABLE', 'The install keys service sent no public key.', { status: 503 });
    if (this.#keys.size > 1_000) this.#keys.clear();
    this.#keys.set(kid, { pem, until: now + this.#keyTtlMs });
    return pem;
  }
}

const unknownKid = (): AppError => new AppError('UNAUTHENTICATED', 'Authentication failed: the install key id is unknown.');
const unavailable = (): AppError => new AppError('JIRA_UNAVAILABLE', 'The install keys service did not answer.', { status: 503 });
