/** The `source` of every event the checker emits (docs/architecture.md §7; the CDK stack scopes PutEvents to it). */
export const TOKEN_EVENTS_SOURCE = 'patgate.tokens';

export const TOKEN_EVENT_TYPES = ['Token Expiring', 'Token Expired', 'Token Invalid'] as const;
export type TokenEventType = (typeof TOKEN_EVENT_TYPES)[number];

export const isTokenEventType = (value: unknown): value is TokenEventType => TOKEN_EVENT_TYPES.includes(value as TokenEventType);

/** What a subscriber learns about a token: whose it is and when it expires. Never a secret or a hint. */
export interface TokenEventDetail {
  readonly tenant: string;
  readonly integrationId: string;
  readonly accountId: string;
  readonly expiresAt?: string;
}

export interface TokenEvent {
  readonly detailType: TokenEventType;
  readonly detail: TokenEventDetail;
  readonly time: Date;
}

/** Where token events go: EventBridge in AWS, a JSON-lines file locally, memory in tests. */
export interface EventSink {
  /** Resolves once the event is accepted; rejects when it was not (the checker retries it next run). */
  emit(event: TokenEvent): Promise<void>;
}
