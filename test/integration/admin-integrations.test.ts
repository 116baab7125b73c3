import { TFS_VERSIONS } from '../../lambdas/domain/integration';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { integrationBody, publicResolver, serviceCredentialFor } from '../support/factories';
import { serviceCredentialContext } from '../../lambdas/services/host-credentials';
import { Harness } from '../support/harness';
import { acceptingHosts } from '../support/accepting-hosts';

describe('admin settings API (outside local mode)', () => {
  let h: Harness;
  let site: SiteInfo;
  const admin = 'admin-1';
  const as = () => ({ site, accountId: admin });
  const secretsUsed: string[] = [];
  const create = async (body: Record<string, unknown>) => {
    const cred = body.serviceCredential as Record<string, string>;
    secretsUsed.push(...Object.entries(cred).filter(([k]) => k !== 'accessKeyId' && k !== 'username').map(([, v]) => v));
    return h.call('POST', '/api/admin/integrations', { as: as(), body });
  };

  beforeAll(async () => {
    h = await Harness.start({ PATGATE_LOCAL_MODE: 'false', PATGATE_JIRA_ALLOW_HTTP: 'true' }, { resolveHost: publicResolver, providers: acceptingHosts });
    site = await h.installSite();
    h.jira.grant(site.clientKey, admin, 'ADMINISTER');
  });
  afterAll(() => h.stop());

  it.each(BUILT_IN_FAMILIES.kinds)('creates, reads, lists, changes and deletes a %s integration', async (provider) => {
    const created = await create(integrationBody(provider));
    expect(created.status).toBe(201);
    const id = String(created.body.id);
    expect(created.body).toMatchObject({ provider, requireUserPat: false, version: 1 });
    expect(created.headers.get('etag')).toBe('"1"');
    const read = await h.call('GET', `/api/admin/integrations/${id}`, { as: as() });
    expect(read.body).toEqual(created.body);
    const list = await h.call('GET', '/api/admin/integrations', { as: as() });
    expect((list.body.integrations as { id: string }[]).map((i) => i.id)).toContain(id);
    const patched = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: as(), headers: { 'if-match': '"1"' }, body: { requireUserPat: true, name: `renamed ${provider}` } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ requireUserPat: true, name: `renamed ${provider}`, version: 2 });
    expect((await h.call('DELETE', `/api/admin/integrations/${id}`, { as: as() })).status).toBe(204);
    expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: as() })).status).toBe(404);
  });

  it.each(TFS_VERSIONS)('round-trips a TFS %s integration', async (tfsVersion) => {
    const created = await create(integrationBody('tfs', { tfsVersion, serviceCredential: serviceCredentialFor('tfs', tfsVersion) }));
    expect(created.status).toBe(201);
    const read = await h.call('GET', `/api/admin/integrations/${String(created.body.id)}`, { as: as() });
    expect(read.body).toMatchObject({ tfsVersion, serviceCredential: { kind: tfsVersion === '2013' || tfsVersion === '2015' ? 'basic' : 'token' } });
  });

  it.each(['github-enterprise', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs'] as const)('refuses a %s integration without baseUrl, naming the field', async (provider) => {
    const body = integrationBody(provider);
    delete body.baseUrl;
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'baseUrl' })]));
  });

  it.each([
    ['http://169.254.169.254', 'https'],
    ['https://169.254.169.254', 'metadata'],
    ['https://10.0.0.5', 'private'],
    ['https://user:pw@ghe.example.com', 'credentials'],
    ['ftp://x', 'https'],
    ['https://localhost', 'loopback'],
    ['https://loopback.example.com', 'loopback'],
    ['https://[fd00:ec2::254]', 'metadata'],
    ['http://ghe.example.com', 'https'],
  ])('refuses base URL %s', async (baseUrl, reason) => {
    const res = await create(integrationBody('github-enterprise', { baseUrl }));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'baseUrl', message: expect.stringMatching(new RegExp(reason === 'metadata' || reason === 'private' ? 'private|metadata' : reason)) })]);
  });

  it('refuses unknown fields (no mass assignment) and names must be unique', async () => {
    const sneaky = await create({ ...integrationBody('github'), tenant: 'other', version: 7 });
    expect(sneaky.status).toBe(400);
    const body = integrationBody('github', { name: 'Unique Name' });
    expect((await create(body)).status).toBe(201);
    const again = await create(integrationBody('gitlab', { name: 'unique name' }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('CONFLICT');
  });

  it('round-trips requireUserPat on the integration and the per-repository override; null inherits', async () => {
    const id = String((await create(integrationBody('github', { requireUserPat: false }))).body.id);
    const on = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: as(), body: { repositoryId: 'acme/web', requireUserPat: true } });
    expect(on.body).toEqual({ repositoryId: 'acme/web', requireUserPat: true, effective: true });
    const read = await h.call('GET', `/api/admin/integrations/${id}`, { as: as() });
    expect(read.body.repositories).toEqual([expect.objectContaining({ repositoryId: 'acme/web', requireUserPat: true, updatedBy: admin })]);
    const inherit = await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: as(), body: { repositoryId: 'acme/web', requireUserPat: null } });
    expect(inherit.body).toEqual({ repositoryId: 'acme/web', requireUserPat: null, effective: false });
    expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: as() })).body.repositories).toEqual([]);
  });

  it('replaces the credential only when a PATCH sends one', async () => {
    const created = await create(integrationBody('gitlab'));
    const id = String(created.body.id);
    const setAt = (created.body.serviceCredential as { setAt: string }).setAt;
    const keep = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: as(), headers: { 'if-match': '"1"' }, body: { requireUserPat: true } });
    expect(keep.body.serviceCredential).toEqual(created.body.serviceCredential);
    const newToken = 'glpat-replacement-token-9876';
    secretsUsed.push(newToken);
    const replaced = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: as(), headers: { 'if-match': '"2"' }, body: { serviceCredential: { token: newToken } } });
    expect(replaced.body.serviceCredential).toMatchObject({ hint: '…9876' });
    expect((replaced.body.serviceCredential as { setAt: string }).setAt >= setAt).toBe(true);
  });

  it('lets exactly one of two concurrent PATCHes with the same If-Match win; the other gets 412', async () => {
    const id = String((await create(integrationBody('github'))).body.id);
    const results = await Promise.all(
      [true, false].map((requireUserPat) => h.call('PATCH', `/api/admin/integrations/${id}`, { as: as(), headers: { 'if-match': '"1"' }, body: { requireUserPat } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const missing = await h.call('PATCH', `/api/admin/integrations/${id}`, { as: as(), body: { requireUserPat: true } });
    expect(missing.status).toBe(428);
  });

  it('answers a ciphertext swapped between integrations with a clear error, never the wrong secret', async () => {
    const a = String((await create(integrationBody('github'))).body.id);
    const b = String((await create(integrationBody('github'))).body.id);
    const deps = h.app.deps;
    const recA = await deps.integrationStore.get(site.clientKey, a);
    const recB = await deps.integrationStore.get(site.clientKey, b);
    if (!recA || !recB) throw new Error('missing');
    await expect(deps.vault.decrypt(recA.serviceCredential.ciphertext, { tenant: site.clientKey, integrationId: b, purpose: 'service-credential' })).rejects.toMatchObject({
      code: 'CREDENTIAL_UNREADABLE',
      message: expect.stringMatching(/enter it again/),
    });
    expect((await deps.vault.decrypt(recB.serviceCredential.ciphertext, serviceCredentialContext(deps.families, recB))).reveal()).toContain('svc-token');
    // A path that forgets the host the credential is bound to gets nothing either.
    await expect(deps.vault.decrypt(recB.serviceCredential.ciphertext, { tenant: site.clientKey, integrationId: b, purpose: 'service-credential' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('gives non-admins 403 on every admin route and another tenant 404', async () => {
    const id = String((await create(integrationBody('github'))).body.id);
    const user = { site, accountId: 'not-an-admin' };
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/admin/integrations'],
      ['POST', '/api/admin/integrations', integrationBody('github')],
      ['GET', `/api/admin/integrations/${id}`],
      ['PATCH', `/api/admin/integrations/${id}`, { requireUserPat: true }],
      ['DELETE', `/api/admin/integrations/${id}`],
      ['PUT', `/api/admin/integrations/${id}/repositories`, { repositoryId: 'acme/r1', requireUserPat: true }],
      ['GET', '/api/admin/audit'],
    ];
    for (const [method, path, body] of routes) {
      const res = await h.call(method, path, { as: user, body, headers: { 'if-match': '"1"' } });
      expect([method, path, res.status]).toEqual([method, path, 403]);
    }
    const other = await h.installSite();
    h.jira.grant(other.clientKey, 'other-admin', 'ADMINISTER');
    const foreign = { site: other, accountId: 'other-admin' };
    expect((await h.call('GET', `/api/admin/integrations/${id}`, { as: foreign })).status).toBe(404);
    expect((await h.call('PATCH', `/api/admin/integrations/${id}`, { as: foreign, headers: { 'if-match': '"1"' }, body: { requireUserPat: true } })).status).toBe(404);
    expect((await h.call('DELETE', `/api/admin/integrations/${id}`, { as: foreign })).status).toBe(404);
    expect((await h.call('PUT', `/api/admin/integrations/${id}/repositories`, { as: foreign, body: { repositoryId: 'acme/r1', requireUserPat: true } })).status).toBe(404);
    expect((await h.call('GET', '/api/admin/integrations', { as: foreign })).body).toEqual({ integrations: [] });
  });

  it('pages the audit newest first across 3 pages with the admin account id', async () => {
    const other = await h.installSite();
    h.jira.grant(other.clientKey, 'auditor', 'ADMINISTER');
    const who = { site: other, accountId: 'auditor' };
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push(String((await h.call('POST', '/api/admin/integrations', { as: who, body: integrationBody('github', { name: `audit ${i}` }) })).body.id));
    const seen: { integrationId: string; actorAccountId: string; action: string }[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await h.call('GET', '/api/admin/audit', { as: who, query: { limit: '2', ...(cursor ? { cursor } : {}) } });
      expect(res.status).toBe(200);
      seen.push(...(res.body.entries as typeof seen));
      cursor = res.body.nextCursor as string | undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((e) => e.integrationId)).toEqual([...ids].reverse());
    expect(seen.every((e) => e.actorAccountId === 'auditor' && e.action === 'integration.created')).toBe(true);
    const forged = await h.call('GET', '/api/admin/audit', { as: who, query: { cursor: Buffer.from(JSON.stringify({ PK: `T#${site.clientKey}#AUDIT`, SK: 'z' })).toString('base64url') } });
    expect(forged.status).toBe(400);
  });

  it('never shows a service credential in a response, a log line or the table', async () => {
    const items = JSON.stringify(await h.scanAll());
    const logs = h.logs.text();
    expect(secretsUsed.length).toBeGreaterThan(10);
    for (const secret of secretsUsed) {
      expect(items).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    const list = await h.call('GET', '/api/admin/integrations', { as: as() });
    for (const secret of secretsUsed) expect(list.text).not.toContain(secret);
    expect(list.text).not.toMatch(/ciphertext/i);
  });
});
