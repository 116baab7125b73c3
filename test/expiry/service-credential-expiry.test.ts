import { createTokenExpiryChecker } from '../../lambdas/expiry/create-token-expiry-checker';
import type { ServiceCredentialEvent } from '../../lambdas/expiry/event-sink';
import type { TokenExpiryChecker } from '../../lambdas/expiry/token-expiry-checker';
import { SERVICE_CREDENTIAL_EXPIRY_TYPE } from '../../lambdas/store/service-credential-expiry';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { Harness } from '../support/harness';
import { MemoryEventSink } from '../support/memory-event-sink';
import { TestClock } from '../support/test-clock';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/**
 * The admins' warnings before a service credential expires (docs/architecture.md §7), end to end on
 * DynamoDB Local: the admin API saves integrations whose credentials the host simulators verify (GitHub
 * reports a token's expiry in `github-authentication-token-expiration`, Azure DevOps never does), and
 * the checker the scheduled function runs (createTokenExpiryChecker over the same dependencies) reads
 * the byExpiry index. Time moves by the app's clock, never by sleeping.
 */
describe('service credential expiry: the admins are warned before it stops working', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let github: HostWorld;
  let azure: HostWorld;
  const clock = new TestClock();
  let sink: MemoryEventSink;
  let checker: TokenExpiryChecker;

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { clock });
    github = hosts.world('github');
    azure = hosts.world('azure-devops');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });
  beforeEach(() => {
    sink = new MemoryEventSink();
    checker = createTokenExpiryChecker(h.app.deps, sink);
  });

  const run = () => checker.run({ budgetMs: 60_000 });

  const site = async (): Promise<SiteInfo> => {
    const s = await h.installSite();
    h.jira.grant(s.clientKey, 'admin', 'ADMINISTER');
    return s;
  };

  /** A service token of its own on the world's host, expiring `days` from the app's now (or never). */
  const serviceToken = (world: HostWorld, days?: number): Record<string, string> => {
    const expiresAt = days === undefined ? undefined : new Date(clock.now().getTime() + days * DAY);
    const { secret } = world.userToken(`svc-${Math.random().toString(36).slice(2, 9)}`, expiresAt ? { expiresAt } : {});
    // The secret alone: an admin states no expiry; the host reports it, or nobody does.
    return { token: secret };
  };

  const createIntegration = async (s: SiteInfo, world: HostWorld, name: string, days?: number): Promise<{ id: string; expiresAt?: string }> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: { site: s, accountId: 'admin' }, body: { ...world.integrationBody(name, false), serviceCredential: serviceToken(world, days) } });
    expect(res.status).toBe(201);
    const credential = res.body.serviceCredential as { expiresAt?: string };
    return { id: String(res.body.id), ...(credential.expiresAt ? { expiresAt: credential.expiresAt } : {}) };
  };

  const entries = async (integrationId: string) => (await h.scanAll()).filter((i) => i.type === SERVICE_CREDENTIAL_EXPIRY_TYPE && i.integrationId === integrationId);

  const warningsFor = (integrationId: string): [string, number | undefined][] =>
    sink.serviceCredentialEvents.filter((e) => e.detail.integrationId === integrationId).map((e) => [e.detailType, e.detail.expiresInDays]);

  /** Moves the app's clock to `daysLeft` before the credential's expiry. */
  const moveTo = (expiresAt: string, daysLeft: number): void => {
    clock.advance(Date.parse(expiresAt) - daysLeft * DAY - clock.now().getTime());
  };

  afterEach(() => clock.advance(-clock.offsetMs));

  it('warns at 30, 7 and 1 day before and once expired, each once however often the checker runs', async () => {
    const s = await site();
    const { id, expiresAt } = await createIntegration(s, github, 'GitHub (acme)', 45);
    expect(expiresAt).toBeDefined();
    const expiry = String(expiresAt);
    expect(await entries(id)).toEqual([expect.objectContaining({ tenant: s.clientKey, expiresAt: expiry, expiryDay: `S#${expiry.slice(0, 7)}` })]);

    moveTo(expiry, 31);
    await run();
    expect(warningsFor(id)).toEqual([]);

    const steps: [number, [string, number | undefined]][] = [
      [29.9, ['Service Credential Expiring', 29]],
      [6.5, ['Service Credential Expiring', 6]],
      [0.5, ['Service Credential Expiring', 0]],
      [-0.1, ['Service Credential Expired', undefined]],
    ];
    const expected: [string, number | undefined][] = [];
    for (const [daysLeft, warning] of steps) {
      moveTo(expiry, daysLeft);
      const first = await run();
      expect(first.serviceCredentialWarnings).toBe(1);
      expected.push(warning);
      expect(warningsFor(id)).toEqual(expected);
      // The next hourly run repeats nothing.
      clock.advance(HOUR);
      expect(await run()).toMatchObject({ serviceCredentialWarnings: 0, deferred: 0 });
      expect(warningsFor(id)).toEqual(expected);
    }
    const event = sink.serviceCredentialEvents.find((e) => e.detail.integrationId === id) as ServiceCredentialEvent;
    expect(event.detail).toEqual({ tenant: s.clientKey, integrationId: id, integrationName: 'GitHub (acme)', provider: 'github', expiresAt: expiry, expiresInDays: 29 });
    // Which integration and when: never a secret, a hint or an account.
    expect(JSON.stringify(sink.serviceCredentialEvents)).not.toMatch(/ghp_|hint|accountId|ciphertext/);
    expect(sink.events).toEqual([]);
  });

  it('a credential saved with 5 days left gets the 7-day warning only, not the 30-day one too', async () => {
    const s = await site();
    const { id } = await createIntegration(s, github, 'short-lived', 5);
    await run();
    expect(warningsFor(id)).toEqual([['Service Credential Expiring', 4]]);
  });

  it('no entry and no warning for kinds whose host tells no expiry, nor for a token that never expires', async () => {
    const s = await site();
    const ado = await createIntegration(s, azure, 'Azure DevOps', 3);
    const forever = await createIntegration(s, github, 'never expires');
    expect(ado.expiresAt).toBeUndefined();
    expect(forever.expiresAt).toBeUndefined();
    expect(await entries(ado.id)).toEqual([]);
    expect(await entries(forever.id)).toEqual([]);
    for (const days of [0, 4, 40]) {
      clock.advance(days * DAY - clock.offsetMs);
      await run();
    }
    expect(warningsFor(ado.id)).toEqual([]);
    expect(warningsFor(forever.id)).toEqual([]);
  });

  it('a new credential replaces the entry in the same save: its own warnings start afresh; one without expiry removes it', async () => {
    const s = await site();
    const as = { site: s, accountId: 'admin' };
    const { id } = await createIntegration(s, github, 'rotated', 6);
    await run();
    expect(warningsFor(id)).toEqual([['Service Credential Expiring', 5]]);

    const renamed = await h.call('PATCH', `/api/admin/integrations/${id}`, { as, headers: { 'if-match': '"1"' }, body: { name: 'rotated (renamed)' } });
    expect(renamed.status).toBe(200);
    await run();
    expect(warningsFor(id)).toHaveLength(1); // a rename keeps what was warned

    const replaced = await h.call('PATCH', `/api/admin/integrations/${id}`, { as, headers: { 'if-match': '"2"' }, body: { serviceCredential: serviceToken(github, 20) } });
    expect(replaced.status).toBe(200);
    const expiresAt = String((replaced.body.serviceCredential as { expiresAt?: string }).expiresAt);
    expect(await entries(id)).toEqual([expect.objectContaining({ expiresAt, expiryDay: `S#${expiresAt.slice(0, 7)}` })]);
    expect((await entries(id))[0]?.warned).toBeUndefined();
    await run();
    expect(warningsFor(id)).toEqual([['Service Credential Expiring', 5], ['Service Credential Expiring', 19]]);

    const unexpiring = await h.call('PATCH', `/api/admin/integrations/${id}`, { as, headers: { 'if-match': '"3"' }, body: { serviceCredential: serviceToken(github) } });
    expect(unexpiring.status).toBe(200);
    expect(await entries(id)).toEqual([]);
    moveTo(expiresAt, -1);
    await run();
    expect(warningsFor(id)).toHaveLength(2);
  });

  it('a save that fails leaves the entry as it was: it is written in the same transaction as the credential', async () => {
    const s = await site();
    const { id } = await createIntegration(s, github, 'stale save', 10);
    const before = await entries(id);
    const store = h.app.deps.integrationStore;
    const previous = await store.get(s.clientKey, id);
    if (!previous) throw new Error('integration not stored');
    const later = new Date(clock.now().getTime() + 1000).toISOString();
    const next = { ...previous, serviceCredential: { ...previous.serviceCredential, ciphertext: 'local.other', setAt: later, expiresAt: new Date(clock.now().getTime() + 3 * DAY).toISOString() }, version: 2 };
    await expect(store.update(previous, next, 7)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect(await entries(id)).toEqual(before);
  });

  it('a deleted integration is never warned about: its entry goes in the delete itself', async () => {
    const s = await site();
    const { id } = await createIntegration(s, github, 'to delete', 3);
    h.deletions.pause(); // the integration's deletion job has not run yet
    try {
      const deleted = await h.call('DELETE', `/api/admin/integrations/${id}`, { as: { site: s, accountId: 'admin' } });
      expect(deleted.status).toBe(204);
      expect(await entries(id)).toEqual([]);
      await run();
      clock.advance(4 * DAY);
      await run();
      expect(warningsFor(id)).toEqual([]);
    } finally {
      h.deletions.resume();
      await h.deletions.idle();
    }
  });

  it('an uninstalled site hears nothing, even before its deletion job has removed the entries', async () => {
    const s = await site();
    const { id } = await createIntegration(s, github, 'uninstalled', 3);
    h.deletions.pause();
    try {
      expect(await h.uninstallSite(s)).toBe(204);
      expect(await entries(id)).toHaveLength(1); // still there: the job runs later
      await run();
      expect(warningsFor(id)).toEqual([]);
      expect((await entries(id))[0]?.warned).toBeUndefined();
    } finally {
      h.deletions.resume();
      await h.deletions.idle();
    }
    expect(await entries(id)).toEqual([]);
  });

  it('an event the bus refuses stays owed and is sent by the next run, once', async () => {
    await run(); // whatever else this table owes now is sent: the next run's first event is this one's
    const s = await site();
    const { id } = await createIntegration(s, github, 'bus down', 2);
    sink.refuseNext(1);
    expect((await run()).deferred).toBeGreaterThanOrEqual(1);
    expect(warningsFor(id)).toEqual([]);
    expect((await entries(id))[0]).toMatchObject({ warned: '7d', eventPendingFor: 'Service Credential Expiring' });

    clock.advance(HOUR);
    await run();
    await run();
    expect(warningsFor(id)).toEqual([['Service Credential Expiring', 1]]);
    expect((await entries(id))[0]?.eventPendingFor).toBeUndefined();
  });
});
