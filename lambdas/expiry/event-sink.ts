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

/** The admins' warnings about an integration's service credential (docs/architecture.md §7), on the same source. */
export const SERVICE_CREDENTIAL_EVENT_TYPES = ['Service Credential Expiring', 'Service Credential Expired'] as const;
export type ServiceCredentialEventType = (typeof SERVICE_CREDENTIAL_EVENT_TYPES)[number];

export const isServiceCredentialEventType = (value: unknown): value is ServiceCredentialEventType =>
  SERVICE_CREDENTIAL_EVENT_TYPES.includes(value as ServiceCredentialEventType);

/** What a subscriber learns about a service credential: which integration, when it expires. No account, secret or hint. */
export interface ServiceCredentialEventDetail {
  readonly tenant: string;
  readonly integrationId: string;
  readonly integrationName: string;
  readonly provider: string;
  readonly expiresAt: string;
  /** Whole days left (0: within the next 24 hours); absent once expired. */
  readonly expiresInDays?: number;
}

export interface ServiceCredentialEvent {
  readonly detailType: ServiceCredentialEventType;
  readonly detail: ServiceCredentialEventDetail;
  readonly time: Date;
}

/** Every event patgate emits on `patgate.tokens`. */
export type PatgateEvent = TokenEvent | ServiceCredentialEvent;

export const isTokenEvent = (event: PatgateEvent): event is TokenEvent => isTokenEventType(event.detailType);

/** Where token events go: EventBridge in AWS, a JSON-lines file locally, memory in tests. */
export interface EventSink {
  /** Resolves once the event is accepted; rejects when it was not (the checker retries it next run). */
  emit(event: PatgateEvent): Promise<void>;
}
