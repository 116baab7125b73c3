import { randomBytes } from 'node:crypto';
import type { Fault } from '../../simulators/kit/loopback-server';
import type { HostWorld } from '../../local/host-worlds';
import { logger } from '../../lambdas/observability/logger';
import type { CallOptions, CallResult } from '../support/harness';
import { SHORT_HOST_CALLS } from './host-fault-matrix';
import { startReliabilityWorld, uniqueSuffix, type Actor, type ReliabilityWorld, type Tenant } from './reliability-world';

/** Every value a credential was made of in a create-integration body. */
const credentialSecrets = (body: Record<string, unknown>): string[] => {
  const credential = body.serviceCredential as Record<string, string>;
  return [credential.token, credential.secretAccessKey, credential.password].filter((v): v is string => typeof v === 'string');
};

/** A host that echoes the caller's credential in its error text (a proxy page, a misconfigured server). */
const injectEchoingFault = (rw: ReliabilityWorld, w: HostWorld, secret: string): void => {
  const text = `invalid request from credential ${secret}`;
  if (w.provider.startsWith('github')) rw.hosts.github.injectFault({ method: 'POST', pathIncludes: '/git/refs', status: 422, body: { message: text, errors: [{ message: text }] } });
  else if (w.provider.startsWith('gitlab')) rw.hosts.gitlab.injectFault({ method: 'POST', pathIncludes: '/repository/branches', status: 400, body: { message: text } });
  else if (w.provider === 'codecommit') {
    rw.hosts.codecommit.injectFaultAfter(1, { status: 400, headers: { 'x-amzn-errortype': 'InvalidParameterException' }, body: { __type: 'InvalidParameterException', message: text } });
  } else rw.hosts.azure.injectFault({ method: 'POST', pathIncludes: '/refs', status: 400, body: { message: text, typeKey: 'InvalidArgumentValueException' } });
};

describe('secrets never in clear: a broad scenario across tenants, every kind, users, git actions and failures', () => {
  let rw: ReliabilityWorld;
  const secrets = new Set<string>();
  const responses: string[] = [];
  let levelBefore: string;

  beforeAll(async () => {
    rw = await startReliabilityWorld({ hostCalls: SHORT_HOST_CALLS });
    levelBefore = logger.getLevelName();
    // Debug lines too: a secret must not slip into the lines nobody reads either.
    logger.setLogLevel('DEBUG');
  });
  afterAll(async () => {
    logger.setLogLevel(levelBefore as 'INFO');
    await rw.stop();
  });

  const call = async (method: string, path: string, options: CallOptions): Promise<CallResult> => {
    const res = await rw.h.call(method, path, options);
    responses.push(`${JSON.stringify(Object.fromEntries(res.headers))}\n${res.text}`);
    return res;
  };
  const clearFaults = (): void => {
    rw.hosts.github.clearFaults();
    rw.hosts.gitlab.clearFaults();
    rw.hosts.azure.clearFaults();
    rw.hosts.codecommit.clearFaults();
  };

  const gitBody = (w: HostWorld, integrationId: string, extra: Record<string, unknown>) => ({ integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-7', ...extra });

  /** One user's life with one integration: bad saves, a good save, the three actions, host failures, a revoked token. */
  const userStory = async (tenant: Tenant, w: HostWorld, integrationId: string): Promise<void> => {
    const as: Actor = rw.newUser(`u-${w.provider}`, tenant.site);
    const rejectedSecret = w.provider === 'codecommit' ? randomBytes(30).toString('base64') : `pat_${randomBytes(20).toString('hex')}`;
    const rejected: Record<string, string> = w.provider === 'codecommit' ? { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: rejectedSecret } : { token: rejectedSecret };
    secrets.add(rejectedSecret);
    expect((await call('PUT', `/api/me/tokens/${integrationId}`, { as, body: rejected })).body.code).toBe('TOKEN_REJECTED');
    expect((await call('PUT', `/api/me/tokens/${integrationId}`, { as, body: { ...rejected, note: 'extra field' } })).status).toBe(400);
    expect((await call('PUT', `/api/me/tokens/${integrationId}`, { as, rawBody: `{"token": "${rejectedSecret}", `, headers: { 'content-type': 'application/json' } })).status).toBe(400);

    const login = `dev-${uniqueSuffix()}`;
    const token = w.userToken(login);
    secrets.add(token.secret);
    expect((await call('PUT', `/api/me/tokens/${integrationId}`, { as, body: token.body })).status).toBe(200);
    await call('GET', '/api/me/integrations', { as });
    await call('GET', '/api/issues/PROJ-7/git-readiness', { as, query: { integrationId, repositoryId: w.repositoryId } });

    const branch = `secret/${uniqueSuffix()}`;
    const create = gitBody(w, integrationId, { branchName: branch, fromRef: w.defaultBranch });
    expect((await call('POST', '/api/git/branches', { as, body: create, headers: { 'idempotency-key': `k-${uniqueSuffix()}` } })).status).toBe(201);
    w.commitTo(branch);
    expect((await call('POST', '/api/git/pull-requests', { as, body: gitBody(w, integrationId, { sourceBranch: branch, targetBranch: w.defaultBranch, title: 'PROJ-7 secrets' }) })).status).toBe(201);
    expect((await call('POST', '/api/git/branches', { as, body: create })).body.code).toBe('CONFLICT');

    for (const fault of [{ status: 500 }, { resetConnection: true }, { malformedBody: true }, { status: 429, headers: { 'retry-after': '3' } }] as Fault[]) {
      rw.hosts.github.injectFault(fault);
      rw.hosts.gitlab.injectFault(fault);
      rw.hosts.azure.injectFault(fault);
      rw.hosts.codecommit.injectFault(fault);
      try {
        expect((await call('POST', '/api/git/branches', { as, body: gitBody(w, integrationId, { branchName: `${branch}-f`, fromRef: w.defaultBranch }) })).status).toBeGreaterThanOrEqual(429);
      } finally {
        clearFaults();
      }
    }
    injectEchoingFault(rw, w, token.secret);
    try {
      expect((await call('POST', '/api/git/branches', { as, body: gitBody(w, integrationId, { branchName: `${branch}-echo`, fromRef: w.defaultBranch }) })).status).toBeGreaterThanOrEqual(400);
    } finally {
      clearFaults();
    }
    expect((await call('DELETE', '/api/git/branches', { as, body: gitBody(w, integrationId, { branchName: branch }) })).status).toBe(200);
    w.revoke(token.secret);
    expect((await call('POST', '/api/git/branches', { as, body: gitBody(w, integrationId, { branchName: `${branch}-late`, fromRef: w.defaultBranch }) })).body.code).toBe('PAT_INVALID');
  };

  it('runs the scenario: three tenants, every kind, users\' tokens, git actions, host failures, rotations, an uninstall', async () => {
    const tenants = [rw.tenant, await rw.installTenant(), await rw.installTenant()];
    for (const tenant of tenants) {
      for (const w of rw.hosts.worlds) {
        const body = w.integrationBody(`${w.kind} ${uniqueSuffix()}`, w.kind !== 'tfs 2015');
        credentialSecrets(body).forEach((s) => secrets.add(s));
        const created = await call('POST', '/api/admin/integrations', { as: tenant.admin, body });
        expect(created.status).toBe(201);
        const integrationId = String(created.body.id);
        await call('GET', `/api/admin/integrations/${integrationId}`, { as: tenant.admin });
        if (w.kind === 'tfs 2015') {
          const as = rw.newUser('tfs', tenant.site);
          expect((await call('POST', '/api/git/branches', { as, body: gitBody(w, integrationId, { branchName: `svc/${uniqueSuffix()}`, fromRef: 'main' }) })).status).toBe(201);
          expect((await call('PUT', `/api/me/tokens/${integrationId}`, { as, body: { token: `tfs_${randomBytes(16).toString('hex')}` } })).body.code).toBe('PAT_NOT_SUPPORTED');
          continue;
        }
        if (tenant === tenants[0]) await userStory(tenant, w, integrationId);
      }
      await call('GET', '/api/admin/integrations', { as: tenant.admin });
      await call('GET', '/api/admin/audit', { as: tenant.admin, query: { limit: '100' } });
    }

    const [first, second, third] = tenants as [Tenant, Tenant, Tenant];
    // An admin replaces a service credential, sends one of the wrong shape, and one that is rejected on use.
    const github = rw.world('github');
    const ghId = String((await call('POST', '/api/admin/integrations', { as: first.admin, body: github.integrationBody(`gh ${uniqueSuffix()}`, false) })).body.id);
    const replacement = rw.hosts.github.issueToken({ login: 'svc-bot' });
    secrets.add(replacement);
    expect((await call('PATCH', `/api/admin/integrations/${ghId}`, { as: first.admin, headers: { 'if-match': '"1"' }, body: { serviceCredential: { token: replacement } } })).status).toBe(200);
    expect((await call('POST', '/api/git/branches', { as: rw.newUser('svc-user'), body: gitBody(github, ghId, { branchName: `svc/${uniqueSuffix()}`, fromRef: 'main' }) })).status).toBe(201);
    const wrongShape = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: randomBytes(30).toString('base64') };
    secrets.add(wrongShape.secretAccessKey);
    expect((await call('PATCH', `/api/admin/integrations/${ghId}`, { as: first.admin, headers: { 'if-match': '"2"' }, body: { serviceCredential: wrongShape } })).status).toBe(400);
    // A token the host does not know is refused on save (verified with the host first), and nothing is stored.
    const unknown = `ghp_${randomBytes(18).toString('hex')}`;
    secrets.add(unknown);
    expect((await call('PATCH', `/api/admin/integrations/${ghId}`, { as: first.admin, headers: { 'if-match': '"2"' }, body: { serviceCredential: { token: unknown } } })).body.code).toBe('TOKEN_REJECTED');
    // One the host accepted and later revoked is rejected on use.
    const dead = rw.hosts.github.issueToken({ login: 'svc-bot' });
    secrets.add(dead);
    expect((await call('PATCH', `/api/admin/integrations/${ghId}`, { as: first.admin, headers: { 'if-match': '"2"' }, body: { serviceCredential: { token: dead } } })).status).toBe(200);
    rw.hosts.github.revokeToken(dead);
    expect((await call('POST', '/api/git/branches', { as: rw.newUser('svc-user'), body: gitBody(github, ghId, { branchName: `svc/${uniqueSuffix()}`, fromRef: 'main' }) })).body.code).toBe('SERVICE_CREDENTIAL_REJECTED');

    // Forge upgrades a site; another site uninstalls.
    expect((await rw.h.jira.deliverForgeEvent(second.site.clientKey, rw.h.url, 'avi:forge:upgraded:app')).status).toBe(204);
    expect((await call('GET', '/api/admin/integrations', { as: { site: rw.h.jira.site(second.site.clientKey), accountId: second.admin.accountId } })).status).toBe(200);
    expect(await rw.h.uninstallSite(third.site)).toBe(204);
  }, 120_000);

  it('no secret appears in any table item, captured log line or response', async () => {
    const table = JSON.stringify(await rw.h.scanAll());
    const logs = rw.h.logs.text();
    const answers = responses.join('\n');
    // The scan is not vacuous: the scenario logged, answered and stored a lot.
    expect(logs).toMatch(/"request handled"/);
    expect(logs).toMatch(/"request refused"/);
    expect(responses.length).toBeGreaterThan(150);
    expect(secrets.size).toBeGreaterThan(25);
    const found = [...secrets].flatMap((secret) => [
      ...(table.includes(secret) ? [`table: …${secret.slice(-6)}`] : []),
      ...(logs.includes(secret) ? [`logs: …${secret.slice(-6)}`] : []),
      ...(answers.includes(secret) ? [`responses: …${secret.slice(-6)}`] : []),
    ]);
    expect(found).toEqual([]);
  });
});
