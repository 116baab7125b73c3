import { searchProjects } from '../jira/project-directory';
import { auditQuerySchema, createIntegrationSchemaFor, jiraProjectsQuerySchema, patchIntegrationSchema, repositoryOverrideSchema } from '../domain/integration-schemas';
import { bindRoutes, createApiHandler, type RouteDefinition } from '../http/create-api-handler';
import { integrationIdOf } from '../http/integration-id';
import { etag, parseInput, versionFromIfMatch } from '../http/parse-input';
import { providersFor } from '../hosts/provider-registry';
import { countExpiringTokens } from '../store/expiring-token-counts';
import { productionDependencies, type Dependencies } from '../wiring/dependencies';
import { ADMIN_ROUTES } from './routes/admin';

export const adminRoutes = (deps: () => Dependencies): RouteDefinition[] =>
  bindRoutes(ADMIN_ROUTES, {
    listIntegrations: async ({ caller }) => {
      const { integrations, db, config, clock } = deps();
      const tenant = caller.tenant.clientKey;
      const [list, expiring] = await Promise.all([integrations.list(tenant), countExpiringTokens(db, config.tableName, tenant, clock.now())]);
      // Per integration, how many users' tokens expire within 7 days: a count, no names.
      return { status: 200, body: { integrations: list.map((i) => ({ ...i, tokensExpiringWithin7Days: expiring.get(i.id) ?? 0 })) } };
    },
    createIntegration: async ({ request, caller }) => {
      // `provider` must be a kind of the host families in use.
      const input = parseInput(createIntegrationSchemaFor(deps().families.kinds), request.body, 'body');
      const view = await deps().integrations.create(caller.tenant.clientKey, caller.accountId, input, caller.jira);
      return { status: 201, body: view, headers: { etag: etag(view.version), location: `/api/admin/integrations/${view.id}` } };
    },
    getIntegration: async ({ request, caller }) => {
      const view = await deps().integrations.get(caller.tenant.clientKey, integrationIdOf(request));
      return { status: 200, body: view, headers: { etag: etag(view.version) } };
    },
    patchIntegration: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const version = versionFromIfMatch(request.headers['if-match'], true) as number;
      const input = parseInput(patchIntegrationSchema, request.body, 'body');
      const view = await deps().integrations.patch(caller.tenant.clientKey, caller.accountId, id, version, input, caller.jira);
      return { status: 200, body: view, headers: { etag: etag(view.version) } };
    },
    deleteIntegration: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      await deps().integrations.delete(caller.tenant.clientKey, caller.accountId, id, versionFromIfMatch(request.headers['if-match'], false));
      return { status: 204 };
    },
    setRepositoryOverride: async ({ request, caller }) => {
      const id = integrationIdOf(request);
      const { repositoryId, requireUserPat, projects, defaultSourceBranch } = parseInput(repositoryOverrideSchema, request.body, 'body');
      return {
        status: 200,
        body: await deps().integrations.setOverride(caller.tenant.clientKey, caller.accountId, id, repositoryId, requireUserPat, { projects, defaultSourceBranch, jira: caller.jira }),
      };
    },
    jiraProjects: async ({ request, caller }) => {
      const query = parseInput(jiraProjectsQuerySchema, request.query, 'query');
      return { status: 200, headers: { 'cache-control': 'no-store' }, body: await searchProjects(caller.jira, query) };
    },
    audit: async ({ request, caller }) => {
      const query = parseInput(auditQuerySchema, request.query, 'query');
      const page = await deps().audit.list(caller.tenant.clientKey, query);
      return { status: 200, body: page };
    },
  });

// The admin function calls hosts too: a service credential is verified with its host before it is stored.
const deps = (): Dependencies => productionDependencies(providersFor);

export const handler = createApiHandler(adminRoutes(deps), { authenticator: () => deps().authenticator });
