import { appendFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonLinesEventSink } from '../../lambdas/expiry/json-lines-event-sink';

describe('JSON-lines event sink file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'patgate-sink-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('exists, empty, as soon as the sink is built (so `tail -f` works before the first event)', async () => {
    const file = join(dir, '.local', 'events.jsonl');
    new JsonLinesEventSink(file);
    expect((await stat(file)).size).toBe(0);
  });

  it('keeps the events an earlier run wrote', async () => {
    const file = join(dir, 'events.jsonl');
    await appendFile(file, '{"earlier":true}\n');
    const sink = new JsonLinesEventSink(file);
    await sink.emit({ detailType: 'Token Expired', detail: { tenant: 't', integrationId: 'i', accountId: 'a' }, time: new Date('2030-01-01T00:00:00Z') });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('{"earlier":true}');
  });
});
