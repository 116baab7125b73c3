import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { functionNames, functionSpecs } from '../../lib/function-specs';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { DYNAMODB_BUDGET, KMS_BUDGET, worstCaseMs } from '../../lambdas/wiring/aws-call-budget';
import { kmsVault } from '../../lambdas/vault/token-vault';
import { noTelemetry, useTelemetry } from '../../lambdas/observability/telemetry';

/** A loopback endpoint that accepts every connection, reads every request and never answers. */
class HungEndpoint {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  requests = 0;

  constructor() {
    this.#server = createServer(() => {
      this.requests += 1;
    });
    this.#server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

describe('AWS call budgets', () => {
  let endpoint: HungEndpoint;
  let url: string;

  beforeEach(async () => {
    endpoint = new HungEndpoint();
    url = await endpoint.start();
  });
  afterEach(() => endpoint.stop());

  it('a hung DynamoDB endpoint fails the call with a timeout after the budget\'s attempts, not at the Lambda limit', async () => {
    const db = createDocumentClient({ region: 'us-east-1', endpoint: url, budget: DYNAMODB_BUDGET });
    const failure = await db.send(new GetCommand({ TableName: 'patgate', Key: { pk: 'a', sk: 'b' } })).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toMatchObject({ name: 'TimeoutError', $metadata: { attempts: DYNAMODB_BUDGET.maxAttempts } });
    expect(endpoint.requests).toBe(DYNAMODB_BUDGET.maxAttempts);
    db.destroy();
  });

  describe('with KMS at the loopback endpoint', () => {
    const saved = { ...process.env };
    beforeEach(() => {
      // The SDK's service-specific endpoint override: the vault's own KMS clients reach the hung endpoint.
      process.env.AWS_ENDPOINT_URL_KMS = url;
      process.env.AWS_ACCESS_KEY_ID = 'test';
      process.env.AWS_SECRET_ACCESS_KEY = 'test';
      process.env.AWS_REGION = 'us-east-1';
    });
    afterEach(() => {
      process.env = { ...saved };
    });

    it('a hung KMS endpoint fails the vault call after the budget\'s attempts, counted once as a KMS failure', async () => {
      let kmsFailures = 0;
      const previous = useTelemetry({ ...noTelemetry, kmsCallFailed: () => (kmsFailures += 1) });
      const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/0b7e4ee3-1111-2222-3333-444455556666';
      const vault = kmsVault(keyArn);
      await expect(vault.encrypt('glpat-abcdefghijklmnopqrst', { tenant: 't', purpose: 'user-pat' })).rejects.toMatchObject({
        name: 'TimeoutError',
      });
      expect(endpoint.requests).toBe(KMS_BUDGET.maxAttempts);
      expect(kmsFailures).toBe(1);
      useTelemetry(previous);
    });
  });

  it.each(functionNames)('the worst DynamoDB call plus the worst KMS call fit in the %s function\'s timeout with half of it to spare', (name) => {
    const timeoutMs = functionSpecs[name].timeout.toMilliseconds();
    expect(worstCaseMs(DYNAMODB_BUDGET) + worstCaseMs(KMS_BUDGET)).toBeLessThan(timeoutMs);
    expect(worstCaseMs(DYNAMODB_BUDGET)).toBeLessThan(timeoutMs / 2);
  });
});
