import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** One request the service sent to DynamoDB: the API operation and the item key it names, if one. */
export interface DynamoRequest {
  readonly operation: string;
  readonly pk?: string;
  readonly sk?: string;
}

export interface DynamoTraffic {
  readonly requests: readonly DynamoRequest[];
  /** HTTP attempts, retries included. */
  readonly attempts: number;
}

// lib-dynamodb names its commands after the document API (GetCommand); the wire operation is GetItem.
const OPERATIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
};

const operationOf = (commandName: string): string => OPERATIONS[commandName] ?? commandName.replace(/Command$/, '');

/** A key attribute as the document client (plain) or the low-level client ({ S }) passes it. */
const textOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { S?: unknown }).S === 'string') return (value as { S: string }).S;
  return undefined;
};

type Keyed = { Key?: Record<string, unknown>; Item?: Record<string, unknown> };

/** A transaction is named by its first item that writes (its tenant ConditionCheck rides along). */
const keyOf = (input: unknown): { pk?: string; sk?: string } => {
  const items = (input as { TransactItems?: Record<string, Keyed>[] } | undefined)?.TransactItems;
  const written = items?.map((item) => item.Put ?? item.Update ?? item.Delete).find((item) => item !== undefined);
  const record = (written ?? input ?? {}) as Keyed;
  const key = record.Key ?? record.Item;
  if (!key) return {};
  const pk = textOf(key.PK);
  const sk = textOf(key.SK);
  return { ...(pk === undefined ? {} : { pk }), ...(sk === undefined ? {} : { sk }) };
};

/**
 * Counts what a DynamoDB document client sends, from two middlewares on its stack: one per `send`
 * (operation and key), one per HTTP attempt.
 */
export class DynamoRequestCounter {
  #requests: DynamoRequest[] = [];
  #attempts = 0;

  attach(db: DynamoDBDocumentClient): void {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        this.#requests.push({ operation: operationOf(context.commandName ?? 'unknown'), ...keyOf(args.input) });
        return next(args);
      },
      { step: 'initialize', name: 'benchCountSends' },
    );
    // Low priority in finalizeRequest: inside the retry middleware, so once per attempt.
    db.middlewareStack.add(
      (next) => async (args) => {
        this.#attempts += 1;
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'benchCountAttempts' },
    );
  }

  /** The traffic since the last call. */
  take(): DynamoTraffic {
    const traffic = { requests: this.#requests, attempts: this.#attempts };
    this.#requests = [];
    this.#attempts = 0;
    return traffic;
  }
}
