import { randomBytes } from 'node:crypto';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { JiraPermissionChecker, type PermissionChecker } from '../../lambdas/jira/permission-checker';
import { startHostSimulators, type HostSimulators, type HostWorld } from '../../local/host-worlds';
import type { GitProvider } from '../../lambdas/hosts/git-provider';
import { providersFor, type ProviderLookup } from '../../lambdas/hosts/provider-registry';
import { localVault } from '../../local/local-encryption-key';
import type { TokenVault } from '../../lambdas/vault/token-vault';
import { Harness } from '../support/harness';
import { TestClock } from '../support/test-clock';

/** A promise the test settles by hand. */
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

/**
 * The git-action path checks the caller's Jira permission while it reads DynamoDB and decrypts the
 * credential; the host call and every write wait for the permission. Real parts throughout (DynamoDB
 * Local, the Jira simulator's permission answers, the host simulators); the test only holds the
 * project-permission answer back until it says so, and watches the vault and the adapters.
 */
describe('the Jira permission check runs concurrently with the read and the decrypt, never ahead of the host call', () => {
  let hosts: HostSimulators;
  let h: Harness;
  let site: SiteInfo;
  const clock = new TestClock();
  const admin = 'admin-1';
  let permissionGate: Promise<void> | undefined;
  let decrypted: (() => void) | undefined;
  const hostCalls: string[] = [];
  let realProviders: ProviderLookup | undefined;

  const innerPermissions = new JiraPermissionChecker(clock, 0);
  const permissions: PermissionChecker = {
    has: async (query) => {
      if (query.permission === 'VIEW_DEV_TOOLS' && permissionGate) await permissionGate;
      return innerPermissions.has(query);
    },
  };
  const inner = localVault(randomBytes(32));
  const vault: TokenVault = {
    encrypt: (plaintext, context) => inner.encrypt(plaintext, context),
    decrypt: async (ciphertext, context) => {
      const secret = await inner.decrypt(ciphertext, context);
      decrypted?.();
      return secret;
    },
  };
  const watched: ProviderLookup = (integration) => {
    if (!realProviders) throw new Error('providers not ready');
    const provider = realProviders(integration);
    return new Proxy(provider, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          hostCalls.push(String(property));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as GitProvider;
  };

  beforeAll(async () => {
    hosts = await startHostSimulators();
    h = await Harness.start(hosts.env, { clock, permissions, vault, providers: watched });
    realProviders = providersFor(h.config);
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
  });
  afterAll(async () => {
    await h.stop();
    await hosts.stop();
  });
  afterEach(() => {
    permissionGate = undefined;
    decrypted = undefined;
  });

  const world = (kind: string): HostWorld => {
    return hosts.world(kind);
  };
  const createIntegration = async (w: HostWorld): Promise<string> => {
    const res = await h.call('POST', '/api/admin/integrations', { as: { site, accountId: admin }, body: w.integrationBody(`${w.kind} ${Math.random().toString(36).slice(2, 7)}`, false) });
    expect(res.status).toBe(201);
    return String(res.body.id);
  };
  const user = (granted: boolean) => {
    const accountId = `dev-${Math.random().toString(36).slice(2, 8)}`;
    if (granted) h.jira.grant(site.clientKey, accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    return { site, accountId };
  };
  const createBranch = (w: HostWorld, integrationId: string, as: { site: SiteInfo; accountId: string }, branchName: string) =>
    h.call('POST', '/api/git/branches', {
      as,
      headers: { 'idempotency-key': `key-${branchName.replace(/\W/g, '-')}` },
      body: { integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName, fromRef: w.defaultBranch },
    });
  const itemKeys = async (): Promise<string[]> => (await h.scanAll()).map((item) => `${String(item.pk)} ${String(item.sk)}`).sort();

  it('granted: the credential is decrypted while Jira has not answered, and the host is called only after it does', async () => {
    const w = world('github');
    const integrationId = await createIntegration(w);
    const as = user(true);
    const gate = deferred();
    const decryptedOnce = deferred();
    permissionGate = gate.promise;
    decrypted = decryptedOnce.resolve;
    hostCalls.length = 0;
    const before = await itemKeys();

    const answer = createBranch(w, integrationId, as, 'feature/PROJ-1-concurrent');
    await decryptedOnce.promise;
    // Read and decrypted, Jira still thinking: no host call, nothing written.
    expect(hostCalls).toEqual([]);
    expect(await itemKeys()).toEqual(before);

    gate.resolve();
    const res = await answer;
    expect(res.status).toBe(201);
    expect(hostCalls).toEqual(['createBranch']);
    expect(w.branchAuthor('feature/PROJ-1-concurrent')).toBe(w.serviceLogin);
  });

  it.each(['github', 'gitlab', 'azure-devops'])('%s: denied after the read and the decrypt ran: 403, no host call, nothing written', async (kind) => {
    const w = world(kind);
    const integrationId = await createIntegration(w);
    const as = user(false);
    const gate = deferred();
    const decryptedOnce = deferred();
    permissionGate = gate.promise;
    decrypted = decryptedOnce.resolve;
    hostCalls.length = 0;
    const before = await itemKeys();

    const answer = createBranch(w, integrationId, as, `feature/PROJ-1-denied-${kind}`);
    // GitLab and Azure DevOps ask the host which repository the id names: that waits for the permission
    // too, so there the decrypt is not reached before Jira answers; the other families decrypt first.
    if (kind === 'github') await decryptedOnce.promise;
    gate.resolve();
    const res = await answer;
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(hostCalls).toEqual([]);
    expect(w.branchAuthor(`feature/PROJ-1-denied-${kind}`)).toBeFalsy();
    expect(await itemKeys()).toEqual(before);
  });

  it('granted on a family resolved by the host: the resolution and the action both run after the permission', async () => {
    const w = world('gitlab');
    const integrationId = await createIntegration(w);
    const as = user(true);
    const gate = deferred();
    permissionGate = gate.promise;
    hostCalls.length = 0;
    const answer = createBranch(w, integrationId, as, 'feature/PROJ-1-gitlab-ok');
    // Let the request reach the permission wait; nothing may reach the host while it is pending.
    await new Promise((resolve) => setImmediate(resolve));
    expect(hostCalls).toEqual([]);
    gate.resolve();
    expect((await answer).status).toBe(201);
    expect(hostCalls).toContain('createBranch');
  });
});
