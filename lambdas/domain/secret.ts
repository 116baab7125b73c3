import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value (PAT, secret access key, shared secret). It never prints: toString, toJSON and
 * util.inspect all redact, so a secret that slips into a log line or a response body stays hidden.
 * Read it with `reveal()` only at the point of use.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** The last four characters, for display (docs/architecture.md §4: only a hint is ever shown). */
  hint(): string {
    return this.#value.length <= 8 ? '****' : `…${this.#value.slice(-4)}`;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
