import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../lambdas/domain/clock';
import type { UserTokenRecord } from '../../lambdas/domain/records';
import { LOCAL_AWS_CREDENTIALS } from '../../local/dynamodb-local';
import { createTable } from '../../local/create-table';
import { tokenSk, userPk } from '../../lambdas/store/keys';

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export const HOUR_MS = 3600 * 1000;
export const DAY_MS = 24 * HOUR_MS;

/** Counts what the checker asks DynamoDB for, as seen on the wire. */
export interface ReadCounter {
  queries: number;
  scans: number;
  itemsReturned: number;
  reset(): void;
}

export interface TestTable {
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly reads: ReadCounter;
  destroy(): void;
}

/** A fresh table in the Jest run's DynamoDB Local, with a client that counts Queries, Scans and items returned. */
export const createTestTable = async (): Promise<TestTable> => {
  const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DynamoDB Local is not running (Jest globalSetup)');
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  const tableName = `patgate-expiry-${randomUUID()}`;
  await createTable(client, tableName);
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const reads: ReadCounter = {
    queries: 0,
    scans: 0,
    itemsReturned: 0,
    reset() {
      this.queries = 0;
      this.scans = 0;
      this.itemsReturned = 0;
    },
  };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[] };
      if (context.commandName === 'QueryCommand') reads.queries += 1;
      if (context.commandName === 'ScanCommand') reads.scans += 1;
      if (context.commandName === 'QueryCommand' || context.commandName === 'ScanCommand') reads.itemsReturned += output.Items?.length ?? 0;
      return result;
    },
    { step: 'initialize', name: 'countReads' },
  );
  return { db, tableName, reads, destroy: () => client.destroy() };
};

export interface TokenItemInput {
  readonly tenant?: string;
  readonly accountId: string;
  readonly integrationId?: string;
  readonly expiresAt?: string;
  readonly reverifyDay?: string;
  readonly status?: UserTokenRecord['status'];
  readonly version?: number;
  readonly ciphertext?: string;
}

/** A user-token item exactly as TokenStore.save writes it. */
export const tokenItem = (input: TokenItemInput): Record<string, unknown> => {
  const tenant = input.tenant ?? 'tenant-a';
  const integrationId = input.integrationId ?? 'int-github';
  const record: UserTokenRecord = {
    tenant,
    accountId: input.accountId,
    integrationId,
    credential: { kind: 'token', ciphertext: input.ciphertext ?? 'AYADeJ-not-a-real-ciphertext', hint: '…abcd', setAt: '2030-01-01T00:00:00.000Z' },
    providerLogin: `login-${input.accountId}`,
    scopes: ['repo'],
    ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
    status: input.status ?? 'valid',
    savedAt: '2030-01-01T00:00:00.000Z',
    verifiedAt: '2030-01-01T00:00:00.000Z',
    version: input.version ?? 1,
  };
  const item: Record<string, unknown> = { PK: userPk(tenant, input.accountId), SK: tokenSk(integrationId), type: 'user-token', ...record };
  if (record.expiresAt) item.expiryDay = record.expiresAt.slice(0, 10);
  else if (input.reverifyDay) item.reverifyDay = input.reverifyDay;
  return item;
};

/** BatchWriteItem, 25 items a request, `concurrency` requests at once, unprocessed items resent. */
export const seedItems = async (table: TestTable, items: readonly Record<string, unknown>[], concurrency = 8): Promise<void> => {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      let pending = (batches[next] ?? []).map((Item) => ({ PutRequest: { Item } }));
      next += 1;
      while (pending.length > 0) {
        const out = await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: pending } }));
        pending = (out.UnprocessedItems?.[table.tableName] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
};
