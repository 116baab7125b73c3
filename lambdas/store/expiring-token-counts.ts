import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BY_EXPIRY_INDEX } from './table-definition';
import { userPk } from './keys';

const DAY_MS = 24 * 3600 * 1000;

/** The window the admin page and the users' warnings use. */
export const EXPIRING_WITHIN_DAYS = 7;

/**
 * How many users' tokens of one tenant expire within the next `days` days, per integration: counts
 * only, never who. Reads the `byExpiry` index one day-partition at a time (today .. today+days),
 * from now to now+days. The partitions hold every tenant's tokens; the filter on the item key keeps
 * other tenants' items inside DynamoDB (a filter is applied before anything is returned), and only
 * `integrationId` is projected out. Tokens already marked `invalid` are left out: they need a new
 * token anyway, and the page shows them by status.
 */
export const countExpiringTokens = async (
  db: DynamoDBDocumentClient,
  tableName: string,
  tenant: string,
  now: Date,
  days = EXPIRING_WITHIN_DAYS,
): Promise<Map<string, number>> => {
  const from = now.toISOString();
  const until = new Date(now.getTime() + days * DAY_MS).toISOString();
  // userPk(tenant, '') is `T#<tenant>#U#`: every user partition of this tenant and of no other.
  const tenantUsers = userPk(tenant, '');
  const counts = new Map<string, number>();
  for (let offset = 0; offset <= days; offset += 1) {
    const day = new Date(now.getTime() + offset * DAY_MS).toISOString().slice(0, 10);
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: BY_EXPIRY_INDEX.name,
          KeyConditionExpression: '#day = :day AND #at BETWEEN :from AND :until',
          FilterExpression: 'begins_with(#pk, :tenantUsers) AND #type = :token AND #status <> :invalid',
          ProjectionExpression: '#integrationId',
          ExpressionAttributeNames: {
            '#day': BY_EXPIRY_INDEX.partitionKey,
            '#at': BY_EXPIRY_INDEX.sortKey,
            '#pk': 'PK',
            '#type': 'type',
            '#status': 'status',
            '#integrationId': 'integrationId',
          },
          ExpressionAttributeValues: { ':day': day, ':from': from, ':until': until, ':tenantUsers': tenantUsers, ':token': 'user-token', ':invalid': 'invalid' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const id = item.integrationId;
        if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return counts;
};
