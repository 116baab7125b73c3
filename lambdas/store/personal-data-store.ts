import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { auditActorKey, idempotencyPk, INTEGRATION_SK_PREFIX, tenantPk, userMarkerSk, USER_MARKER_PREFIX } from './keys';
import { deleteItems, type ItemKey } from './partition-items';
import { BY_AUDIT_ACTOR_INDEX } from './table-definition';
import { tenantInstalled, throwIfNotInstalled } from './tenant-guard';

/** The report's progress through the tenant's accounts, one item in the tenant partition. */
export const PRIVACY_REPORT_SK = 'PRIVACY#REPORT';

export interface ReportProgress {
  /** When the current pass over the tenant's accounts began (ISO). */
  readonly cycleStartedAt: string;
  /** The last account of this pass already reported; absent at its start. */
  readonly cursor?: string;
  /** Set when the pass reached the last account; the next one starts a cycle after `cycleStartedAt`. */
  readonly cycleCompletedAt?: string;
  /** After a 429: no request before this time (ISO). */
  readonly notBefore?: string;
  /** Accounts reported closed whose erasure has not finished yet. */
  readonly closing: readonly string[];
  readonly version: number;
}

/** An account patgate holds data of: a user marker (`USER#{accountId}`, docs/architecture.md §5). */
export interface HeldAccount {
  readonly accountId: string;
  /** Set once the account was reported closed: the pseudonym its audit entries get. */
  readonly pseudonym?: string;
}

export interface AuditActorPage {
  readonly items: readonly Record<string, unknown>[];
  readonly next?: Record<string, unknown>;
}

/**
 * DynamoDB access of the personal data report (lambdas/privacy): the accounts held (user markers,
 * read in pages after a cursor), the report's progress, an account's pseudonym and the rewrite of
 * its audit entries through the byAuditActor index. Every read is one bounded Query or GetItem.
 */
export class PersonalDataStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async progress(tenant: string): Promise<ReportProgress | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: PRIVACY_REPORT_SK }, ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      cycleStartedAt: String(Item.cycleStartedAt),
      ...(typeof Item.cursor === 'string' ? { cursor: Item.cursor } : {}),
      ...(typeof Item.cycleCompletedAt === 'string' ? { cycleCompletedAt: Item.cycleCompletedAt } : {}),
      ...(typeof Item.notBefore === 'string' ? { notBefore: Item.notBefore } : {}),
      closing: Array.isArray(Item.closing) ? Item.closing.map(String) : [],
      version: Number(Item.version ?? 0),
    };
  }

  /**
   * Saves the progress if nobody saved since `expected` was read (a retried trigger running beside
   * the first one), while the site is installed. False when another run got there first.
   */
  async saveProgress(tenant: string, next: Omit<ReportProgress, 'version'>, expected: number | undefined): Promise<ReportProgress | undefined> {
    const version = (expected ?? 0) + 1;
    const item = { PK: tenantPk(tenant), SK: PRIVACY_REPORT_SK, type: 'privacy-report', ...next, version };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, tenant),
            {
              Put: {
                TableName: this.tableName,
                Item: item,
                ConditionExpression: expected === undefined ? 'attribute_not_exists(PK)' : '#v = :v',
                ...(expected === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expected } }),
              },
            },
          ],
        }),
      );
      return { ...next, version };
    } catch (error) {
      throwIfNotInstalled(error);
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') return undefined;
      throw error;
    }
  }

  /** Up to `limit` held accounts after `cursor`, in key order, in one Query. */
  async accountsAfter(tenant: string, cursor: string | undefined, limit: number): Promise<{ accounts: HeldAccount[]; more: boolean }> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':sk': USER_MARKER_PREFIX },
        ...(cursor === undefined ? {} : { ExclusiveStartKey: { PK: tenantPk(tenant), SK: userMarkerSk(cursor) } }),
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    const accounts = (page.Items ?? []).map((item) => ({
      accountId: String(item.SK).slice(USER_MARKER_PREFIX.length),
      ...(typeof item.pseudonym === 'string' ? { pseudonym: item.pseudonym } : {}),
    }));
    return { accounts, more: page.LastEvaluatedKey !== undefined };
  }

  /**
   * The account's pseudonym, chosen at random once and kept on its user marker until the erasure
   * ends, so every audit entry of the account gets the same one even across runs.
   */
  async pseudonymFor(tenant: string, accountId: string): Promise<string> {
    const key = { PK: tenantPk(tenant), SK: userMarkerSk(accountId) };
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, tenant),
            {
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: 'SET #type = :type, pseudonym = if_not_exists(pseudonym, :p)',
                ExpressionAttributeNames: { '#type': 'type' },
                ExpressionAttributeValues: { ':type': 'user-marker', ':p': `closed-account-${randomUUID()}` },
              },
            },
          ],
        }),
      );
    } catch (error) {
      throwIfNotInstalled(error);
      throw error;
    }
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return String(Item?.pseudonym);
  }

  /** One page of the account's audit entries and copies (byAuditActor index). */
  async auditPage(tenant: string, accountId: string, start: Record<string, unknown> | undefined, limit = 100): Promise<AuditActorPage> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_AUDIT_ACTOR_INDEX.name,
        KeyConditionExpression: 'auditActor = :a',
        ExpressionAttributeValues: { ':a': auditActorKey(tenant, accountId) },
        ExclusiveStartKey: start,
        Limit: limit,
      }),
    );
    return { items: page.Items ?? [], ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
  }

  /**
   * Replaces the actor of one audit item (entry or copy) with the pseudonym, in the item and its
   * byAuditActor key, and drops the host login the user's own token acted as. Conditional on the
   * item still naming the account (the index is eventually consistent; a repeat changes nothing).
   */
  async pseudonymiseAuditItem(tenant: string, item: Record<string, unknown>, accountId: string, pseudonym: string): Promise<boolean> {
    const actedAs = item.actedAs as { login?: unknown } | undefined;
    const dropLogin = typeof actedAs === 'object' && actedAs !== null && actedAs.login !== undefined;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: item.PK, SK: item.SK },
          UpdateExpression: `SET actorAccountId = :p, auditActor = :newActor${dropLogin ? ' REMOVE actedAs.login' : ''}`,
          ConditionExpression: 'auditActor = :oldActor',
          ExpressionAttributeValues: { ':p': pseudonym, ':newActor': auditActorKey(tenant, pseudonym), ':oldActor': auditActorKey(tenant, accountId) },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /**
   * Integrations and repository overrides name the admin who created or last changed them
   * (`createdBy`, `updatedBy`): those naming the account get the pseudonym instead, each write
   * conditional on the field still naming it. Reads the tenant's `INT#` items a page at a time.
   */
  async pseudonymiseAuthors(tenant: string, accountId: string, pseudonym: string): Promise<number> {
    let changed = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': tenantPk(tenant), ':sk': INTEGRATION_SK_PREFIX },
          ProjectionExpression: 'PK, SK, createdBy, updatedBy',
          ExclusiveStartKey: start,
          Limit: 500,
        }),
      );
      for (const item of page.Items ?? []) {
        for (const field of ['createdBy', 'updatedBy'] as const) {
          if (item[field] !== accountId) continue;
          try {
            await this.db.send(
              new UpdateCommand({
                TableName: this.tableName,
                Key: { PK: item.PK, SK: item.SK },
                UpdateExpression: 'SET #f = :p',
                ConditionExpression: '#f = :old',
                ExpressionAttributeNames: { '#f': field },
                ExpressionAttributeValues: { ':p': pseudonym, ':old': accountId },
              }),
            );
            changed += 1;
          } catch (error) {
            if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
          }
        }
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return changed;
  }

  /**
   * The account's git-action idempotency records (`{accountId}#{key}` in the tenant's IDEM
   * partition; they expire within 24 h anyway), keys only, a page at a time.
   */
  async deleteIdempotencyRecords(tenant: string, accountId: string): Promise<number> {
    let deleted = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': idempotencyPk(tenant), ':sk': `${accountId}#` },
          ProjectionExpression: 'PK, SK',
          ExclusiveStartKey: start,
          Limit: 100,
        }),
      );
      const keys = (page.Items ?? []) as ItemKey[];
      await deleteItems(this.db, this.tableName, keys);
      deleted += keys.length;
      start = page.LastEvaluatedKey;
    } while (start);
    return deleted;
  }

  /** The last step of an erasure: the user marker (and the pseudonym on it) goes. */
  async deleteMarker(tenant: string, accountId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { PK: tenantPk(tenant), SK: userMarkerSk(accountId) } }));
  }
}
