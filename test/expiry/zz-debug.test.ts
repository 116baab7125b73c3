import { randomBytes } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createTestTable, seedItems, tokenItem, ManualClock, HOUR_MS } from './expiry-fixtures';
import { ExpiryTokenStore } from '../../lambdas/expiry/expiry-token-store';
import { MemoryEventSink } from '../../lambdas/expiry/memory-event-sink';
import { TokenExpiryChecker } from '../../lambdas/expiry/token-expiry-checker';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { localVault } from '../../lambdas/vault/token-vault';

const NOW = new Date('2030-03-10T12:00:00.000Z');
const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();
it('debug', async () => {
  const table = await createTestTable();
  const items = [];
  for (let i = 0; i < 50; i += 1) items.push(tokenItem({ accountId: `expired-${i}`, expiresAt: at(-(i + 1) * 30 * 60 * 1000) }));
  for (let i = 0; i < 150; i += 1) items.push(tokenItem({ accountId: `expiring-${i}`, expiresAt: at((i + 1) * HOUR_MS) }));
  let t = Date.now();
  await seedItems(table, items);
  console.log('seed', Date.now() - t);
  const sink = new MemoryEventSink();
  const checker = new TokenExpiryChecker({ tokens: new ExpiryTokenStore(table.db, table.tableName), integrations: new IntegrationStore(table.db, table.tableName), vault: localVault(randomBytes(32)), providers: () => { throw new Error('x'); }, sink, clock: new ManualClock(NOW) });
  t = Date.now();
  console.log(JSON.stringify(await checker.run({ budgetMs: 60000 })), Date.now() - t);
  const scan = await table.db.send(new ScanCommand({ TableName: table.tableName }));
  const pending = (scan.Items ?? []).filter((i) => i.eventPendingFor || i.version !== 2);
  console.log(pending.length, JSON.stringify(pending.slice(0, 3)));
  console.log(JSON.stringify(await checker.run({ budgetMs: 60000 })), sink.events.length);
  table.destroy();
});
