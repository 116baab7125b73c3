import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../../lambdas/domain/errors';
import { createCodeCommitProvider } from '../../../lambdas/hosts/codecommit/adapter';
import type { PullRequestFacts } from '../../../lambdas/hosts/codecommit/pull-request-facts';
import { PULL_REQUEST_TARGETS } from '../../../lambdas/hosts/codecommit/pull-request-targets';
import type { CodeCommitSimulator } from '../../../simulators/codecommit/simulator';
import type { GitProvider, HostTarget } from '../../../lambdas/hosts/git-provider';
import { LOCAL_AWS_CREDENTIALS } from '../../../local/dynamodb-local';
import { createTable } from '../../../local/create-table';
import { createDocumentClient } from '../../../lambdas/store/dynamo-client';
import { pullRequestFactSkPrefix, TENANT_SK, tenantPk } from '../../../lambdas/store/keys';
import { PULL_REQUEST_FACT_REFRESH_SECONDS, PULL_REQUEST_FACT_TTL_SECONDS, PullRequestFactsStore } from '../../../lambdas/store/pull-request-facts-store';
import { TestClock } from '../../support/test-clock';
import { captureOutput, credentialOf, MAIN_COMMIT, REGION, SHORT_TIMEOUTS, startSimulator, type AwsKeyCredential } from './codecommit-world';

/**
 * CodeCommit's shared record of pull requests' branches (docs/architecture.md, CodeCommit): the
 * adapter through the real CodeCommit SDK against the simulator (SigV4 checked), the record in
 * DynamoDB Local through the real store. Host calls are counted from the simulator's request log; a
 * "fresh container" is a new provider with the per-container cache cleared.
 */

const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT ?? '';
const tableName = `patgate-pr-facts-${randomUUID()}`;
const db = createDocumentClient({ region: 'us-east-1', endpoint });
const clock = new TestClock();
const store = new PullRequestFactsStore(db, tableName, clock);

let simulator: CodeCommitSimulator;

beforeAll(async () => {
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: LOCAL_AWS_CREDENTIALS });
  await createTable(raw, tableName);
  raw.destroy();
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.stop();
  db.destroy();
});

const failureOf = async (promise: Promise<unknown>): Promise<AppError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
};

/** Through the simulator's control API, as another CodeCommit user would leave them. */
const control = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
  const response = await fetch(`${simulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
};

const seedRepository = (name: string, branches: readonly string[]) =>
  control('/_control/repositories', { name, defaultBranch: 'main', branches: Object.fromEntries(['main', ...branches].map((b) => [b, MAIN_COMMIT])) });

/** Opened outside patgate; answers the new pull request's id. */
const openElsewhere = async (repository: string, sourceBranch: string): Promise<string> =>
  String((await control(`/_control/repositories/${repository}/pull-requests`, { sourceBranch, targetBranch: 'main', title: `${sourceBranch} by someone else` })).pullRequestId);

interface Tenancy {
  readonly tenant: string;
  readonly integrationId: string;
}

/** An installed site (its tenant item: every record write checks it) with an integration id. */
const newTenancy = async (): Promise<Tenancy> => {
  const tenancy = { tenant: `site-${randomUUID()}`, integrationId: randomUUID() };
  await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk(tenancy.tenant), SK: TENANT_SK } }));
  return tenancy;
};

/** A new Lambda container of the git-action function: nothing cached, the shared record wired. */
const freshContainer = (tenancy: Tenancy, facts: PullRequestFacts | undefined = store): GitProvider => {
  PULL_REQUEST_TARGETS.clear();
  const target: HostTarget = { provider: 'codecommit', apiUrl: simulator.url, webUrl: '', region: REGION, integration: { tenant: tenancy.tenant, id: tenancy.integrationId } };
  // A generous budget: the first create at 999 open pull requests reads 998 of them on a machine the whole suite shares.
  return createCodeCommitProvider(target, { ...SHORT_TIMEOUTS, requestTimeoutMs: 60_000, pullRequestFacts: facts });
};

let alice: AwsKeyCredential;

beforeEach(() => {
  simulator.reset();
  alice = credentialOf(simulator.issueAccessKey({ userName: 'alice' }));
});

const hostCalls = (): string[] => simulator.operations().filter((op) => !op.includes('/_control'));

const pullRequest = (repository: string, sourceBranch: string) => ({ repository, sourceBranch, targetBranch: 'main', title: `${sourceBranch} from Jira` });

describe('a create in a fresh container, with the repository\'s open pull requests recorded', () => {
  it('costs ListPullRequests + CreatePullRequest at 999 open pull requests, and still refuses a duplicate as CONFLICT naming it', async () => {
    const topics = Array.from({ length: 998 }, (_, i) => `topic-${i}`);
    await seedRepository('ledger', [...topics, 'first', 'feature']);
    for (const topic of topics) await openElsewhere('ledger', topic);
    const tenancy = await newTenancy();

    // The first create ever learns every open pull request from CodeCommit, once, and records them.
    simulator.clearRequests();
    const first = await freshContainer(tenancy).createPullRequest(alice, pullRequest('ledger', 'first'));
    expect(hostCalls().filter((op) => op === 'GetPullRequest')).toHaveLength(998);
    expect(simulator.listPullRequests('ledger').filter((pr) => pr.status === 'OPEN')).toHaveLength(999);

    simulator.clearRequests();
    const created = await freshContainer(tenancy).createPullRequest(alice, pullRequest('ledger', 'feature'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'CreatePullRequest']);
    expect(created.id).toBe('1000');

    // A duplicate of one opened elsewhere: the record names it, this credential reads it once to be sure.
    simulator.clearRequests();
    const duplicate = await failureOf(freshContainer(tenancy).createPullRequest(alice, pullRequest('ledger', 'topic-500')));
    expect(duplicate).toMatchObject({
      code: 'CONFLICT',
      hostReason: 'conflict',
      extensions: { existingPullRequestId: '501', existingPullRequestUrl: expect.stringContaining('/repositories/ledger/pull-requests/501?region=') },
    });
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest']);

    // A duplicate of the one patgate opened, likewise.
    simulator.clearRequests();
    const again = await failureOf(freshContainer(tenancy).createPullRequest(alice, { ...pullRequest('ledger', 'first'), title: 'another title' }));
    expect(again).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: first.id } });
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest']);
    expect(simulator.listPullRequests('ledger').filter((pr) => pr.status === 'OPEN')).toHaveLength(1000);
  }, 120_000);

  it('reads a pull request opened outside patgate once; a new container then knows it', async () => {
    await seedRepository('payments', ['develop', 'hotfix', 'docs', 'release']);
    const tenancy = await newTenancy();
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'develop'));
    const elsewhere = await openElsewhere('payments', 'hotfix');

    simulator.clearRequests();
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'docs'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest', 'CreatePullRequest']);
    expect(simulator.requests.find((r) => r.headers['x-amz-target']?.endsWith('GetPullRequest'))?.body).toContain(`"pullRequestId":"${elsewhere}"`);

    simulator.clearRequests();
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'release'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'CreatePullRequest']);
  });

  it('warm, the container\'s own cache answers first: no read of the record, as before', async () => {
    await seedRepository('payments', ['develop', 'hotfix']);
    const tenancy = await newTenancy();
    const reads = countQueries();
    const provider = freshContainer(tenancy);
    await provider.createPullRequest(alice, pullRequest('payments', 'develop'));

    reads.count = 0;
    simulator.clearRequests();
    await provider.createPullRequest(alice, pullRequest('payments', 'hotfix'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'CreatePullRequest']);
    expect(reads.count).toBe(0);
    reads.stop();
  });

  it('shares what one credential recorded with another credential of the integration, and refuses a duplicate only on its own read', async () => {
    await seedRepository('payments', ['develop', 'hotfix']);
    const tenancy = await newTenancy();
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'develop'));
    const bob = credentialOf(simulator.issueAccessKey({ userName: 'bob' }));

    simulator.clearRequests();
    await freshContainer(tenancy).createPullRequest(bob, pullRequest('payments', 'hotfix'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'CreatePullRequest']);

    simulator.clearRequests();
    const failure = await failureOf(freshContainer(tenancy).createPullRequest(bob, pullRequest('payments', 'develop')));
    expect(failure).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: '1' } });
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest']);
  });
});

describe('the record is scoped and only a cache', () => {
  it('never lets another tenant, or another integration of the same tenant, read a fact', async () => {
    await seedRepository('payments', ['develop', 'hotfix', 'docs']);
    const owner = await newTenancy();
    await freshContainer(owner).createPullRequest(alice, pullRequest('payments', 'develop'));

    const otherTenant = await newTenancy();
    const otherIntegration = { tenant: owner.tenant, integrationId: randomUUID() };

    // Pull request 1 is recorded, but not for them: each reads every open one from CodeCommit.
    simulator.clearRequests();
    await freshContainer(otherTenant).createPullRequest(alice, pullRequest('payments', 'hotfix'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest', 'CreatePullRequest']);
    simulator.clearRequests();
    await freshContainer(otherIntegration).createPullRequest(alice, pullRequest('payments', 'docs'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest', 'GetPullRequest', 'CreatePullRequest']);

    // Each recorded what it read under its own integration, in its own tenant's partition.
    const factsOf = async (tenant: string) =>
      (await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': tenantPk(tenant) } }))).Items?.map((item) => String(item.SK)).filter((sk) => sk.startsWith('PRF#')).sort();
    const sk = (tenancy: Tenancy, id: string) => `${pullRequestFactSkPrefix(tenancy.integrationId, REGION, 'payments')}${id}`;
    expect(await factsOf(owner.tenant)).toEqual([sk(owner, '1'), sk(otherIntegration, '1'), sk(otherIntegration, '2'), sk(otherIntegration, '3')].sort());
    expect(await factsOf(otherTenant.tenant)).toEqual([sk(otherTenant, '1'), sk(otherTenant, '2')]);
  });

  it('never refuses a create on a recorded fact its own credential cannot confirm (a wrong record is no CONFLICT)', async () => {
    await seedRepository('payments', ['develop', 'hotfix']);
    const tenancy = await newTenancy();
    await openElsewhere('payments', 'hotfix');
    // Another AWS account's pull request 1 (a misconfigured user key) said to join develop → main.
    await store.put(
      { tenant: tenancy.tenant, integrationId: tenancy.integrationId, region: REGION, repository: 'payments' },
      [{ pullRequestId: '1', targets: [{ repository: 'payments', source: 'develop', destination: 'main' }] }],
    );

    simulator.clearRequests();
    const created = await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'develop'));

    expect(created.id).toBe('2');
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest', 'CreatePullRequest']);
    // What this credential read replaces the wrong fact.
    const fact = await db.send(
      new GetCommand({ TableName: tableName, Key: { PK: tenantPk(tenancy.tenant), SK: `${pullRequestFactSkPrefix(tenancy.integrationId, REGION, 'payments')}1` } }),
    );
    expect(fact.Item?.targets).toEqual([{ repository: 'payments', source: 'hotfix', destination: 'main' }]);
  });

  it('falls back to CodeCommit when the record cannot be read or written (a missing table), and the action still succeeds', async () => {
    await seedRepository('payments', ['develop', 'hotfix', 'docs']);
    await openElsewhere('payments', 'develop');
    await openElsewhere('payments', 'hotfix');
    const broken = new PullRequestFactsStore(db, `patgate-missing-${randomUUID()}`, clock);
    const tenancy = await newTenancy();

    simulator.clearRequests();
    const { result: created, output } = await captureOutput(() => freshContainer(tenancy, broken).createPullRequest(alice, pullRequest('payments', 'docs')));
    expect(created?.id).toBe('3');
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest', 'GetPullRequest', 'CreatePullRequest']);
    expect(output).toContain('"error":"ResourceNotFoundException"');
    expect(output).not.toContain(alice.secretAccessKey.reveal());

    simulator.clearRequests();
    const failure = await failureOf(freshContainer(tenancy, broken).createPullRequest(alice, pullRequest('payments', 'hotfix')));
    expect(failure).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: '2' } });
  });

  it('falls back when the record throws on read, and when it throws on write only', async () => {
    await seedRepository('payments', ['develop', 'hotfix', 'docs']);
    await openElsewhere('payments', 'develop');
    const tenancy = await newTenancy();
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'hotfix'));
    const failing = (which: 'get' | 'put'): PullRequestFacts => ({
      get: (scope, ids) => (which === 'get' ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : store.get(scope, ids)),
      put: (scope, facts) => (which === 'put' ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : store.put(scope, facts)),
    });

    // The record knows both open pull requests but cannot be read: both are read from CodeCommit (one parallel batch).
    simulator.clearRequests();
    const failure = await failureOf(freshContainer(tenancy, failing('get')).createPullRequest(alice, pullRequest('payments', 'develop')));
    expect(failure).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: '1' } });
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest', 'GetPullRequest']);

    // Read, but the new pull request cannot be recorded: the create succeeds all the same.
    simulator.clearRequests();
    const created = await freshContainer(tenancy, failing('put')).createPullRequest(alice, pullRequest('payments', 'docs'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'CreatePullRequest']);

    // Later, the one unrecorded pull request costs one read.
    simulator.clearRequests();
    const duplicate = await failureOf(freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'docs')));
    expect(duplicate).toMatchObject({ code: 'CONFLICT', extensions: { existingPullRequestId: created.id } });
    expect(hostCalls()).toEqual(['ListPullRequests', 'GetPullRequest']);
  });

  it('keeps an open pull request\'s fact alive: read back a week after its write, it is written again with a new expiry', async () => {
    await seedRepository('payments', ['develop', 'hotfix', 'docs']);
    const tenancy = await newTenancy();
    const scope = { tenant: tenancy.tenant, integrationId: tenancy.integrationId, region: REGION, repository: 'payments' };
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'develop'));
    const key = { PK: tenantPk(tenancy.tenant), SK: `${pullRequestFactSkPrefix(tenancy.integrationId, REGION, 'payments')}1` };
    const before = (await db.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
    expect(before?.ttl).toBe(Number(before?.seenAt) + PULL_REQUEST_FACT_TTL_SECONDS);
    expect((await store.get(scope, ['1'])).get('1')?.refreshDue).toBe(false);

    clock.advance((PULL_REQUEST_FACT_REFRESH_SECONDS + 60) * 1000);
    expect((await store.get(scope, ['1'])).get('1')?.refreshDue).toBe(true);
    simulator.clearRequests();
    await freshContainer(tenancy).createPullRequest(alice, pullRequest('payments', 'hotfix'));
    expect(hostCalls()).toEqual(['ListPullRequests', 'CreatePullRequest']);

    const after = (await db.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
    expect(Number(after?.ttl)).toBeGreaterThanOrEqual(Number(before?.ttl) + PULL_REQUEST_FACT_REFRESH_SECONDS);
    expect((await store.get(scope, ['1'])).get('1')?.refreshDue).toBe(false);
  });

  it('records nothing for a site that was uninstalled meanwhile, and the create still succeeds', async () => {
    await seedRepository('payments', ['develop']);
    const gone = { tenant: `site-${randomUUID()}`, integrationId: randomUUID() };

    const created = await freshContainer(gone).createPullRequest(alice, pullRequest('payments', 'develop'));

    expect(created.id).toBe('1');
    const items = await db.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': tenantPk(gone.tenant) } }));
    expect(items.Items).toEqual([]);
  });

  it('counts an item it did not write as unknown, and answers only the ids asked for', async () => {
    const tenancy = await newTenancy();
    const scope = { tenant: tenancy.tenant, integrationId: tenancy.integrationId, region: REGION, repository: 'payments' };
    const prefix = pullRequestFactSkPrefix(tenancy.integrationId, REGION, 'payments');
    await db.send(new PutCommand({ TableName: tableName, Item: { PK: tenantPk(tenancy.tenant), SK: `${prefix}7`, targets: 'develop→main' } }));
    await store.put(scope, [
      { pullRequestId: '8', targets: [{ repository: 'payments', source: 'a', destination: 'main' }] },
      { pullRequestId: '9', targets: [{ repository: 'payments', source: 'b', destination: 'main' }] },
    ]);

    const known = await store.get(scope, ['7', '8', '10']);

    expect([...known.keys()]).toEqual(['8']);
    expect(known.get('8')?.targets).toEqual([{ repository: 'payments', source: 'a', destination: 'main' }]);
  });
});

/** Counts the Query requests the document client sends from now on. */
const countQueries = (): { count: number; stop: () => void } => {
  const counter = {
    count: 0,
    stop: () => db.middlewareStack.remove('count-queries'),
  };
  db.middlewareStack.add(
    (next, context) => (args) => {
      if (context.commandName === 'QueryCommand') counter.count += 1;
      return next(args);
    },
    { step: 'initialize', name: 'count-queries' },
  );
  return counter;
};
