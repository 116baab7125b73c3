import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Read and write units DynamoDB said the requests consumed. */
export interface ConsumedUnits {
  readonly requests: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

const READS = new Set(['GetCommand', 'BatchGetCommand', 'QueryCommand', 'ScanCommand', 'TransactGetCommand', 'GetItemCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand']);

interface Capacity {
  readonly CapacityUnits?: number;
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
}

/**
 * The bench's counting layer for DynamoDB cost: asks every request for its consumed capacity
 * (`ReturnConsumedCapacity: TOTAL`, which every read and write operation accepts:
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-ReturnConsumedCapacity)
 * and adds up what the responses say (`ConsumedCapacity`, one object, or one per table for batches
 * and transactions). Production code never asks: the figure is the bench's alone.
 */
export class ConsumedCapacityCounter {
  #requests = 0;
  #read = 0;
  #write = 0;

  attach(db: DynamoDBDocumentClient): void {
    db.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ReturnConsumedCapacity?: string };
        input.ReturnConsumedCapacity ??= 'TOTAL';
        const result = await next(args);
        const consumed = (result.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
        const isRead = READS.has(context.commandName ?? '');
        this.#requests += 1;
        for (const c of consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed]) {
          // DynamoDB splits the total into read and write units when it can; otherwise the operation says which.
          if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
            this.#read += c.ReadCapacityUnits ?? 0;
            this.#write += c.WriteCapacityUnits ?? 0;
          } else if (isRead) this.#read += c.CapacityUnits ?? 0;
          else this.#write += c.CapacityUnits ?? 0;
        }
        return result;
      },
      // Before the document client marshalls the input, so the parameter goes out with it.
      { step: 'initialize', name: 'benchConsumedCapacity' },
    );
  }

  /** The units since the last call. */
  take(): ConsumedUnits {
    const units = { requests: this.#requests, readUnits: this.#read, writeUnits: this.#write };
    this.#requests = 0;
    this.#read = 0;
    this.#write = 0;
    return units;
  }
}
