import { BoundedMap } from '../bounded-map';

/**
 * The resource locations (with the API versions each server speaks) an organisation / collection
 * answered to `OPTIONS {base}/_apis/{area}`, kept per base URL so that only the first call of a warm
 * container negotiates. They describe the server, not the caller, so every credential shares them.
 * Entries expire after an hour (a server upgrade is picked up) and the map is bounded.
 */
export type AreaLocations = Readonly<Record<string, unknown>>;

const MAX_AGE_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 256;

interface Entry {
  readonly locations: AreaLocations;
  readonly storedAt: number;
}

export class NegotiatedLocations {
  readonly #entries = new BoundedMap<Entry>(MAX_ENTRIES);

  constructor(private readonly now: () => number = Date.now) {}

  get(baseUrl: string, area: string): AreaLocations | undefined {
    const key = `${area.toLowerCase()} ${baseUrl}`;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt > MAX_AGE_MS) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.locations;
  }

  set(baseUrl: string, area: string, locations: AreaLocations): void {
    const key = `${area.toLowerCase()} ${baseUrl}`;
    this.#entries.set(key, { locations, storedAt: this.now() });
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** The container's cache (one per Lambda container, shared by every call). */
export const NEGOTIATED_LOCATIONS = new NegotiatedLocations();
