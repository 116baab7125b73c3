import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { SiteInfo } from '../../simulators/jira/jira-simulator';
import { Harness } from '../support/harness';

interface Operation {
  requestBody?: { content: { 'application/json': { schema: unknown } } };
  responses: Record<string, { content?: { 'application/json'?: { schema: unknown } } }>;
}
const spec = JSON.parse(readFileSync(join(__dirname, '../fixtures/jira-platform-openapi.json'), 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: unknown };
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
ajv.addSchema({ components: spec.components }, 'jira');
const validator = (schema: unknown) => ajv.compile(JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"jira#/components')) as object);

/** The simulated Jira against the parts of Jira's platform OpenAPI patgate calls (test/fixtures). */
describe('Jira simulator contract', () => {
  let h: Harness;
  let forge: SiteInfo;
  let connect: SiteInfo;

  beforeAll(async () => {
    h = await Harness.start({}, {});
    forge = await h.installSite();
    connect = await h.installSite();
    for (const site of [forge, connect]) {
      h.jira.grant(site.clientKey, 'admin', 'ADMINISTER');
      h.jira.grant(site.clientKey, 'dev', 'VIEW_DEV_TOOLS', 'PROJ');
      expect((await h.call('GET', '/api/admin/integrations', { as: { site, accountId: 'admin' } })).status).toBe(200);
      for (const issue of ['PROJ-1', 'DEMO-1', 'NOPE-9']) await h.call('GET', `/api/issues/${issue}/git-readiness`, { as: { site, accountId: 'dev' }, query: { integrationId: 'x', repositoryId: 'a/b' } });
    }
  });
  afterAll(() => h.stop());

  it('every request patgate sent and every answer the simulator gave matches the published schemas', () => {
    const operations = new Set(h.jira.exchanges.map((e) => `${e.method} ${e.operation}`));
    expect(operations).toEqual(new Set(['POST /rest/api/3/permissions/check', 'GET /rest/api/3/issue/{issueIdOrKey}']));
    for (const exchange of h.jira.exchanges) {
      const operation = spec.paths[exchange.operation]?.[exchange.method.toLowerCase()];
      expect(operation).toBeDefined();
      if (operation?.requestBody) {
        const check = validator(operation.requestBody.content['application/json'].schema);
        expect({ exchange: exchange.operation, valid: check(exchange.requestBody), errors: check.errors }).toMatchObject({ valid: true });
      }
      const response = operation?.responses[String(exchange.status)];
      expect({ operation: exchange.operation, status: exchange.status, declared: response !== undefined }).toMatchObject({ declared: true });
      const schema = response?.content?.['application/json']?.schema;
      if (schema) {
        const check = validator(schema);
        expect({ exchange: exchange.operation, valid: check(exchange.responseBody), errors: check.errors }).toMatchObject({ valid: true });
      }
    }
  });

  const checkPermissions = (body: unknown, scopes?: readonly string[]) =>
    fetch(`${forge.apiBaseUrl}/rest/api/3/permissions/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.jira.systemToken(forge.clientKey, { scopes })}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('refuses string project ids with 400, as Jira does (patgate used to send project keys)', async () => {
    const keys = await checkPermissions({ accountId: 'dev', projectPermissions: [{ permissions: ['VIEW_DEV_TOOLS'], projects: ['PROJ'] }] });
    expect(keys.status).toBe(400);
    const numeric = await checkPermissions({ accountId: 'dev', projectPermissions: [{ permissions: ['VIEW_DEV_TOOLS'], projects: [Number(h.jira.projectId(forge.clientKey, 'PROJ'))] }] });
    expect(numeric.status).toBe(200);
    expect(await numeric.json()).toEqual({ globalPermissions: [], projectPermissions: [{ permission: 'VIEW_DEV_TOOLS', projects: [Number(h.jira.projectId(forge.clientKey, 'PROJ'))], issues: [] }] });
  });

  it('refuses unknown members, a missing scope and a missing or foreign system token', async () => {
    expect((await checkPermissions({ accountId: 'dev', projectKey: 'PROJ' })).status).toBe(400);
    expect((await checkPermissions({ accountId: 'dev', globalPermissions: ['ADMINISTER'] }, ['read:jira-work'])).status).toBe(401);
    const none = await fetch(`${forge.apiBaseUrl}/rest/api/3/serverInfo`);
    expect(none.status).toBe(401);
    const foreign = await fetch(`${forge.apiBaseUrl}/rest/api/3/serverInfo`, { headers: { authorization: `Bearer ${h.jira.systemToken(connect.clientKey)}` } });
    expect(foreign.status).toBe(401);
  });

  it('serves seeded and added issues with their numeric project id; unknown keys are 404', async () => {
    const added = h.jira.addIssue(forge.clientKey, { key: 'NEW-5', summary: 'Fix login timeout' });
    const res = await fetch(`${forge.apiBaseUrl}/rest/api/3/issue/NEW-5?fields=project,summary`, { headers: { authorization: `Bearer ${h.jira.systemToken(forge.clientKey)}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: added.id, key: 'NEW-5', fields: { summary: 'Fix login timeout', project: { id: added.projectId, key: 'NEW' } } });
    const missing = await fetch(`${forge.apiBaseUrl}/rest/api/3/issue/NOPE-1`, { headers: { authorization: `Bearer ${h.jira.systemToken(forge.clientKey)}` } });
    expect(missing.status).toBe(404);
  });
});
