import { randomBytes } from 'node:crypto';

/** One well-formed request for a route: fuzzers start from it and break one part at a time. */
export interface RequestTemplate {
  /** As API Gateway names it, e.g. `PATCH /api/admin/integrations/{integrationId}`. */
  readonly routeKey: string;
  readonly method: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly body?: Readonly<Record<string, unknown>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Signed as the fuzzing account (admin and developer); lifecycle and public routes are not. */
  readonly signed: boolean;
}

export interface TemplateTargets {
  /** A GitHub integration acting with its service account. */
  readonly integrationId: string;
  /** The integration DELETE may remove (so the other routes keep theirs). */
  readonly deletableIntegrationId: string;
  readonly repositoryId: string;
  readonly defaultBranch: string;
  /** A Jira site that never installed the app (lifecycle bodies name it). */
  readonly strangerClientKey: string;
  readonly strangerBaseUrl: string;
  /** A create-integration body the host simulator accepts (a service credential is verified with its host on save). */
  readonly newIntegrationBody: () => Readonly<Record<string, unknown>>;
}

/** Fills `{name}` placeholders, each percent-encoded as a client would send it. */
export const pathOf = (routeKey: string, pathParameters: Readonly<Record<string, string>>): string => {
  const template = routeKey.slice(routeKey.indexOf(' ') + 1);
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(pathParameters[name] ?? ''));
};

export const methodOf = (routeKey: string): string => routeKey.slice(0, routeKey.indexOf(' '));

const branch = (): string => `fuzz/${randomBytes(4).toString('hex')}`;

/** A valid request for every route the API serves. */
export const requestTemplates = (t: TemplateTargets): RequestTemplate[] => {
  const git = { integrationId: t.integrationId, repositoryId: t.repositoryId, issueKey: 'PROJ-1' };
  const templates: Omit<RequestTemplate, 'method'>[] = [
    { routeKey: 'GET /health', pathParameters: {}, signed: false },
    { routeKey: 'GET /openapi.json', pathParameters: {}, signed: false },
    { routeKey: 'POST /lifecycle/forge', pathParameters: {}, body: { eventType: 'avi:forge:installed:app', id: t.strangerClientKey }, signed: false },
    // Unsigned like the lifecycle event: the report trigger's FIT is the fuzzers' own forgery to refuse.
    { routeKey: 'POST /privacy/report', pathParameters: {}, body: {}, signed: false },
    { routeKey: 'GET /api/admin/integrations', pathParameters: {}, signed: true },
    { routeKey: 'GET /api/admin/jira-projects', pathParameters: {}, query: { startAt: '0', maxResults: '10' }, signed: true },
    {
      routeKey: 'POST /api/admin/integrations',
      pathParameters: {},
      body: t.newIntegrationBody(),
      signed: true,
    },
    { routeKey: 'GET /api/admin/integrations/{integrationId}', pathParameters: { integrationId: t.integrationId }, signed: true },
    {
      routeKey: 'PATCH /api/admin/integrations/{integrationId}',
      pathParameters: { integrationId: t.integrationId },
      body: { requireUserPat: false, name: `fuzzed ${randomBytes(3).toString('hex')}` },
      headers: { 'if-match': '"1"' },
      signed: true,
    },
    { routeKey: 'DELETE /api/admin/integrations/{integrationId}', pathParameters: { integrationId: t.deletableIntegrationId }, headers: { 'if-match': '"1"' }, signed: true },
    {
      routeKey: 'PUT /api/admin/integrations/{integrationId}/repositories',
      pathParameters: { integrationId: t.integrationId },
      body: { repositoryId: 'acme/elsewhere', requireUserPat: null },
      signed: true,
    },
    { routeKey: 'GET /api/admin/audit', pathParameters: {}, query: { limit: '5', integrationId: t.integrationId }, signed: true },
    { routeKey: 'GET /api/me/integrations', pathParameters: {}, signed: true },
    { routeKey: 'PUT /api/me/tokens/{integrationId}', pathParameters: { integrationId: t.integrationId }, body: { token: `ghp_${randomBytes(18).toString('hex')}` }, signed: true },
    { routeKey: 'DELETE /api/me/tokens/{integrationId}', pathParameters: { integrationId: t.integrationId }, signed: true },
    {
      routeKey: 'GET /api/issues/{issueKey}/git-readiness',
      pathParameters: { issueKey: 'PROJ-1' },
      query: { integrationId: t.integrationId, repositoryId: t.repositoryId },
      signed: true,
    },
    {
      routeKey: 'GET /api/issues/{issueKey}/development',
      pathParameters: { issueKey: 'PROJ-1' },
      query: { integrationId: t.integrationId, repositoryId: t.repositoryId },
      signed: true,
    },
    { routeKey: 'POST /api/git/branches', pathParameters: {}, body: { ...git, branchName: branch(), fromRef: t.defaultBranch }, headers: { 'idempotency-key': 'fuzz-key-1' }, signed: true },
    { routeKey: 'DELETE /api/git/branches', pathParameters: {}, body: { ...git, branchName: branch() }, signed: true },
    {
      routeKey: 'POST /api/git/pull-requests',
      pathParameters: {},
      body: { ...git, sourceBranch: branch(), targetBranch: t.defaultBranch, title: 'PROJ-1 fuzz', description: 'fuzz' },
      headers: { 'idempotency-key': 'fuzz-key-2' },
      signed: true,
    },
    { routeKey: 'GET /api/integrations/{integrationId}/repositories', pathParameters: { integrationId: t.integrationId }, query: { query: 'acme' }, signed: true },
    { routeKey: 'GET /api/integrations/{integrationId}/branches', pathParameters: { integrationId: t.integrationId }, query: { repositoryId: t.repositoryId, query: 'ma' }, signed: true },
  ];
  return templates.map((template) => ({ ...template, method: methodOf(template.routeKey) }));
};
