import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { AppError } from '../domain/errors';
import { BUILT_IN_KINDS, type ProviderKind } from '../domain/integration';
import type { IntegrationRecord, RepositoryOverrideRecord, StoredTokenStatus, UserTokenRecord } from '../domain/records';
import { integrationSk, overrideSk, overrideSkPrefix, tenantPk, TENANT_SK, tokenSk, userMarkerSk, userPk } from './keys';
import { parseUserTokenItem } from './item-codecs';
import { queryPartition } from './partition-items';
import { toIntegration, toOverride } from './integration-store';
import { notInstalled, tenantInstalled, throwIfNotInstalled } from './tenant-guard';
import { deleteTokenCounted, holdersUpdate } from './token-holders';

/** What one git action needs, read in a single BatchGetItem (docs/architecture.md §5). */
export interface ActionRecords {
  readonly integration?: IntegrationRecord;
  /** The override stored under the first repository key given, if any. */
  readonly override?: RepositoryOverrideRecord;
  readonly token?: UserTokenRecord;
  /** Every override found under the repository keys given, by the key it is stored under. */
  readonly overrides: ReadonlyMap<string, RepositoryOverrideRecord>;
}

const dayOf = (iso: string): string => iso.slice(0, 10);

/** Users' own tokens: one item per user per integration in the user's partition. */
export class TokenStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** The integration kinds of the host families in use: an item of another kind does not parse. */
    private readonly kinds: readonly ProviderKind[] = BUILT_IN_KINDS,
  ) {}

  /**
   * Integration, user token and the override under each repository key, in one BatchGetItem read
   * with ConsistentRead, so a requirement switched on a moment ago applies to the very next action.
   */
  async readForAction(tenant: string, accountId: string, integrationId: string, repositoryKeys: string | readonly string[] | undefined): Promise<ActionRecords> {
    const repoKeys = repositoryKeys === undefined ? [] : typeof repositoryKeys === 'string' ? [repositoryKeys] : [...new Set(repositoryKeys)];
    const items = await this.#batchGet([
      // The tenant item too: the action's one read re-checks, consistently, that the site is still
      // installed, so a container still caching an uninstalled site acts on nothing.
      { PK: tenantPk(tenant), SK: TENANT_SK },
      { PK: tenantPk(tenant), SK: integrationSk(integrationId) },
      ...repoKeys.map((key) => ({ PK: tenantPk(tenant), SK: overrideSk(integrationId, key) })),
      { PK: userPk(tenant, accountId), SK: tokenSk(integrationId) },
    ]);
    if (!items.some((i) => i.SK === TENANT_SK)) throw notInstalled();
    const integration = items.find((i) => i.type === 'integration');
    const token = items.find((i) => i.type === 'user-token');
    const overrides = overridesByKey(items);
    const first = repoKeys[0] === undefined ? undefined : overrides.get(repoKeys[0]);
    return {
      ...(integration ? { integration: toIntegration(integration, this.kinds) } : {}),
      ...(first ? { override: first } : {}),
      ...(token ? { token: toToken(token) } : {}),
      overrides,
    };
  }

  /** Overrides under further repository keys (spellings the host told after the first read). */
  async readOverrides(tenant: string, integrationId: string, repositoryKeys: readonly string[]): Promise<Map<string, RepositoryOverrideRecord>> {
    if (repositoryKeys.length === 0) return new Map();
    return overridesByKey(await this.#batchGet([...new Set(repositoryKeys)].map((key) => ({ PK: tenantPk(tenant), SK: overrideSk(integrationId, key) }))));
  }

  /** Every override of the integration, read consistently (integrations whose override keys predate canonical ids). */
  async readAllOverrides(tenant: string, integrationId: string): Promise<RepositoryOverrideRecord[]> {
    const items = await queryPartition(this.db, this.tableName, tenantPk(tenant), { skPrefix: overrideSkPrefix(integrationId), consistent: true });
    return items.filter((i) => i.type === 'override').map(toOverride);
  }

  async #batchGet(keys: Record<string, unknown>[]): Promise<Record<string, unknown>[]> {
    let pending: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = { [this.tableName]: { Keys: keys, ConsistentRead: true } };
    const items: Record<string, unknown>[] = [];
    for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt += 1) {
      if (attempt === 5) throw new Error('DynamoDB left keys unprocessed after 5 attempts');
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
      const out = await this.db.send(new BatchGetCommand({ RequestItems: pending }));
      items.push(...(out.Responses?.[this.tableName] ?? []));
      pending = out.UnprocessedKeys as typeof pending;
    }
    return items;
  }

  async get(tenant: string, accountId: string, integrationId: string): Promise<UserTokenRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { PK: userPk(tenant, accountId), SK: tokenSk(integrationId) }, ConsistentRead: true }));
    return Item ? toToken(Item) : undefined;
  }

  async listForUser(tenant: string, accountId: string): Promise<UserTokenRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': userPk(tenant, accountId), ':sk': 'PAT#' },
      }),
    );
    return (out.Items ?? []).map(toToken);
  }

  /**
   * Saves (or replaces) the token if the stored one is still at `expectedVersion` (absent: none
   * stored), while the integration still exists; marks the user so uninstall finds the partition.
   */
  async save(token: UserTokenRecord, expectedVersion: number | undefined, reverifyDay: string | undefined): Promise<void> {
    const item: Record<string, unknown> = { PK: userPk(token.tenant, token.accountId), SK: tokenSk(token.integrationId), type: 'user-token', ...token };
    if (token.expiresAt) item.expiryDay = dayOf(token.expiresAt);
    if (reverifyDay) item.reverifyDay = reverifyDay;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            tenantInstalled(this.tableName, token.tenant),
            { ConditionCheck: { TableName: this.tableName, Key: { PK: tenantPk(token.tenant), SK: integrationSk(token.integrationId) }, ConditionExpression: 'attribute_exists(PK)' } },
            {
              Put: {
                TableName: this.tableName,
                Item: item,
                ConditionExpression: expectedVersion === undefined ? 'attribute_not_exists(PK)' : '#v = :v',
                ...(expectedVersion === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
              },
            },
            { Put: { TableName: this.tableName, Item: { PK: tenantPk(token.tenant), SK: userMarkerSk(token.accountId), type: 'user-marker', accountId: token.accountId } } },
            // A first save makes the user a token holder of the integration (see token-holders.ts).
            ...(expectedVersion === undefined ? [holdersUpdate(this.tableName, token.tenant, token.integrationId, 1)] : []),
          ],
        }),
      );
    } catch (error) {
      throwIfNotInstalled(error);
      if (error instanceof TransactionCanceledException) {
        if (error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') throw new AppError('NOT_FOUND', 'Integration was not found.');
        throw new AppError('CONFLICT', 'Your token was changed by another request at the same time; reload and try again.');
      }
      throw error;
    }
  }

  /** Deletes the token and takes the user off the integration's token-holder count, in one transaction. */
  async delete(tenant: string, accountId: string, integrationId: string): Promise<boolean> {
    return deleteTokenCounted(this.db, this.tableName, tenant, accountId, integrationId);
  }

  /** Sets the status (e.g. `invalid` after a host 401) unless the token was replaced meanwhile. */
  async setStatus(token: Pick<UserTokenRecord, 'tenant' | 'accountId' | 'integrationId' | 'version'>, status: StoredTokenStatus, at: string, extra: { removeReverify?: boolean; reverifyDay?: string } = {}): Promise<boolean> {
    const sets = ['#s = :s', 'statusChangedAt = :at', '#v = :next'];
    const values: Record<string, unknown> = { ':s': status, ':at': at, ':v': token.version, ':next': token.version + 1 };
    if (extra.reverifyDay) {
      sets.push('reverifyDay = :rd', 'verifiedAt = :at');
      values[':rd'] = extra.reverifyDay;
    }
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { PK: userPk(token.tenant, token.accountId), SK: tokenSk(token.integrationId) },
          UpdateExpression: `SET ${sets.join(', ')}${extra.removeReverify ? ' REMOVE reverifyDay' : ''}`,
          ConditionExpression: 'attribute_exists(PK) AND #v = :v',
          ExpressionAttributeNames: { '#s': 'status', '#v': 'version' },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

export const toToken = (item: Record<string, unknown>): UserTokenRecord => {
  const { PK: _pk, SK: _sk, type: _type, expiryDay: _d, reverifyDay: _r, statusChangedAt: _c, eventPendingFor: _e, ...rest } = item;
  return parseUserTokenItem(rest);
};

const overridesByKey = (items: readonly Record<string, unknown>[]): Map<string, RepositoryOverrideRecord> =>
  new Map(items.filter((i) => i.type === 'override').map((i) => [String(i.SK).slice(String(i.SK).indexOf('#REPO#') + 6), toOverride(i)]));
