import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { TokenEvent } from '../../lambdas/expiry/event-sink';
import { EventBridgeEventSink } from '../../lambdas/expiry/eventbridge-event-sink';
import { JsonLinesEventSink } from '../../lambdas/expiry/json-lines-event-sink';
import { FakeEventBus } from './fake-event-bus';

const event: TokenEvent = {
  detailType: 'Token Expiring',
  detail: { tenant: 'tenant-a', integrationId: 'int-1', accountId: 'acc-1', expiresAt: '2030-01-02T00:00:00.000Z' },
  time: new Date('2030-01-01T00:00:00.000Z'),
};

describe('EventBridge sink', () => {
  let bus: FakeEventBus;
  let client: EventBridgeClient;

  beforeAll(async () => {
    bus = new FakeEventBus();
    const endpoint = await bus.start();
    client = new EventBridgeClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
  });

  afterAll(async () => {
    client.destroy();
    await bus.stop();
  });

  it('puts the event on the bus with source patgate.tokens and the detail as JSON', async () => {
    await new EventBridgeEventSink(client, 'patgate-bus').emit(event);
    expect(bus.targets.at(-1)).toBe('AWSEvents.PutEvents');
    expect(bus.entries).toHaveLength(1);
    const [entry] = bus.entries;
    expect(entry).toMatchObject({ EventBusName: 'patgate-bus', Source: 'patgate.tokens', DetailType: 'Token Expiring' });
    expect(JSON.parse(entry?.Detail ?? '')).toEqual(event.detail);
    expect(entry?.Time).toBe(Date.parse('2030-01-01T00:00:00.000Z') / 1000);
  });

  it('rejects when EventBridge answers 200 with a failed entry', async () => {
    bus.failNext = 1;
    await expect(new EventBridgeEventSink(client, 'patgate-bus').emit(event)).rejects.toThrow('EventBridge did not accept the Token Expiring event: InternalFailure');
  });
});

describe('JSON-lines sink', () => {
  it('appends one EventBridge-shaped line per event, creating the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'patgate-events-'));
    try {
      const file = join(dir, 'nested', 'events.jsonl');
      const sink = new JsonLinesEventSink(file);
      await sink.emit(event);
      await sink.emit({ ...event, detailType: 'Token Invalid', detail: { tenant: 'tenant-a', integrationId: 'int-1', accountId: 'acc-2' } });
      const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toEqual([
        { time: '2030-01-01T00:00:00.000Z', source: 'patgate.tokens', 'detail-type': 'Token Expiring', detail: event.detail },
        { time: '2030-01-01T00:00:00.000Z', source: 'patgate.tokens', 'detail-type': 'Token Invalid', detail: { tenant: 'tenant-a', integrationId: 'int-1', accountId: 'acc-2' } },
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
