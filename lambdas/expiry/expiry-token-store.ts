import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StoredTokenStatus } from '../domain/records';
import { tokenSk, userPk } from '../store/keys';
import { BY_EXPIRY_INDEX, BY_REVERIFY_INDEX } from '../store/table-definition';
import { toCheckedToken, type CheckedToken } from './checked-token';
import type { TokenEventType } from './event-sink';

export type PageKey = Record<string, unknown>;

export interface TokenPage {
  readonly tokens: readonly CheckedToken[];
  /** Items DynamoDB read for this page (ScannedCount), well-formed or not. */
  readonly itemsRead: number;
  readonly next?: PageKey;
}

type TokenKey = Pick<CheckedToken, 'tenant' | 'accountId' | 'integrationId'>;

const keyOf = (token: TokenKey) => ({ PK: userPk(token.tenant, token.accountId), SK: tokenSk(token.integrationId) });

const isConditionFailure = (error: unknown): boolean => (error as Error).name === 'ConditionalCheckFailedException';

/**
 * The checker's reads and writes of user-token items: Queries of the two GSIs (never a Scan), and
 * conditional updates on `version` so a token replaced meanwhile is skipped, not overwritten.
 */
export class ExpiryTokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One page of the `expiryDay` partition, tokens expiring no later than `until` (ISO), soonest first. */
  queryExpiring(day: string, until: string, pageSize: number, start?: PageKey): Promise<TokenPage> {
    return this.#page(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_EXPIRY_INDEX.name,
        KeyConditionExpression: '#day = :day AND #at <= :until',
        ExpressionAttributeNames: { '#day': BY_EXPIRY_INDEX.partitionKey, '#at': BY_EXPIRY_INDEX.sortKey },
        ExpressionAttributeValues: { ':day': day, ':until': until },
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
  }

  /** One page of the `reverifyDay` partition. */
  queryReverify(day: string, pageSize: number, start?: PageKey): Promise<TokenPage> {
    return this.#page(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_REVERIFY_INDEX.name,
        KeyConditionExpression: '#day = :day',
        ExpressionAttributeNames: { '#day': BY_REVERIFY_INDEX.partitionKey },
        ExpressionAttributeValues: { ':day': day },
        Limit: pageSize,
        ExclusiveStartKey: start,
      }),
    );
  }

  /**
   * Changes the status and records the event it owes in the same write, unless the token changed since
   * it was read. Returns the token as written, or undefined when it was replaced or changed meanwhile.
   */
  async markStatus(token: CheckedToken, status: StoredTokenStatus, event: TokenEventType, at: string): Promise<CheckedToken | undefined> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(token),
          UpdateExpression: 'SET #s = :s, statusChangedAt = :at, #v = :next, eventPendingFor = :e',
          ConditionExpression: 'attribute_exists(PK) AND #v = :v AND #s = :old',
          ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
          ExpressionAttributeValues: { ':s': status, ':at': at, ':v': token.version, ':next': token.version + 1, ':e': event, ':old': token.status },
        }),
      );
      return { ...token, status, version: token.version + 1, eventPendingFor: event };
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /**
   * Whether the table (not the eventually consistent index) still holds this pending event: a stale
   * index read must not emit an event twice.
   */
  async stillPending(token: CheckedToken, event: TokenEventType): Promise<boolean> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: keyOf(token), ConsistentRead: true, ProjectionExpression: '#v, eventPendingFor', ExpressionAttributeNames: { '#v': 'version' } }));
    return Item?.version === token.version && Item?.eventPendingFor === event;
  }

  /** After the event was accepted. An invalid token also leaves the re-verify index: nothing is left to check. */
  async clearPendingEvent(token: CheckedToken, event: TokenEventType, leaveReverifyIndex: boolean): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(token),
          UpdateExpression: `REMOVE eventPendingFor${leaveReverifyIndex ? ', reverifyDay' : ''}`,
          ConditionExpression: '#v = :v AND eventPendingFor = :e',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': token.version, ':e': event },
        }),
      );
    } catch (error) {
      // Replaced meanwhile: the new token carries no pending event of its own.
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * The host still accepts the token: check it again on `day`. Conditional on the day it was read
   * with, so two runs the same day move it once. The version is kept: this is not a change of the token.
   */
  async moveReverifyDay(token: CheckedToken, day: string, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keyOf(token),
          UpdateExpression: 'SET reverifyDay = :day, verifiedAt = :at',
          ConditionExpression: '#v = :v AND reverifyDay = :old',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':day': day, ':at': at, ':v': token.version, ':old': token.reverifyDay ?? '' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #page(command: QueryCommand): Promise<TokenPage> {
    const out = await this.db.send(command);
    const items = out.Items ?? [];
    const tokens = items.map(toCheckedToken).filter((t): t is CheckedToken => t !== undefined);
    return { tokens, itemsRead: out.ScannedCount ?? items.length, ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}) };
  }
}
