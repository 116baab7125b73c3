import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isAppError } from '../domain/errors';
import { logger } from '../observability/logger';
import { tenantInstalled, throwIfNotInstalled } from './tenant-guard';
import { AppError } from '../domain/errors';
import type { Clock } from '../domain/clock';
import type { AuditEntry } from '../domain/records';
import { parseAuditItem } from './item-codecs';
import { AUDIT_COPY_SK_FLOOR, auditActorKey, auditIntegrationSkPrefix, auditIssueSkPrefix, auditPk, auditSk, tenantPk, userMarkerSk } from './keys';
import { BY_AUDIT_ACTOR_INDEX } from './table-definition';

const RETENTION_SECONDS = 400 * 24 * 3600;

/** The one partition of audit entries that could not be written when their action happened. */
export const AUDIT_OUTBOX_PK = 'AUDIT-OUTBOX';
const AFTER_ACTION_ATTEMPTS = 3;
/** Actors that are not Atlassian accounts (an install signed by Atlassian). */
const SYSTEM_ACTORS: ReadonlySet<string> = new Set(['atlassian']);
/** How long a container trusts that an account's user marker it wrote is still there (an erasure or uninstall may delete it). */
const MARKER_REMEMBERED_MS = 15 * 60 * 1000;
const MARKERS_REMEMBERED = 10_000;


export interface AuditQuery {
  readonly integrationId?: string;
  readonly accountId?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly nextCursor?: string;
}

/** Append-only audit trail per tenant, newest first, kept 400 days (TTL). */
export class AuditStore {
  /**
   * Accounts whose user marker this container wrote, and until when it skips writing it again: an
   * entry names the same few actors over and over, and the marker only has to exist once
   * (docs/architecture.md §5), so the hot audit transaction carries it on an account's first
   * appearance instead of on every entry.
   */
  readonly #markersWritten = new Map<string, number>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  /** Appends the entry while the tenant is installed (else UNAUTHENTICATED, nothing written). */
  async append(clientKey: string, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    const full: AuditEntry = { id: randomUUID(), at: this.clock.now().toISOString(), ...entry };
    await this.#put(clientKey, full);
    return full;
  }

  /**
   * The audit entry of an action the host has already done: the answer to the user is success
   * whatever happens here (docs/architecture.md §4). The write is retried; if it still fails the entry goes to a
   * durable outbox that the token-expiry run drains (`drainOutbox`); if even that fails it is logged.
   */
  async appendAfterAction(clientKey: string, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
    const full: AuditEntry = { id: randomUUID(), at: this.clock.now().toISOString(), ...entry };
    for (let attempt = 1; attempt <= AFTER_ACTION_ATTEMPTS; attempt += 1) {
      try {
        await this.#put(clientKey, full);
        return;
      } catch (error) {
        // The site was uninstalled meanwhile: its audit is gone with it, on purpose.
        if (isAppError(error) && error.code === 'UNAUTHENTICATED') return;
        if (attempt < AFTER_ACTION_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
      }
    }
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: { PK: AUDIT_OUTBOX_PK, SK: `${full.at}#${full.id}`, type: 'audit-outbox', tenant: clientKey, entry: full } }),
      );
      logger.warn('audit entry queued in the outbox', { auditId: full.id });
    } catch (error) {
      logger.error('audit entry lost: neither the audit nor its outbox could be written', { tenant: clientKey, entry: full, error: (error as Error).name });
    }
  }

  /** Writes queued audit entries (oldest first, at most `limit`); entries of uninstalled sites are dropped. */
  async drainOutbox(limit = 100): Promise<{ written: number; dropped: number }> {
    const page = await this.db.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': AUDIT_OUTBOX_PK }, Limit: limit, ConsistentRead: true }),
    );
    let written = 0;
    let dropped = 0;
    for (const item of page.Items ?? []) {
      try {
        await this.#put(String(item.tenant), item.entry as AuditEntry);
        written += 1;
      } catch (error) {
        if (!(isAppError(error) && error.code === 'UNAUTHENTICATED')) throw error;
        dropped += 1;
      }
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: item.PK, SK: item.SK } }));
    }
    return { written, dropped };
  }

  async #put(clientKey: string, full: AuditEntry): Promise<void> {
    const marker = this.#markerToWrite(clientKey, full.actorAccountId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, clientKey),
            // Idempotent by key: a drained outbox entry written twice stays one entry (and one copy).
            ...auditItems(clientKey, full).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
            // The actor's user marker: the personal data report finds every account the audit names (docs/privacy.md).
            ...(marker ? [{ Put: { TableName: this.tableName, Item: { PK: tenantPk(clientKey), SK: userMarkerSk(full.actorAccountId), type: 'user-marker', accountId: full.actorAccountId } } }] : []),
          ],
        }),
      );
    } catch (error) {
      throwIfNotInstalled(error);
      throw error;
    }
    if (marker) this.#rememberMarker(marker);
  }

  /** The key under which the actor's marker is remembered, when this entry must write it (not a system actor, not written lately). */
  #markerToWrite(clientKey: string, accountId: string): string | undefined {
    if (SYSTEM_ACTORS.has(accountId)) return undefined;
    const key = `${clientKey}\u0000${accountId}`;
    const until = this.#markersWritten.get(key);
    return until !== undefined && until > this.clock.now().getTime() ? undefined : key;
  }

  #rememberMarker(key: string): void {
    if (this.#markersWritten.size >= MARKERS_REMEMBERED) this.#markersWritten.clear();
    this.#markersWritten.set(key, this.clock.now().getTime() + MARKER_REMEMBERED_MS);
  }

  /**
   * One page, newest first, in exactly one Query whatever the filters (docs/architecture.md §5):
   * none reads the entries of the audit partition (SK below the copies); an integration reads its
   * copies (SK prefix); an account reads the byAuditActor index (entries, or with an integration
   * too, that integration's copies). No filter expression, so a rare match never walks the partition.
   */
  /** The issue's successful git actions, newest first (see listIssueActions). */
  listForIssue(clientKey: string, issueKey: string, limit: number): Promise<AuditEntry[]> {
    return listIssueActions(this.db, this.tableName, clientKey, issueKey, limit);
  }

  async list(clientKey: string, query: AuditQuery): Promise<AuditPage> {
    const pk = auditPk(clientKey);
    const shape = queryShape(clientKey, query);
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        ...(shape.indexName ? { IndexName: shape.indexName } : {}),
        KeyConditionExpression: `${shape.partitionAttribute} = :p AND ${shape.sortCondition}`,
        ExpressionAttributeValues: { ':p': shape.partition, ':s': shape.sortValue },
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(query.cursor, pk, shape),
      }),
    );
    const entries = (page.Items ?? []).map(toEntry);
    const last = page.LastEvaluatedKey;
    return { entries, ...(last ? { nextCursor: Buffer.from(JSON.stringify(last)).toString('base64url') } : {}) };
  }
}

/**
 * The issue's successful git actions, newest first, at most `limit`, in one Query of their copies
 * under the issue (docs/architecture.md §5): what the issue panel lists as made by patgate.
 */
export const listIssueActions = async (db: DynamoDBDocumentClient, tableName: string, clientKey: string, issueKey: string, limit: number): Promise<AuditEntry[]> => {
  const page = await db.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :p AND begins_with(SK, :s)',
      ExpressionAttributeValues: { ':p': auditPk(clientKey), ':s': auditIssueSkPrefix(issueKey) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (page.Items ?? []).map(toEntry);
};

/**
 * The items one audit entry is stored as: the entry (SK `{time}#{id}`), and when it names an
 * integration its copy under `I#{integrationId}#…` for that filter, and a successful git action's
 * copy under `S#{issueKey}#…` (the issue panel's list). All carry the actor's byAuditActor key and the TTL; the uninstall deletes the audit partition, copies included.
 */
export const auditItems = (clientKey: string, full: AuditEntry): Record<string, unknown>[] => {
  const ttl = Math.floor(Date.parse(full.at) / 1000) + RETENTION_SECONDS;
  const common = { PK: auditPk(clientKey), type: 'audit', ttl, auditActor: auditActorKey(clientKey, full.actorAccountId), ...full };
  const sk = auditSk(full.at, full.id);
  return [
    { ...common, SK: sk },
    ...(full.integrationId ? [{ ...common, SK: `${auditIntegrationSkPrefix(full.integrationId)}${sk}`, type: 'audit-copy' }] : []),
    ...(full.issueKey && full.outcome === 'success' && GIT_ACTIONS.has(full.action) ? [{ ...common, SK: `${auditIssueSkPrefix(full.issueKey)}${sk}`, type: 'audit-copy' }] : []),
  ];
};

/** The actions whose success is also copied under the issue (what the issue panel lists). */
const GIT_ACTIONS: ReadonlySet<string> = new Set(['create-branch', 'delete-branch', 'create-pull-request']);

interface QueryShape {
  readonly indexName?: string;
  readonly partitionAttribute: 'PK' | 'auditActor';
  readonly partition: string;
  readonly sortCondition: string;
  readonly sortValue: string;
}

const queryShape = (clientKey: string, query: AuditQuery): QueryShape => {
  const sort = query.integrationId
    ? { sortCondition: 'begins_with(SK, :s)', sortValue: auditIntegrationSkPrefix(query.integrationId) }
    : { sortCondition: 'SK < :s', sortValue: AUDIT_COPY_SK_FLOOR };
  return query.accountId
    ? { indexName: BY_AUDIT_ACTOR_INDEX.name, partitionAttribute: 'auditActor', partition: auditActorKey(clientKey, query.accountId), ...sort }
    : { partitionAttribute: 'PK', partition: auditPk(clientKey), ...sort };
};

/** A cursor is only ever the last key of the same query: this tenant's audit partition, same filters. */
const decodeCursor = (cursor: string | undefined, pk: string, shape: QueryShape): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const expectedKeys = shape.indexName ? 3 : 2;
    const sk = key.SK;
    const sortFits = typeof sk === 'string' && (shape.sortCondition.startsWith('begins_with') ? sk.startsWith(shape.sortValue) : sk < shape.sortValue);
    const indexFits = !shape.indexName || key.auditActor === shape.partition;
    if (key.PK === pk && sortFits && indexFits && Object.keys(key).length === expectedKeys) return key;
  } catch {
    /* fall through */
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.', { errors: [{ field: 'cursor', message: 'not a cursor from this API' }] });
};

const toEntry = (item: Record<string, unknown>): AuditEntry => {
  const { PK: _pk, SK: _sk, type: _type, ttl: _ttl, auditActor: _actor, ...rest } = item;
  return parseAuditItem(rest);
};
