/** GitHub.com's primary rate limit for a user's token: 5,000 requests an hour (core resource). */
export const PRIMARY_RATE_LIMIT = 5_000;

const WINDOW_SECONDS = 3_600;

export interface RateLimitStatus {
  readonly limit: number;
  readonly remaining: number;
  readonly used: number;
  /** UTC epoch seconds when the window resets (`x-ratelimit-reset`). */
  readonly reset: number;
}

interface Window {
  startSeconds: number;
  used: number;
}

/** Counts each user's requests in an hourly window, as the `x-ratelimit-*` headers report them. */
export class RateLimitLedger {
  readonly #windows = new Map<string, Window>();

  /** Counts one request; `exceeded` when the window had no request left before this one. */
  consume(login: string, now: Date): RateLimitStatus & { readonly exceeded: boolean } {
    const window = this.#current(login, now);
    const exceeded = window.used >= PRIMARY_RATE_LIMIT;
    if (!exceeded) window.used += 1;
    return { ...this.#status(window), exceeded };
  }

  /** Test control: leave `remaining` requests in the user's current window. */
  setRemaining(login: string, remaining: number, now: Date): void {
    this.#current(login, now).used = PRIMARY_RATE_LIMIT - Math.max(0, Math.min(PRIMARY_RATE_LIMIT, remaining));
  }

  clear(): void {
    this.#windows.clear();
  }

  #current(login: string, now: Date): Window {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    const window = this.#windows.get(login);
    if (window && nowSeconds < window.startSeconds + WINDOW_SECONDS) return window;
    const fresh = { startSeconds: nowSeconds, used: 0 };
    this.#windows.set(login, fresh);
    return fresh;
  }

  #status(window: Window): RateLimitStatus {
    return {
      limit: PRIMARY_RATE_LIMIT,
      remaining: PRIMARY_RATE_LIMIT - window.used,
      used: window.used,
      reset: window.startSeconds + WINDOW_SECONDS,
    };
  }
}
