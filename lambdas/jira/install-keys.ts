import { AppError } from '../domain/errors';

/** Fetches Atlassian's install-callback public keys (`{installKeysUrl}/{kid}`, PEM), cached by kid. */
export class InstallKeys {
  readonly #cache = new Map<string, string>();

  constructor(
    private readonly installKeysUrl: string,
    private readonly timeoutMs = 3_000,
  ) {}

  async publicKey(kid: unknown): Promise<string> {
    // The kid becomes a URL path segment: only plain ids, so it can never steer the fetch elsewhere
    // (a kid of only dots, `.` or `..`, would be resolved as a relative path segment).
    if (typeof kid !== 'string' || !/^[A-Za-z0-9._-]{1,128}$/.test(kid) || /^\.+$/.test(kid)) {
      throw new AppError('UNAUTHENTICATED', 'Authentication failed: the install callback names no valid key id (kid).');
    }
    const cached = this.#cache.get(kid);
    if (cached) return cached;
    let response: Response;
    try {
      response = await fetch(`${this.installKeysUrl}/${kid}`, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch {
      throw new AppError('JIRA_UNAVAILABLE', 'The install keys service did not answer.', { status: 503 });
    }
    if (response.status === 404) throw new AppError('UNAUTHENTICATED', 'Authentication failed: the install key id is unknown.');
    if (!response.ok) throw new AppError('JIRA_UNAVAILABLE', 'The install keys service did not answer.', { status: 503 });
    const pem = (await response.text()).trim();
    if (!pem.includes('BEGIN PUBLIC KEY')) throw new AppError('JIRA_UNAVAILABLE', 'The install keys service sent no public key.', { status: 503 });
    this.#cache.set(kid, pem);
    return pem;
  }
}
