import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isAppError } from '../domain/errors';
import { logger } from '../observability/logger';
import { tenantInstalled, throwIfNotInstalled } from './tenant-guard';
import { AppError } from '../domain/errors';
import type { Clock } from '../domain/clock';
import type { AuditEntry } from '../domain/records';
import { parseAuditItem } from './item-codecs';
import { auditPk } from './keys';

const RETENTION_SECONDS = 400 * 24 * 3600;

/** The one partition of audit entries that could not be written when their action happened. */
export const AUDIT_OUTBOX_PK = 'AUDIT-OUTBOX';
const AFTER_ACTION_ATTEMPTS = 3;

/** Audit filters read at most this many pages per request; the cursor carries on from there. */
export const AUDIT_MAX_PAGES_PER_REQUEST = 5;

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
   * whatever happens here (DESIGN §4). The write is retried; if it still fails the entry goes to a
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
    const ttl = Math.floor(Date.parse(full.at) / 1000) + RETENTION_SECONDS;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, clientKey),
            // Idempotent by key: a drained outbox entry written twice stays one entry.
            { Put: { TableName: this.tableName, Item: { PK: auditPk(clientKey), SK: `${full.at}#${full.id}`, type: 'audit', ttl, ...full } } },
          ],
        }),
      );
    } catch (error) {
      throwIfNotInstalled(error);
      throw error;
    }
  }

  async list(clientKey: string, query: AuditQuery): Promise<AuditPage> {
    const pk = auditPk(clientKey);
    let start = decodeCursor(query.cursor, pk);
    const entries: AuditEntry[] = [];
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':pk': pk };
    if (query.integrationId) {
      filters.push('integrationId = :i');
      values[':i'] = query.integrationId;
    }
    if (query.accountId) {
      filters.push('actorAccountId = :a');
      values[':a'] = query.accountId;
    }
    let last: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      pages += 1;
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk',
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: query.limit - entries.length,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) entries.push(toEntry(item));
      last = page.LastEvaluatedKey;
      start = last;
      // A filter that matches little must not turn one request into a walk of the whole partition.
    } while (last && entries.length < query.limit && pages < AUDIT_MAX_PAGES_PER_REQUEST);
    return { entries, ...(last ? { nextCursor: Buffer.from(JSON.stringify(last)).toString('base64url') } : {}) };
  }
}

const decodeCursor = (cursor: string | undefined, pk: string): Record<string, unknown> | undefined => {
  if (!cursor) return undefined;
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    // A cursor is only ever a key of this tenant's audit partition.
    if (key.PK === pk && typeof key.SK === 'string' && Object.keys(key).length === 2) return key;
  } catch {
    /* fall through */
  }
  throw new AppError('VALIDATION_FAILED', 'The cursor is not valid.', { errors: [{ field: 'cursor', message: 'not a cursor from this API' }] });
};

const toEntry = (item: Record<string, unknown>): AuditEntry => {
  const { PK: _pk, SK: _sk, type: _type, ttl: _ttl, ...rest } = item;
  return parseAuditItem(rest);
};
