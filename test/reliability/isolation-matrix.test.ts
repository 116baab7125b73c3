import { functionRoutes } from '../../local/local-app';
import type { CallResult } from '../support/harness';
import { expectWellFormedAnswer } from './answer-invariants';
import { startReliabilityWorld, uniqueSuffix, type Actor, type ReliabilityWorld, type SavedToken, type Tenant } from './reliability-world';

/** A request some caller makes against somebody else's resources. */
interface Probe {
  readonly routeKey: string;
  readonly method: string;
  readonly path: string;
  readonly body?: Record<string, unknown>;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

/** What a foreign integration looks like to the matrix: its ids, and everything that must never leak. */
interface Victim {
  readonly integrationId: string;
  readonly repositoryId: string;
  readonly secrets: readonly string[];
}


/** A service token the GitHub simulator accepts: a new integration's credential is verified with its host on save. */
let probeServiceToken = '';

/** Every /api route, aimed at `victim`'s integration and repository. */
const probesAt = (victim: Victim, auditCursor?: string): Probe[] => {
  const id = victim.integrationId;
  const git = { integrationId: id, repositoryId: victim.repositoryId, issueKey: 'PROJ-1' };
  return [
    { routeKey: 'GET /api/admin/integrations', method: 'GET', path: '/api/admin/integrations' },
    { routeKey: 'POST /api/admin/integrations', method: 'POST', path: '/api/admin/integrations', body: { name: `probe ${uniqueSuffix()}`, provider: 'github', requireUserPat: true, serviceCredential: { token: probeServiceToken } } },
    { routeKey: 'GET /api/admin/jira-projects', method: 'GET', path: '/api/admin/jira-projects' },
    { routeKey: 'GET /api/admin/integrations/{integrationId}', method: 'GET', path: `/api/admin/integrations/${id}` },
    { routeKey: 'PATCH /api/admin/integrations/{integrationId}', method: 'PATCH', path: `/api/admin/integrations/${id}`, body: { requireUserPat: false }, headers: { 'if-match': '"1"' } },
    { routeKey: 'DELETE /api/admin/integrations/{integrationId}', method: 'DELETE', path: `/api/admin/integrations/${id}` },
    { routeKey: 'PUT /api/admin/integrations/{integrationId}/repositories', method: 'PUT', path: `/api/admin/integrations/${id}/repositories`, body: { repositoryId: victim.repositoryId, requireUserPat: false } },
    { routeKey: 'GET /api/admin/audit', method: 'GET', path: '/api/admin/audit', query: { integrationId: id, ...(auditCursor ? { cursor: auditCursor } : {}) } },
    { routeKey: 'GET /api/me/integrations', method: 'GET', path: '/api/me/integrations' },
    { routeKey: 'PUT /api/me/tokens/{integrationId}', method: 'PUT', path: `/api/me/tokens/${id}`, body: { token: 'ghp_probe_token_1111111111111111' } },
    { routeKey: 'DELETE /api/me/tokens/{integrationId}', method: 'DELETE', path: `/api/me/tokens/${id}` },
    { routeKey: 'GET /api/issues/{issueKey}/git-readiness', method: 'GET', path: '/api/issues/PROJ-1/git-readiness', query: { integrationId: id, repositoryId: victim.repositoryId } },
    { routeKey: 'GET /api/issues/{issueKey}/development', method: 'GET', path: '/api/issues/PROJ-1/development', query: { integrationId: id, repositoryId: victim.repositoryId } },
    { routeKey: 'POST /api/git/branches', method: 'POST', path: '/api/git/branches', body: { ...git, branchName: `probe/${uniqueSuffix()}`, fromRef: 'main' } },
    { routeKey: 'DELETE /api/git/branches', method: 'DELETE', path: '/api/git/branches', body: { ...git, branchName: 'main' } },
    { routeKey: 'POST /api/git/pull-requests', method: 'POST', path: '/api/git/pull-requests', body: { ...git, sourceBranch: 'main', targetBranch: 'main', title: 'probe' } },
    { routeKey: 'GET /api/integrations/{integrationId}/repositories', method: 'GET', path: `/api/integrations/${id}/repositories`, query: { issueKey: 'PROJ-1' } },
    { routeKey: 'GET /api/integrations/{integrationId}/branches', method: 'GET', path: `/api/integrations/${id}/branches`, query: { issueKey: 'PROJ-1', repositoryId: victim.repositoryId } },
  ];
};

/** The victim's strings a response must not carry, leaving out what the caller itself sent. */
const expectNoLeak = (res: CallResult, probe: Probe, secrets: readonly string[]): void => {
  const sent = `${probe.path} ${JSON.stringify(probe.body ?? {})} ${JSON.stringify(probe.query ?? {})}`;
  const leaked = secrets.filter((secret) => !sent.includes(secret) && res.text.includes(secret));
  expect([probe.routeKey, leaked]).toEqual([probe.routeKey, []]);
};

describe('tenant and user isolation: every route against another tenant\'s and another user\'s data', () => {
  let rw: ReliabilityWorld;
  let a: Tenant;
  let b: Tenant;
  /** Tenant B's GitHub integration (requires PATs, has an override) and its user's token. */
  let victimOfB: Victim;
  let bCursor: string;
  /** Tenant A: an admin who is also a developer, a developer with a token, a developer without one, an outsider. */
  let adminA: Actor;
  let owner: Actor;
  let ownerToken: SavedToken;
  let peer: Actor;
  let outsider: Actor;
  let victimOfOwner: Victim;

  beforeAll(async () => {
    rw = await startReliabilityWorld();
    a = rw.tenant;
    b = await rw.installTenant();
    const github = rw.world('github');
    probeServiceToken = (github.integrationBody('probe', false).serviceCredential as { token: string }).token;

    const bIntegration = await rw.createIntegration(github, true, b.admin);
    await rw.h.call('PUT', `/api/admin/integrations/${bIntegration}/repositories`, { as: b.admin, body: { repositoryId: github.repositoryId, requireUserPat: true } });
    const bUser = rw.newUser('b-dev', b.site);
    const bToken = await rw.saveToken(bUser, github, bIntegration);
    await rw.h.call('POST', '/api/git/branches', { as: bUser, body: { integrationId: bIntegration, repositoryId: github.repositoryId, issueKey: 'PROJ-1', branchName: `b/${uniqueSuffix()}`, fromRef: 'main' } });
    // (B's service credential is the simulator's one service token, which A's integrations share: not B's secret to leak.)
    const bIntegrationRecord = await rw.h.app.deps.integrationStore.get(b.site.clientKey, bIntegration);
    const page = await rw.h.call('GET', '/api/admin/audit', { as: b.admin, query: { limit: '1' } });
    bCursor = String(page.body.nextCursor);
    victimOfB = {
      integrationId: bIntegration,
      repositoryId: github.repositoryId,
      secrets: [
        bIntegration,
        String(bIntegrationRecord?.name),
        b.site.clientKey,
        b.site.baseUrl,
        b.admin.accountId,
        bUser.accountId,
        bToken.login,
        `…${bToken.secret.slice(-4)}`,
      ],
    };

    adminA = { site: a.site, accountId: a.admin.accountId };
    rw.h.jira.grant(a.site.clientKey, adminA.accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    const aIntegration = await rw.createIntegration(github, true);
    owner = rw.newUser('owner');
    ownerToken = await rw.saveToken(owner, github, aIntegration);
    peer = rw.newUser('peer');
    outsider = { site: a.site, accountId: `outsider-${uniqueSuffix()}` };
    victimOfOwner = { integrationId: aIntegration, repositoryId: github.repositoryId, secrets: [owner.accountId, ownerToken.login, `…${ownerToken.secret.slice(-4)}`] };
  });
  afterAll(() => rw.stop());

  it('probes every /api route the API serves', () => {
    const served = Object.values(functionRoutes(() => rw.h.app.deps)).flat().map((r) => r.routeKey).filter((key) => key.includes(' /api/'));
    expect(probesAt(victimOfB).map((p) => p.routeKey).sort()).toEqual(served.sort());
  });

  const call = (as: Actor, probe: Probe): Promise<CallResult> =>
    rw.h.call(probe.method, probe.path, { as, ...(probe.body ? { body: probe.body } : {}), ...(probe.query ? { query: probe.query } : {}), ...(probe.headers ? { headers: probe.headers } : {}) });

  /** Tenant B's partitions, as they must stay whatever tenant A does. */
  const tenantBItems = async (): Promise<string> =>
    JSON.stringify((await rw.h.scanAll()).filter((item) => String(item.PK).startsWith(`T#${b.site.clientKey}`)).sort((x, y) => `${String(x.PK)}${String(x.SK)}`.localeCompare(`${String(y.PK)}${String(y.SK)}`)));

  it('tenant A\'s admin (also a developer) gets 404, or a list of A\'s own, on every route aimed at tenant B, and B is untouched', async () => {
    const before = await tenantBItems();
    const statuses: Record<string, number> = {};
    for (const probe of probesAt(victimOfB, bCursor)) {
      const res = await call(adminA, probe);
      expectWellFormedAnswer(res, probe.routeKey);
      expectNoLeak(res, probe, victimOfB.secrets);
      statuses[probe.routeKey] = res.status;
    }
    expect(statuses).toEqual({
      'GET /api/admin/integrations': 200,
      'POST /api/admin/integrations': 201,
      // Tenant A's own Jira projects.
      'GET /api/admin/jira-projects': 200,
      'GET /api/admin/integrations/{integrationId}': 404,
      'PATCH /api/admin/integrations/{integrationId}': 404,
      'DELETE /api/admin/integrations/{integrationId}': 404,
      'PUT /api/admin/integrations/{integrationId}/repositories': 404,
      // B's audit cursor does not page A's audit.
      'GET /api/admin/audit': 400,
      'GET /api/me/integrations': 200,
      'PUT /api/me/tokens/{integrationId}': 404,
      'DELETE /api/me/tokens/{integrationId}': 404,
      'GET /api/issues/{issueKey}/git-readiness': 404,
      'GET /api/issues/{issueKey}/development': 404,
      'POST /api/git/branches': 404,
      'DELETE /api/git/branches': 404,
      'POST /api/git/pull-requests': 404,
      'GET /api/integrations/{integrationId}/repositories': 404,
      'GET /api/integrations/{integrationId}/branches': 404,
    });
    const audit = await call(adminA, { routeKey: 'GET /api/admin/audit', method: 'GET', path: '/api/admin/audit', query: { integrationId: victimOfB.integrationId } });
    expect(audit.body.entries).toEqual([]);
    expect(await tenantBItems()).toEqual(before);
  });

  it('the same Atlassian account in tenant B sees none of tenant A\'s token and reaches none of A\'s integrations', async () => {
    const twin = { site: b.site, accountId: owner.accountId };
    rw.h.jira.grant(b.site.clientKey, twin.accountId, 'VIEW_DEV_TOOLS', 'PROJ');
    const mine = await call(twin, { routeKey: 'GET /api/me/integrations', method: 'GET', path: '/api/me/integrations' });
    expect((mine.body.integrations as { integrationId: string; status: string }[]).map((i) => [i.integrationId, i.status])).toEqual([[victimOfB.integrationId, 'missing']]);
    for (const probe of probesAt(victimOfOwner).filter((p) => /\/api\/(me\/tokens|issues|git|integrations)\//.test(p.path))) {
      const res = await call(twin, probe);
      expect([probe.routeKey, res.status, res.body.code]).toEqual([probe.routeKey, 404, 'NOT_FOUND']);
      expectNoLeak(res, probe, [ownerToken.login, `…${ownerToken.secret.slice(-4)}`]);
    }
  });

  it('a developer gets 403 on every admin route, and neither sees nor uses nor removes another user\'s token', async () => {
    const ownerTokenItem = async () => JSON.stringify((await rw.h.scanAll()).filter((i) => i.type === 'user-token' && i.accountId === owner.accountId));
    const before = await ownerTokenItem();
    const expected: Record<string, [number, string?]> = {
      'GET /api/me/integrations': [200],
      // The peer's own token: there is none to forget, and the owner's is not theirs to forget.
      'DELETE /api/me/tokens/{integrationId}': [204],
      // The peer acts for themself: the policy asks for *their* PAT, the owner's is never used.
      'GET /api/issues/{issueKey}/git-readiness': [200],
      // The issue's list: the repository's host read is refused for want of the peer's own token (read: refused), never done with the owner's.
      'GET /api/issues/{issueKey}/development': [200],
      'POST /api/git/branches': [428, 'PAT_REQUIRED'],
      'DELETE /api/git/branches': [428, 'PAT_REQUIRED'],
      'POST /api/git/pull-requests': [428, 'PAT_REQUIRED'],
      // The pickers list with the peer's own credential too: none saved, so the action's refusal.
      'GET /api/integrations/{integrationId}/repositories': [428, 'PAT_REQUIRED'],
      'GET /api/integrations/{integrationId}/branches': [428, 'PAT_REQUIRED'],
      // A token of no host user: the host refuses it before anything is stored.
      'PUT /api/me/tokens/{integrationId}': [422, 'TOKEN_REJECTED'],
    };
    for (const probe of probesAt(victimOfOwner)) {
      const res = await call(peer, probe);
      expectWellFormedAnswer(res, probe.routeKey);
      expectNoLeak(res, probe, victimOfOwner.secrets);
      const [status, code] = expected[probe.routeKey] ?? [403, 'FORBIDDEN'];
      expect([probe.routeKey, res.status, ...(code ? [res.body.code] : [])]).toEqual([probe.routeKey, status, ...(code ? [code] : [])]);
    }
    const mine = await call(peer, { routeKey: 'GET /api/me/integrations', method: 'GET', path: '/api/me/integrations' });
    const entry = (mine.body.integrations as { integrationId: string; status: string; hint?: string; providerLogin?: string }[]).find((i) => i.integrationId === victimOfOwner.integrationId);
    expect([entry?.status, entry?.hint, entry?.providerLogin]).toEqual(['missing', undefined, undefined]);
    const ready = await call(peer, probesAt(victimOfOwner).find((p) => p.routeKey.includes('git-readiness')) as Probe);
    expect(ready.body).toMatchObject({ status: 'refused', code: 'PAT_REQUIRED' });
    expect(await ownerTokenItem()).toEqual(before);
  });

  it('an account without View Development Tools gets 403 on issue and git routes, and nothing of anyone\'s token', async () => {
    for (const probe of probesAt(victimOfOwner).filter((p) => /\/api\/(issues|git)\//.test(p.path))) {
      const res = await call(outsider, probe);
      expect([probe.routeKey, res.status, res.body.code]).toEqual([probe.routeKey, 403, 'FORBIDDEN']);
      expectNoLeak(res, probe, victimOfOwner.secrets);
    }
    // The pickers serve an issue and are checked like readiness: no project permission, nothing listed (issue 21).
    for (const probe of probesAt(victimOfOwner).filter((p) => p.path.startsWith('/api/integrations/'))) {
      const res = await call(outsider, probe);
      expect([probe.routeKey, res.status, res.body.code]).toEqual([probe.routeKey, 403, 'FORBIDDEN']);
      expectNoLeak(res, probe, victimOfOwner.secrets);
    }
  });

  it("tenant A's lifecycle trigger cannot uninstall or re-install tenant B, nor can A's users", async () => {
    const before = await tenantBItems();
    for (const eventType of ['avi:forge:uninstalled:app', 'avi:forge:installed:app']) {
      const body = { eventType, id: b.site.installationId, context: `ari:cloud:jira::site/${b.site.cloudId}` };
      for (const headers of [rw.h.jira.triggerHeaders(a.site.clientKey), rw.h.jira.forgeHeaders(b.site.clientKey, 'attacker')]) {
        const res = await rw.h.call('POST', '/lifecycle/forge', { body, headers });
        expect([eventType, res.status]).toEqual([eventType, 401]);
      }
    }
    expect(await tenantBItems()).toEqual(before);
  });
});
