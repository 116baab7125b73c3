import { ForgeJiraClient, type JiraRestClient } from '../../lambdas/jira/jira-rest-client';
import { JiraSimulator, MANIFEST_SCOPES, type SiteInfo } from '../../simulators/jira/jira-simulator';
import { Secret } from '../../lambdas/domain/secret';
import { contractProblems, jiraSpec } from '../support/jira-openapi';

const REMOTELINK = '/rest/api/3/issue/{issueIdOrKey}/remotelink';
const link = (overrides: Record<string, unknown> = {}, object: Record<string, unknown> = {}) => ({
  globalId: 'patgate-branch-test',
  application: { type: 'patgate.git', name: 'patgate' },
  relationship: 'git',
  object: { url: 'https://github.example/acme/web/tree/b', title: 'Branch b created by octocat (own token)', ...object },
  ...overrides,
});

/** The simulated Jira's issue remote links, checked against Jira's published operation (pinned in test/fixtures). */
describe('Jira simulator: issue remote links', () => {
  const jira = new JiraSimulator();
  let forge: SiteInfo;
  const forgeClient = (scopes?: readonly string[]): JiraRestClient => new ForgeJiraClient(forge.apiBaseUrl, new Secret(jira.systemToken(forge.clientKey, { scopes })));

  beforeAll(async () => {
    await jira.start();
    forge = jira.createSite(undefined);
  });
  afterAll(() => jira.stop());

  it('creates, upserts by globalId (200, not a second link), reads and deletes, as the app', async () => {
    const client = forgeClient();
    const site = forge;
    const created = await client.send('POST', '/rest/api/3/issue/PROJ-7/remotelink', { body: link() });
    expect(created.status).toBe(201);
    const updated = await client.send('POST', '/rest/api/3/issue/PROJ-7/remotelink', { body: link({}, { title: 'Branch b (renamed)' }) });
    expect(updated).toEqual({ status: 200, body: created.body });
    expect(jira.remoteLinks(site.clientKey, 'PROJ-7')).toEqual([expect.objectContaining({ globalId: 'patgate-branch-test', object: expect.objectContaining({ title: 'Branch b (renamed)' }) })]);
    const other = await client.send('POST', '/rest/api/3/issue/PROJ-7/remotelink', { body: link({ globalId: 'patgate-branch-other' }) });
    expect(other.status).toBe(201);
    const one = await client.send('GET', '/rest/api/3/issue/PROJ-7/remotelink', { query: { globalId: 'patgate-branch-other' } });
    expect(one).toMatchObject({ status: 200, body: { globalId: 'patgate-branch-other', object: { title: 'Branch b created by octocat (own token)' } } });
    expect((await client.send('DELETE', '/rest/api/3/issue/PROJ-7/remotelink', { query: { globalId: 'patgate-branch-test' } })).status).toBe(204);
    expect((await client.send('DELETE', '/rest/api/3/issue/PROJ-7/remotelink', { query: { globalId: 'patgate-branch-test' } })).status).toBe(404);
    expect(jira.remoteLinks(site.clientKey, 'PROJ-7').map((l) => l.globalId)).toEqual(['patgate-branch-other']);
  });

  it('refuses what Jira refuses: no object.url or title, a relative url, over-long fields, an unknown issue, a delete without globalId', async () => {
    const client = forgeClient();
    const post = (body: unknown, issue = 'PROJ-8') => client.send('POST', `/rest/api/3/issue/${issue}/remotelink`, { body });
    const noUrl = await post({ object: { title: 'x' } });
    expect(noUrl).toEqual({ status: 400, body: { errorMessages: [], errors: { url: "'url' is required." } } });
    expect(await post({ object: { url: 'https://h.example/x' } })).toEqual({ status: 400, body: { errorMessages: [], errors: { title: "'title' is required." } } });
    expect((await post({ globalId: 'g' })).status).toBe(400);
    expect((await post(link({}, { url: '/relative/path' }))).status).toBe(400);
    expect((await post(link({}, { title: 'x'.repeat(256) }))).status).toBe(400);
    expect((await post(link({ globalId: 'g'.repeat(256) }))).status).toBe(400);
    expect((await post(link({ relationship: 'r'.repeat(256) }))).status).toBe(400);
    expect((await post(link({ application: { type: 't'.repeat(256) } }))).status).toBe(400);
    expect((await post(link({}, { title: 'x'.repeat(255) }))).status).toBe(201);
    expect((await post(link(), 'NOPE-1')).status).toBe(404);
    expect((await client.send('DELETE', '/rest/api/3/issue/PROJ-8/remotelink')).status).toBe(400);
    // Members the schema does not name are allowed (additionalProperties: true), as in Jira.
    expect((await post(link({ globalId: 'extra', somethingElse: 1 }, { extra: true }))).status).toBe(201);
  });

  it('a system token without write:jira-work may read remote links but not write them (the API gateway\'s 401 "scope does not match")', async () => {
    const readOnly = forgeClient(['read:jira-work', 'read:jira-user']);
    expect((await readOnly.send('GET', '/rest/api/3/issue/PROJ-9/remotelink')).status).toBe(200);
    await expect(readOnly.send('POST', '/rest/api/3/issue/PROJ-9/remotelink', { body: link() })).rejects.toMatchObject({ code: 'JIRA_UNAVAILABLE' });
    await expect(readOnly.send('DELETE', '/rest/api/3/issue/PROJ-9/remotelink', { query: { globalId: 'x' } })).rejects.toMatchObject({ code: 'JIRA_UNAVAILABLE' });
    const raw = await fetch(`${forge.apiBaseUrl}/rest/api/3/issue/PROJ-9/remotelink`, {
      method: 'POST',
      headers: { authorization: `Bearer ${jira.systemToken(forge.clientKey, { scopes: ['read:jira-work'] })}`, 'content-type': 'application/json' },
      body: JSON.stringify(link()),
    });
    expect(raw.status).toBe(401);
    expect(jira.remoteLinks(forge.clientKey, 'PROJ-9')).toEqual([]);
  });

  it('the fault switch answers 500 until cleared (also through the control API)', async () => {
    const control = (remotelink: number | null) => fetch(`${jira.url}/_control/sites/${encodeURIComponent(forge.clientKey)}/faults`, { method: 'POST', body: JSON.stringify({ remotelink }) });
    expect((await control(500)).status).toBe(204);
    await expect(forgeClient().send('POST', '/rest/api/3/issue/PROJ-10/remotelink', { body: link() })).rejects.toMatchObject({ code: 'JIRA_UNAVAILABLE' });
    expect((await control(null)).status).toBe(204);
    expect((await forgeClient().send('POST', '/rest/api/3/issue/PROJ-10/remotelink', { body: link() })).status).toBe(201);
  });

  it('every remote-link exchange above matches the published operation, except the 500s the fault switch made', () => {
    const exchanges = jira.exchanges.filter((e) => e.operation === REMOTELINK && e.status !== 500);
    expect(new Set(exchanges.map((e) => e.method))).toEqual(new Set(['POST', 'GET', 'DELETE']));
    // Requests the simulator refused are not valid requests; every other request and every answer must be.
    // The published 200 of Get remote issue links names one RemoteIssueLink; without globalId Jira answers an array of them.
    const each = exchanges.flatMap((e) => (e.method === 'GET' && Array.isArray(e.responseBody) ? e.responseBody.map((item: unknown) => ({ ...e, responseBody: item })) : [e]));
    for (const exchange of each) {
      const problems = contractProblems(exchange).filter((p) => !(exchange.status === 400 && p.startsWith('request:')));
      expect({ exchange: `${exchange.method} ${exchange.status}`, problems }).toEqual({ exchange: `${exchange.method} ${exchange.status}`, problems: [] });
    }
    // The refused requests are refused by the published schema too, where the schema can tell (required members).
    const refusedMissing = exchanges.filter((e) => e.method === 'POST' && e.status === 400 && !JSON.stringify(e.requestBody).includes('"url"'));
    for (const exchange of refusedMissing) expect(contractProblems({ ...exchange, status: 201, responseBody: { id: 1, self: 'x' } })).not.toEqual([]);
  });

  it('the manifest\'s scopes include the scope Jira names for each remote-link operation', () => {
    for (const method of ['post', 'delete', 'get']) {
      const current = jiraSpec.paths[REMOTELINK]?.[method]?.['x-atlassian-oauth2-scopes']?.find((s) => s.state === 'Current');
      expect(current?.scopes.length).toBeGreaterThan(0);
      for (const scope of current?.scopes ?? []) expect(MANIFEST_SCOPES).toContain(scope);
    }
  });
});
