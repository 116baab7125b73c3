import { randomUUID } from 'node:crypto';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../domain/errors';
import type { Clock } from '../domain/clock';
import type { AuditEntry } from '../domain/records';
import { auditPk } from './keys';

const RETENTION_SECONDS = 400 * 24 * 3600;

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

  async append(clientKey: string, entry: Omit<AuditEntry, 'id' | 'at'>): Promise<AuditEntry> {
    const now = this.clock.now();
    const full: AuditEntry = { id: randomUUID(), at: now.toISOString(), ...entry };
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { PK: auditPk(clientKey), SK: `${full.at}#${full.id}`, type: 'audit', ttl: Math.floor(now.getTime() / 1000) + RETENTION_SECONDS, ...full },
      }),
    );
    return full;
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
    do {
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
    } while (last && entries.length < query.limit);
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
  return rest as unknown as AuditEntry;
};
