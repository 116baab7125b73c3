import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { AppError } from '../../lambdas/domain/errors';
import type { ProviderKind } from '../../lambdas/domain/integration';
import type { IntegrationRecord, UserTokenRecord } from '../../lambdas/domain/records';
import { ExpiryTokenStore } from '../../lambdas/expiry/expiry-token-store';
import { MemoryEventSink } from '../support/memory-event-sink';
import { DEFAULT_CHECK_CONCURRENCY, TokenExpiryChecker } from '../../lambdas/expiry/token-expiry-checker';
import { AzureDevOpsSimulator } from '../../simulators/azure-devops/simulator';
import type { GitProvider, HostCredential } from '../../lambdas/hosts/git-provider';
import { providerLookup, type ProviderLookup } from '../../lambdas/hosts/provider-registry';
import { IntegrationStore } from '../../lambdas/store/integration-store';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { userTokenContext } from '../../lambdas/services/host-credentials';
import { tokenSk, userPk } from '../../lambdas/store/keys';
import { TenantStore } from '../../lambdas/store/tenant-store';
import { TokenStore, toToken } from '../../lambdas/store/token-store';
import { localVault } from '../../local/local-encryption-key';
import type { TokenVault } from '../../lambdas/vault/token-vault';
import { captureLogs } from '../support/capture-logs';
import { createTestTable, DAY_MS, ManualClock, type TestTable } from './expiry-fixtures';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';

const TENANT = 'tenant-r';
const NOW = new Date('2032-01-15T08:00:00.000Z');
const TODAY = '2032-01-15';
const TOMORROW = '2032-01-16';
const FAST = { connectTimeoutMs: 500, requestTimeoutMs: 2000, connections: LOCAL_HOSTS_ALLOWED };

const integrationRecord = (id: string, provider: ProviderKind, baseUrl: string): IntegrationRecord => ({
  tenant: TENANT,
  id,
  name: `Integration ${id}`,
  provider,
  baseUrl,
  requireUserPat: true,
  serviceCredential: { kind: 'token', ciphertext: 'unused-here', hint: '****', setAt: NOW.toISOString() },
  version: 1,
  createdAt: NOW.toISOString(),
  createdBy: 'admin',
  updatedAt: NOW.toISOString(),
  updatedBy: 'admin',
});

/** Saves a user's token the way the token API does: encrypted under its row's context, via TokenStore. */
const saveToken = async (table: TestTable, vault: TokenVault, input: { accountId: string; integrationId: string; token: string; reverifyDay: string }): Promise<void> => {
  // Bound to its row and to the integration's host, as the token service saves it.
  const integration = await new IntegrationStore(table.db, table.tableName).get(TENANT, input.integrationId);
  const context = integration ? userTokenContext(BUILT_IN_FAMILIES, integration, input.accountId) : { tenant: TENANT, integrationId: input.integrationId, accountId: input.accountId, purpose: 'user-pat' as const };
  const record: UserTokenRecord = {
    tenant: TENANT,
    accountId: input.accountId,
    integrationId: input.integrationId,
    credential: { kind: 'token', ciphertext: await vault.encrypt(JSON.stringify({ token: input.token }), context), hint: `…${input.token.slice(-4)}`, setAt: NOW.toISOString() },
    providerLogin: `${input.accountId}@contoso.com`,
    status: 'valid',
    savedAt: NOW.toISOString(),
    verifiedAt: NOW.toISOString(),
    version: 1,
  };
  await new TokenStore(table.db, table.tableName).save(record, undefined, input.reverifyDay);
};

const itemOf = async (table: TestTable, accountId: string, integrationId: string): Promise<Record<string, unknown>> =>
  (await table.db.send(new GetCommand({ TableName: table.tableName, Key: { PK: userPk(TENANT, accountId), SK: tokenSk(integrationId) } }))).Item ?? {};

describe('daily re-verification of tokens whose host tells no expiry', () => {
  let table: TestTable;
  let vault: TokenVault;

  beforeEach(async () => {
    table = await createTestTable();
    vault = localVault(randomBytes(32));
    // Tenant data is only ever written while the tenant is installed.
    const installed = { clientKey: TENANT, baseUrl: 'https://tenant-r.atlassian.net', sharedSecretCiphertext: 'unused-here', installedAt: NOW.toISOString(), updatedAt: NOW.toISOString(), version: 1 };
    await new TenantStore(table.db, table.tableName).put(installed, undefined);
  });

  afterEach(() => table.destroy());

  const checkerFor = (clock: ManualClock, sink: MemoryEventSink, providers: ProviderLookup, concurrency?: number): TokenExpiryChecker =>
    new TokenExpiryChecker({
      tokens: new ExpiryTokenStore(table.db, table.tableName),
      integrations: new IntegrationStore(table.db, table.tableName),
      vault,
      providers,
      sink,
      clock,
      ...(concurrency ? { concurrency } : {}),
    });

  describe('against the Azure DevOps simulator, through the real adapter', () => {
    let sim: AzureDevOpsSimulator;

    beforeEach(async () => {
      sim = new AzureDevOpsSimulator();
      await sim.start();
      sim.addCollection({ path: '/contoso', serverVersion: 'services' });
    });

    afterEach(() => sim.stop());

    it('a revoked PAT → Token Invalid once; live PATs → checked again tomorrow, not today', async () => {
      const integrations = new IntegrationStore(table.db, table.tableName);
      await integrations.create(integrationRecord('int-ado', 'azure-devops', sim.collectionUrl('/contoso')));
      const pats = { alice: sim.issueToken({ owner: 'alice@contoso.com' }), bob: sim.issueToken({ owner: 'bob@contoso.com' }), carol: sim.issueToken({ owner: 'carol@contoso.com' }) };
      await saveToken(table, vault, { accountId: 'alice', integrationId: 'int-ado', token: pats.alice, reverifyDay: TODAY });
      await saveToken(table, vault, { accountId: 'bob', integrationId: 'int-ado', token: pats.bob, reverifyDay: TODAY });
      // Kept back ten days ago (say the host was down): still found.
      await saveToken(table, vault, { accountId: 'carol', integrationId: 'int-ado', token: pats.carol, reverifyDay: '2032-01-05' });
      sim.revokeToken(pats.bob);

      const clock = new ManualClock(NOW);
      const sink = new MemoryEventSink();
      const checker = checkerFor(clock, sink, providerLookup({ githubApiUrl: '', githubWebUrl: '', gitlabUrl: '', codecommitEndpoint: undefined }, FAST));
      const logs = captureLogs();
      let summary;
      try {
        summary = await checker.run({ budgetMs: 60_000 });
      } finally {
        logs.restore();
      }

      expect(summary).toMatchObject({ examined: 3, markedInvalid: 1, reverified: 2, deferred: 0, budgetExhausted: false });
      expect(sink.events).toEqual([{ detailType: 'Token Invalid', detail: { tenant: TENANT, integrationId: 'int-ado', accountId: 'bob' }, time: NOW }]);
      const bob = await itemOf(table, 'bob', 'int-ado');
      expect(bob).toMatchObject({ status: 'invalid', version: 2 });
      expect(bob.reverifyDay).toBeUndefined();
      expect(bob.eventPendingFor).toBeUndefined();
      for (const accountId of ['alice', 'carol']) {
        expect(await itemOf(table, accountId, 'int-ado')).toMatchObject({ status: 'valid', version: 1, reverifyDay: TOMORROW, verifiedAt: NOW.toISOString() });
      }
      const secrets = Object.values(pats);
      for (const secret of secrets) {
        expect(logs.text()).not.toContain(secret);
        expect(JSON.stringify(sink.events)).not.toContain(secret.slice(-4));
      }

      // Same day, an hour later: nobody is asked again, nothing is emitted.
      sim.clearRequests();
      clock.advance(3600 * 1000);
      const again = await checker.run({ budgetMs: 60_000 });
      expect(sim.requests).toHaveLength(0);
      expect(again).toMatchObject({ markedInvalid: 0, reverified: 0 });
      expect(sink.events).toHaveLength(1);

      // Tomorrow: the live tokens are asked about once more; bob's is no longer checked.
      clock.advance(DAY_MS);
      const tomorrow = await checker.run({ budgetMs: 60_000 });
      expect(tomorrow).toMatchObject({ examined: 2, reverified: 2, markedInvalid: 0 });
      expect(sink.events).toHaveLength(1);
    });
  });

  describe('with a fake host', () => {
    const hostA = integrationRecord('int-a', 'azure-devops', 'https://a.example.com/org');
    const hostB = integrationRecord('int-b', 'tfs', 'https://b.example.com/tfs/DefaultCollection');

    /** A host answering every verifyToken with `answer`, counting calls and the most at once. */
    const fakeHost = (answer: (credential: HostCredential) => Promise<void>) => {
      const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
      const provider: GitProvider = {
        verifyToken: async (credential) => {
          stats.calls += 1;
          stats.inFlight += 1;
          stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
          try {
            await new Promise((resolve) => setImmediate(resolve));
            await answer(credential);
            return { login: 'someone' };
          } finally {
            stats.inFlight -= 1;
          }
        },
        createBranch: () => Promise.reject(new Error('not used')),
        deleteBranch: () => Promise.reject(new Error('not used')),
        createPullRequest: () => Promise.reject(new Error('not used')),
        listRepositories: () => Promise.reject(new Error('not used')),
        listBranches: () => Promise.reject(new Error('not used')),
        newTokenUrl: () => 'https://example.com/tokens',
      };
      return { provider, stats };
    };

    const seedBothHosts = async (users: number): Promise<void> => {
      const integrations = new IntegrationStore(table.db, table.tableName);
      await integrations.create(hostA);
      await integrations.create(hostB);
      for (let i = 0; i < users; i += 1) {
        await saveToken(table, vault, { accountId: `user-${i}`, integrationId: 'int-a', token: `pat-a-${i}-${'x'.repeat(40)}`, reverifyDay: TODAY });
        await saveToken(table, vault, { accountId: `user-${i}`, integrationId: 'int-b', token: `pat-b-${i}-${'x'.repeat(40)}`, reverifyDay: TODAY });
      }
    };

    it('a rate-limited host is paused for the rest of the run; its tokens wait, the other host goes on', async () => {
      await seedBothHosts(30);
      let limited = true;
      const a = fakeHost(async () => {
        if (limited) throw new AppError('HOST_RATE_LIMITED', 'Azure DevOps is rate limiting requests.', { hostReason: 'rate-limited', retryAfterSeconds: 60 });
      });
      const b = fakeHost(async () => undefined);
      const providers: ProviderLookup = (integration) => (integration.baseUrl === hostA.baseUrl ? a.provider : b.provider);
      const clock = new ManualClock(NOW);
      const sink = new MemoryEventSink();
      const checker = checkerFor(clock, sink, providers);

      const first = await checker.run({ budgetMs: 60_000 });
      expect(a.stats.calls).toBeGreaterThanOrEqual(1);
      // At most what was already in flight when the first 429 came back.
      expect(a.stats.calls).toBeLessThanOrEqual(DEFAULT_CHECK_CONCURRENCY);
      expect(b.stats.calls).toBe(30);
      expect(b.stats.maxInFlight).toBeLessThanOrEqual(DEFAULT_CHECK_CONCURRENCY);
      expect(first).toMatchObject({ examined: 60, reverified: 30, deferred: 30, markedInvalid: 0 });
      for (let i = 0; i < 30; i += 1) {
        expect(await itemOf(table, `user-${i}`, 'int-a')).toMatchObject({ status: 'valid', reverifyDay: TODAY, version: 1 });
        expect(await itemOf(table, `user-${i}`, 'int-b')).toMatchObject({ reverifyDay: TOMORROW });
      }
      expect(sink.events).toHaveLength(0);

      // The next run finds host A answering again and finishes its tokens.
      limited = false;
      clock.advance(3600 * 1000);
      const second = await checker.run({ budgetMs: 60_000 });
      expect(second).toMatchObject({ examined: 30, reverified: 30, deferred: 0 });
      expect(b.stats.calls).toBe(30);
    });

    it('the pool runs across pages: with pages of 5 and 8 workers, 8 tokens are with the host at once, never more', async () => {
      await seedBothHosts(12);
      const gate: (() => void)[] = [];
      let released = false;
      let waiting: () => void = () => undefined;
      const eightInFlight = new Promise<void>((resolve) => (waiting = resolve));
      const slow = fakeHost(
        () =>
          new Promise<void>((resolve) => {
            if (released) return resolve();
            gate.push(resolve);
            if (gate.length === 8) waiting();
          }),
      );
      const checker = new TokenExpiryChecker({
        tokens: new ExpiryTokenStore(table.db, table.tableName),
        integrations: new IntegrationStore(table.db, table.tableName),
        vault,
        providers: () => slow.provider,
        sink: new MemoryEventSink(),
        clock: new ManualClock(NOW),
        concurrency: 8,
        pageSize: 5,
      });
      const running = checker.run({ budgetMs: 60_000 });
      // Page by page, a page of 5 would cap this at 5 until the whole page had answered.
      await eightInFlight;
      expect(slow.stats.inFlight).toBe(8);
      // From here every call is answered as soon as it arrives.
      released = true;
      gate.splice(0).forEach((answer) => answer());
      const summary = await running;
      expect(summary).toMatchObject({ examined: 24, reverified: 24, deferred: 0 });
      expect(slow.stats.maxInFlight).toBe(8);
    });

    it('one at a time, the first 429 is the only call that host gets', async () => {
      await seedBothHosts(5);
      const a = fakeHost(async () => {
        throw new AppError('HOST_RATE_LIMITED', 'rate limited', { hostReason: 'rate-limited', retryAfterSeconds: 30 });
      });
      const b = fakeHost(async () => undefined);
      const summary = await checkerFor(new ManualClock(NOW), new MemoryEventSink(), (i) => (i.baseUrl === hostA.baseUrl ? a.provider : b.provider), 1).run({ budgetMs: 60_000 });
      expect(a.stats.calls).toBe(1);
      expect(b.stats.calls).toBe(5);
      expect(b.stats.maxInFlight).toBe(1);
      expect(summary).toMatchObject({ reverified: 5, deferred: 5 });
    });

    it('a 401 without hostReason, an outage and an unreadable token: only the 401 marks a token invalid', async () => {
      await seedBothHosts(3);
      // user-2's ciphertext belongs to another row: it cannot be decrypted here.
      const moved = toToken(await itemOf(table, 'user-1', 'int-a'));
      await new TokenStore(table.db, table.tableName).save({ ...moved, accountId: 'user-2', version: 2 }, 1, TODAY);
      const a = fakeHost(async () => {
        throw new AppError('SERVICE_CREDENTIAL_REJECTED', 'Azure DevOps rejected the credential.');
      });
      const b = fakeHost(async () => {
        throw new AppError('HOST_UNAVAILABLE', 'TFS is unavailable.', { hostReason: 'unavailable' });
      });
      const sink = new MemoryEventSink();
      const summary = await checkerFor(new ManualClock(NOW), sink, (i) => (i.baseUrl === hostA.baseUrl ? a.provider : b.provider)).run({ budgetMs: 60_000 });
      expect(summary).toMatchObject({ examined: 6, markedInvalid: 2, reverified: 0, deferred: 4 });
      expect(a.stats.calls).toBe(2);
      expect(sink.events.map((e) => `${e.detailType} ${e.detail.accountId} ${e.detail.integrationId}`).sort()).toEqual(['Token Invalid user-0 int-a', 'Token Invalid user-1 int-a']);
      expect(await itemOf(table, 'user-2', 'int-a')).toMatchObject({ status: 'valid', reverifyDay: TODAY });
      expect(await itemOf(table, 'user-0', 'int-b')).toMatchObject({ status: 'valid', reverifyDay: TODAY });
    });
  });
});
