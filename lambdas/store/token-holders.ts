import { DeleteCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { integrationSk, tenantPk, tokenSk, userPk } from './keys';

/**
 * How many users hold a token for an integration, kept without a scan: a counter item beside the
 * integration (`INT#<id>#HOLDERS` in the tenant partition, so the Query that lists integrations
 * reads it too). It is changed only in the same DynamoDB transaction as a token's first save (+1)
 * and a token's delete (-1), so it cannot drift from the tokens. It lives on its own item, not on
 * the integration item, because an integration update replaces that item whole and would write
 * back a count read before a concurrent save. Integration ids hold no '#', so the key cannot meet
 * another integration's or an override's (`INT#<id>#REPO#…`).
 */
export const holdersSk = (integrationId: string): string => `INT#${integrationId}#HOLDERS`;
export const TOKEN_HOLDERS_TYPE = 'token-holders';

/** The transaction item that adds `delta` to the counter (creating it at `delta`). */
export const holdersUpdate = (tableName: string, tenant: string, integrationId: string, delta: 1 | -1) => ({
  Update: {
    TableName: tableName,
    Key: { PK: tenantPk(tenant), SK: holdersSk(integrationId) },
    UpdateExpression: 'SET #type = :type, integrationId = :id ADD tokenHolders :delta',
    ExpressionAttributeNames: { '#type': 'type' },
    ExpressionAttributeValues: { ':type': TOKEN_HOLDERS_TYPE, ':id': integrationId, ':delta': delta },
  },
});

/** Counts per integration id from the items of a tenant-partition read (other items ignored). */
export const holdersOf = (items: readonly Record<string, unknown>[]): Map<string, number> =>
  new Map(items.filter((i) => i.type === TOKEN_HOLDERS_TYPE).map((i) => [String(i.integrationId), Math.max(0, Number(i.tokenHolders ?? 0))]));

const CONFLICT_ATTEMPTS = 4;

/**
 * Deletes a user's token and takes it off the integration's counter in one transaction; answers
 * whether a token was there. When the integration is gone (its delete removes the counter and the
 * tokens), the token is deleted alone.
 */
export const deleteTokenCounted = async (db: DynamoDBDocumentClient, tableName: string, tenant: string, accountId: string, integrationId: string): Promise<boolean> => {
  const tokenKey = { PK: userPk(tenant, accountId), SK: tokenSk(integrationId) };
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.send(
        new TransactWriteCommand({
          TransactItems: [
            { ConditionCheck: { TableName: tableName, Key: { PK: tenantPk(tenant), SK: integrationSk(integrationId) }, ConditionExpression: 'attribute_exists(PK)' } },
            { Delete: { TableName: tableName, Key: tokenKey, ConditionExpression: 'attribute_exists(PK)' } },
            holdersUpdate(tableName, tenant, integrationId, -1),
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[1]?.Code === 'ConditionalCheckFailed') return false;
      if (reasons[0]?.Code === 'ConditionalCheckFailed') {
        const out = await db.send(new DeleteCommand({ TableName: tableName, Key: tokenKey, ReturnValues: 'ALL_OLD' }));
        return out.Attributes !== undefined;
      }
      // A concurrent transaction on one of the items (TransactionConflict): try again shortly.
      if (attempt === CONFLICT_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
    }
  }
};
