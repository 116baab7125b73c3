import { performance } from 'node:perf_hooks';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startHostSimulators } from '../../local/host-worlds';
import { Harness } from '../support/harness';
import { DynamoRequestCounter } from './dynamo-request-counter';
import { formatTable } from './format-table';
import { runAlone } from './run-alone';

export interface DeletionRow {
  readonly auditItems: number;
  readonly users: number;
  /** Every item the site held (audit, users' tokens and markers, overrides, tenant). */
  readonly items: number;
  /** DynamoDB requests the uninstall callback made before it answered. */
  readonly requestsBeforeAnswer: number;
  readonly answerMs: number;
  /** The worker: both passes and the verification, from the answer until the marker is gone. */
  readonly workerSeconds: number;
  readonly itemsPerSecond: number;
  readonly left: number;
}

/** The uninstall answers after this many DynamoDB requests whatever the site holds (issue 16). */
export const UNINSTALL_REQUESTS_TARGET = 2;

const SIZES: readonly { auditItems: number; users: number }[] = [
  { auditItems: 1_000, users: 50 },
  { auditItems: 20_000, users: 1_000 },
];

/**
 * Uninstall at two site sizes, through the Connect callback of the local API (DynamoDB Local,
 * the Jira simulator): DynamoDB requests before the answer (counted on the app's own client while
 * the in-process deletion queue is paused), then the deletion worker's items per second. One
 * worker, one job at a time, on this machine's DynamoDB Local: AWS's figure is bounded by about
 * 1,000 writes/s per partition key instead.
 */
export const measureDeletion = async (dynamoEndpoint: string): Promise<DeletionRow[]> => {
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ??= dynamoEndpoint;
  const h = await Harness.start();
  const counter = new DynamoRequestCounter();
  counter.attach(h.app.deps.db);
  try {
    const rows: DeletionRow[] = [];
    for (const size of SIZES) {
      const site = await h.installSite();
      const items = siteItems(site.clientKey, size.auditItems, size.users);
      await write(h, items);
      h.deletions.pause();
      counter.take();
      const started = performance.now();
      const status = await h.uninstallSite(site);
      const answerMs = performance.now() - started;
      if (status !== 204) throw new Error(`uninstall answered ${status}`);
      const requestsBeforeAnswer = counter.take().requests.length;
      const workerStarted = performance.now();
      h.deletions.resume();
      await h.deletions.idle();
      const workerSeconds = (performance.now() - workerStarted) / 1000;
      const left = (await h.scanAll()).filter((i) => String(i.PK) === `T#${site.clientKey}` || String(i.PK).startsWith(`T#${site.clientKey}#`)).length;
      const total = items.length + 1;
      rows.push({ ...size, items: total, requestsBeforeAnswer, answerMs: Math.round(answerMs * 10) / 10, workerSeconds: Math.round(workerSeconds * 10) / 10, itemsPerSecond: Math.round(total / workerSeconds), left });
    }
    return rows;
  } finally {
    await h.stop();
  }
};

export interface IntegrationDeletionRow {
  readonly users: number;
  /** DynamoDB requests the DELETE made before it answered 204. */
  readonly requestsBeforeAnswer: number;
  readonly answerMs: number;
  /** The job: the integration's items, every user's token of it, the verification. */
  readonly workerSeconds: number;
  /** The deleted integration's items and tokens left after the job (audit history aside). */
  readonly left: number;
  /** Items of another integration of the same site the job touched (must be 0). */
  readonly othersTouched: number;
}

/** An integration delete answers after at most this many DynamoDB requests, whatever its users hold. */
export const INTEGRATION_DELETE_REQUESTS_TARGET = 5;
const INTEGRATION_DELETE_USERS = 10_000;

/**
 * Integration delete with 10,000 token holders (issue 16), through the admin API of the local API
 * (DynamoDB Local, the Jira and GitHub simulators): requests before the 204 (the queue paused), then
 * the deletion job's time; another integration's tokens of the same users must stay.
 */
export const measureIntegrationDeletion = async (dynamoEndpoint: string): Promise<IntegrationDeletionRow> => {
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ??= dynamoEndpoint;
  const hosts = await startHostSimulators();
  const h = await Harness.start(hosts.env);
  const counter = new DynamoRequestCounter();
  counter.attach(h.app.deps.db);
  try {
    const site = await h.installSite();
    const admin = 'bench-admin';
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
    const github = hosts.world('github');
    const create = async (name: string): Promise<string> => {
      const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: github.integrationBody(name, true) });
      if (res.status !== 201) throw new Error(`integration create answered ${res.status}: ${res.text}`);
      return String(res.body.id);
    };
    const doomed = await create('bench doomed');
    const kept = await create('bench kept');
    const users = INTEGRATION_DELETE_USERS;
    const items: Record<string, unknown>[] = [{ PK: `T#${site.clientKey}`, SK: `INT#${doomed}#HOLDERS`, type: 'token-holders', integrationId: doomed, tokenHolders: users }];
    for (let u = 0; u < users; u += 1) {
      items.push({ PK: `T#${site.clientKey}`, SK: `USER#d${u}`, type: 'user' });
      for (const id of [doomed, kept]) items.push({ PK: `T#${site.clientKey}#U#d${u}`, SK: `PAT#${id}`, type: 'user-token', integrationId: id });
    }
    await write(h, items);
    h.deletions.pause();
    counter.take();
    const started = performance.now();
    const res = await h.call('DELETE', `/api/admin/integrations/${doomed}`, { as: { site, accountId: admin } });
    const answerMs = performance.now() - started;
    if (res.status !== 204) throw new Error(`integration delete answered ${res.status}: ${res.text}`);
    const requestsBeforeAnswer = counter.take().requests.length;
    const workerStarted = performance.now();
    h.deletions.resume();
    await h.deletions.idle();
    const workerSeconds = (performance.now() - workerStarted) / 1000;
    const after = (await h.scanAll()).filter((i) => String(i.PK).startsWith(`T#${site.clientKey}`) && !String(i.PK).endsWith('#AUDIT'));
    const left = after.filter((i) => String(i.SK).includes(doomed) || i.integrationId === doomed).length;
    const othersTouched = users - after.filter((i) => i.SK === `PAT#${kept}`).length;
    return {
      users,
      requestsBeforeAnswer,
      answerMs: Math.round(answerMs * 10) / 10,
      workerSeconds: Math.round(workerSeconds * 10) / 10,
      left,
      othersTouched,
    };
  } finally {
    await h.stop();
    await hosts.stop();
  }
};

export const integrationDeletionFailures = (row: IntegrationDeletionRow): string[] => [
  ...(row.requestsBeforeAnswer > INTEGRATION_DELETE_REQUESTS_TARGET
    ? [`integration delete with ${row.users} users made ${row.requestsBeforeAnswer} DynamoDB requests before answering (target ≤ ${INTEGRATION_DELETE_REQUESTS_TARGET})`]
    : []),
  ...(row.left > 0 ? [`integration delete with ${row.users} users left ${row.left} of its items after the job`] : []),
  ...(row.othersTouched > 0 ? [`integration delete with ${row.users} users removed ${row.othersTouched} tokens of another integration`] : []),
];

export const integrationDeletionTable = (row: IntegrationDeletionRow): string =>
  formatTable(
    `Integration delete: DynamoDB requests before the 204 (target ≤ ${INTEGRATION_DELETE_REQUESTS_TARGET}, whatever its users hold) and the deletion job`,
    ['token holders', 'requests before answer', 'answer ms', 'job s', 'its items left', "other integration's tokens touched"],
    [[row.users, row.requestsBeforeAnswer, row.answerMs, row.workerSeconds, row.left, row.othersTouched]],
  );

const siteItems = (clientKey: string, auditItems: number, users: number): Record<string, unknown>[] => {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < auditItems; i += 1) {
    const sk = `2026-01-01T00:00:00.000Z#${String(i).padStart(8, '0')}`;
    items.push({ PK: `T#${clientKey}#AUDIT`, SK: sk, type: 'audit', auditActor: `T#${clientKey}#A#u${i % users}`, action: 'git.branch.created', outcome: 'success' });
  }
  for (let u = 0; u < users; u += 1) {
    items.push({ PK: `T#${clientKey}`, SK: `USER#u${u}`, type: 'user' });
    items.push({ PK: `T#${clientKey}#U#u${u}`, SK: 'PAT#int1', type: 'user-token', expiryDay: '2027-01-01', expiresAt: '2027-01-01T00:00:00.000Z' });
  }
  return items;
};

const write = async (h: Harness, items: readonly Record<string, unknown>[]): Promise<void> => {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next] ?? [];
      next += 1;
      await h.app.deps.db.send(new BatchWriteCommand({ RequestItems: { [h.config.tableName]: batch.map((Item) => ({ PutRequest: { Item } })) } }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
};

export const deletionFailures = (rows: readonly DeletionRow[]): string[] =>
  rows.flatMap((row) => [
    ...(row.requestsBeforeAnswer > UNINSTALL_REQUESTS_TARGET ? [`uninstall with ${row.auditItems} audit items made ${row.requestsBeforeAnswer} DynamoDB requests before answering (target ≤ ${UNINSTALL_REQUESTS_TARGET})`] : []),
    ...(row.left > 0 ? [`uninstall with ${row.auditItems} audit items left ${row.left} items after the worker finished`] : []),
  ]);

export const deletionTable = (rows: readonly DeletionRow[]): string =>
  formatTable(
    `Uninstall: DynamoDB requests before the answer (target ≤ ${UNINSTALL_REQUESTS_TARGET}, whatever the site holds) and the deletion worker`,
    ['audit items', 'users', 'items', 'requests before answer', 'answer ms', 'worker s', 'items/s', 'left'],
    rows.map((r) => [r.auditItems, r.users, r.items, r.requestsBeforeAnswer, r.answerMs, r.workerSeconds, r.itemsPerSecond, r.left]),
  );

/** Standalone: `npx tsx test/bench/deletion.ts` (starts its own DynamoDB Local). */
if (require.main === module) {
  runAlone(async (endpoint) => {
    const rows = await measureDeletion(endpoint);
    const integration = await measureIntegrationDeletion(endpoint);
    return { tables: [deletionTable(rows), integrationDeletionTable(integration)], failures: [...deletionFailures(rows), ...integrationDeletionFailures(integration)] };
  });
}
