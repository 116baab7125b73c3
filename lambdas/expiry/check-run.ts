import type { Clock } from '../domain/clock';
import type { IntegrationRecord } from '../domain/records';
import { calendarDay } from './calendar-day';
import type { CheckedToken } from './checked-token';
import { RunBudget } from './run-budget';

/** What one run did. `itemsRead` counts the items DynamoDB read for the run's Queries. */
export interface ExpiryCheckSummary {
  readonly examined: number;
  readonly markedExpiring: number;
  readonly markedExpired: number;
  readonly markedInvalid: number;
  readonly reverified: number;
  /** Warnings sent to the admins about integrations' service credentials (30, 7, 1 day before; expired). */
  readonly serviceCredentialWarnings: number;
  /** Tokens left for a later run: host rate-limited, paused or failing, or an event not yet accepted. */
  readonly deferred: number;
  readonly itemsRead: number;
  /** The run stopped starting work because its time ran out; the next run continues. */
  readonly budgetExhausted: boolean;
}

type Counter = Exclude<keyof ExpiryCheckSummary, 'budgetExhausted'>;

/** Where an integration's host lives: a rate limit pauses every token of that host for the rest of the run. */
export const hostKey = (integration: Pick<IntegrationRecord, 'provider' | 'baseUrl' | 'region'>): string =>
  `${integration.provider} ${integration.baseUrl ?? integration.region ?? ''}`;

/** The state of one run: its instant, its budget, its counters, the hosts it paused, the integrations it read. */
export class CheckRun {
  /** One instant for every decision of the run, however long it takes. */
  readonly now: Date;
  readonly today: string;
  readonly budget: RunBudget;
  readonly #counts: Record<Counter, number> = { examined: 0, markedExpiring: 0, markedExpired: 0, markedInvalid: 0, reverified: 0, serviceCredentialWarnings: 0, deferred: 0, itemsRead: 0 };
  readonly #pausedHosts = new Set<string>();
  readonly #integrations = new Map<string, Promise<IntegrationRecord | undefined>>();

  constructor(
    clock: Clock,
    budgetMs: number,
    private readonly readIntegration: (tenant: string, integrationId: string) => Promise<IntegrationRecord | undefined>,
  ) {
    this.now = clock.now();
    this.today = calendarDay(this.now);
    this.budget = new RunBudget(clock, budgetMs);
  }

  get at(): string {
    return this.now.toISOString();
  }

  add(counter: Counter, amount = 1): void {
    this.#counts[counter] += amount;
  }

  /** Read once per run per integration: many tokens share one. */
  integrationOf(token: Pick<CheckedToken, 'tenant' | 'integrationId'>): Promise<IntegrationRecord | undefined> {
    const key = `${token.tenant} ${token.integrationId}`;
    let integration = this.#integrations.get(key);
    if (!integration) {
      integration = this.readIntegration(token.tenant, token.integrationId);
      this.#integrations.set(key, integration);
    }
    return integration;
  }

  pause(host: string): void {
    this.#pausedHosts.add(host);
  }

  isPaused(host: string): boolean {
    return this.#pausedHosts.has(host);
  }

  summary(): ExpiryCheckSummary {
    return { ...this.#counts, budgetExhausted: this.budget.exhausted };
  }
}
