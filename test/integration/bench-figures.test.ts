import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Metafile } from 'esbuild';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import type { RequestCounts } from '../bench/action-counts';
import type { ApiCostRow } from '../bench/api-cost';
import { ConsumedCapacityCounter } from '../bench/consumed-capacity';
import { costOf, PRICES, USAGE } from '../bench/cost-model';
import { compositionOf } from '../bench/page-bundles';
import { Harness } from '../support/harness';

// The bench's own arithmetic and counting layer: what `npm run bench` reports is only as good as these.

const counts = (over: Partial<RequestCounts> = {}): RequestCounts => ({
  request: 'create branch',
  functionName: 'gitAction',
  requests: 10,
  statuses: '201×10',
  apiRequests: 1,
  dynamoRequests: 2,
  readUnits: 3,
  writeUnits: 6,
  kmsRequests: 0.5,
  sqsMessages: 0,
  events: 0,
  logBytes: 1024,
  logLines: 3,
  metricValues: 2,
  distinctMetrics: ['patgate/GitActionSucceeded{service=patgate}'],
  hostCalls: 2,
  ...over,
});

const apiRow = (route: string, cpuMsPerRequest: number, wallP50Ms: number): ApiCostRow => ({ route, case: 'warm', requests: 100, cpuMsPerRequest, wallP50Ms, statuses: '200×100' });

describe('cost per million requests', () => {
  it('prices each counted unit, and slows the measured CPU to the function’s share of a vCPU', () => {
    const cost = costOf(counts(), [apiRow('POST /api/git/branches', 3, 8)]);
    // 512 MB is 512/1769 of a vCPU: 3 ms of CPU take 3 × 1769/512 ms; the other 5 ms of the wall time stay; two host round trips added.
    expect(cost.lambdaDurationMs).toBe(Math.ceil(5 + (3 * 1769) / 512 + 2 * USAGE.hostRoundTripMs));
    const by = new Map(cost.services.map((s) => [s.service.split(' (')[0], s.usdPerMillion]));
    expect(by.get('DynamoDB writes')).toBeCloseTo(6 * PRICES.dynamoWriteUnitPerMillion.usd);
    expect(by.get('DynamoDB reads')).toBeCloseTo(3 * PRICES.dynamoReadUnitPerMillion.usd);
    expect(by.get('KMS')).toBeCloseTo(0.5 * 100 * PRICES.kmsRequestPer10k.usd);
    expect(by.get('CloudWatch Logs ingestion')).toBeCloseTo((1024 * 1e6 * PRICES.logsIngestedPerGb.usd) / 1024 ** 3);
    expect(cost.usdPerMillion).toBeCloseTo(cost.services.reduce((sum, s) => sum + s.usdPerMillion, 0));
  });

  it('refuses to price a request whose CPU was not measured', () => {
    expect(() => costOf(counts(), [apiRow('GET /api/me/integrations', 1, 2)])).toThrow(/no warm CPU measurement/);
  });
});

describe('what a page loads on open', () => {
  const metafile = {
    inputs: {},
    outputs: {
      'dist/panel/index.js': {
        bytes: 0,
        inputs: { 'src/panel/index.tsx': { bytesInOutput: 1000 }, '../node_modules/react/index.js': { bytesInOutput: 300 } },
        imports: [
          { path: 'dist/panel/chunk-A.js', kind: 'import-statement' },
          { path: 'dist/panel/chunk-lazy.js', kind: 'dynamic-import' },
        ],
        exports: [],
      },
      'dist/panel/chunk-A.js': {
        bytes: 0,
        inputs: { '../node_modules/react-dom/index.js': { bytesInOutput: 5000 }, '../node_modules/x/node_modules/react/index.js': { bytesInOutput: 200 } },
        imports: [],
        exports: [],
      },
      'dist/panel/chunk-lazy.js': { bytes: 0, inputs: { '../node_modules/huge/index.js': { bytesInOutput: 99999 } }, imports: [], exports: [] },
    },
  } as unknown as Metafile;

  it('counts the entry and its static chunks, not what loads on demand, largest first, and finds a package bundled twice', () => {
    const composition = compositionOf('panel', metafile);
    expect(composition.largestPackages).toEqual([
      { module: 'react-dom', bytes: 5000 },
      { module: '(patgate source)', bytes: 1000 },
      { module: 'react', bytes: 500 },
    ]);
    expect(composition.largestModules[0]).toEqual({ module: '../node_modules/react-dom/index.js', bytes: 5000 });
    expect(composition.duplicatePackages).toEqual(['react (../node_modules/react, ../node_modules/x/node_modules/react)']);
  });
});

describe('consumed capacity, as DynamoDB returns it', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start();
  });
  afterAll(async () => {
    await harness.stop();
  });

  it('asks every request for its consumed capacity and adds up read and write units', async () => {
    const db = createDocumentClient({ region: 'us-east-1', endpoint: process.env.PATGATE_TEST_DYNAMODB_ENDPOINT });
    const counter = new ConsumedCapacityCounter();
    counter.attach(db);
    try {
      const TableName = harness.config.tableName;
      await db.send(new PutCommand({ TableName, Item: { PK: 'BENCH#capacity', SK: 'ITEM', payload: 'x'.repeat(1500) } }));
      const written = counter.take();
      expect(written).toEqual({ requests: 1, readUnits: 0, writeUnits: 2 });
      await db.send(new GetCommand({ TableName, Key: { PK: 'BENCH#capacity', SK: 'ITEM' }, ConsistentRead: true }));
      await db.send(new GetCommand({ TableName, Key: { PK: 'BENCH#capacity', SK: 'ITEM' } }));
      // A strongly consistent read of an item up to 4 KB is 1 unit; an eventually consistent one half.
      expect(counter.take()).toEqual({ requests: 2, readUnits: 1.5, writeUnits: 0 });
    } finally {
      db.destroy();
    }
  });
});
