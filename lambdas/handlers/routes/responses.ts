import * as z from 'zod';
import { TFS_VERSIONS } from '../../domain/integration';
import type { IntegrationKinds } from '../../domain/integration-schemas';
import { BUILT_IN_FAMILIES } from '../../hosts/family-registry';
import { TOKEN_STATUSES } from '../../domain/records';

/**
 * Response bodies of the API, by name: routes name theirs (`body: 'Integration'`), the OpenAPI
 * document renders them as components. Named rather than referenced so that no Lambda bundle
 * carries these schemas: only the document (the `public` function) imports this module at run
 * time. The services build the bodies; test/infra/route-table.test.ts checks at compile time that
 * each service's result type fits its schema. The bodies that name an integration kind list the
 * kinds of patgate's own host families; `responseBodies(kinds)` gives them for another registry.
 */

const timestamp = z.string().meta({ description: 'ISO 8601 date-time' });
const actedAs = z.object({
  credential: z.enum(['user-pat', 'service-account']),
  login: z.string().optional().meta({ description: 'The host login of the user\'s token, when known' }),
});

export const healthResponse = z.object({ status: z.literal('ok') });
export const openApiResponse = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) });

const projectRef = z.object({ id: z.string().meta({ description: 'Jira\'s numeric project id (what decides)' }), key: z.string().meta({ description: 'The project key when it was named (what is shown)' }) });
const projectScope = z.union([z.literal('all'), z.array(projectRef)]).meta({ description: 'Which Jira projects may reach the integration: all, or these' });

const branchNaming = z
  .object({ template: z.string(), issueTypePrefixes: z.record(z.string(), z.string()) })
  .meta({ description: 'The branch name template ({issueKey}, {issueType}, {summary}) and issue type → prefix mapping; absent: the default ABC-123-summary pattern' });

export const integrationResponse = z.object({
  id: z.string(),
  name: z.string(),
  provider: z.enum(BUILT_IN_FAMILIES.kinds),
  baseUrl: z.string().optional(),
  region: z.string().optional(),
  tfsVersion: z.enum(TFS_VERSIONS).optional(),
  requireUserPat: z.boolean(),
  serviceCredential: z
    .object({
      kind: z.enum(['token', 'aws-keys', 'basic']),
      hint: z.string().meta({ description: 'The last characters of the secret; empty for a Basic password' }),
      setAt: timestamp,
      accessKeyId: z.string().optional(),
      username: z.string().optional(),
      login: z.string().optional().meta({ description: 'Who the host said the credential is, checked on save' }),
      scopes: z.array(z.string()).optional(),
      expiresAt: timestamp.optional().meta({ description: 'When the credential stops working, where the host reports it' }),
    })
    .meta({ description: 'What is stored of the credential, never the secret or its ciphertext' }),
  projects: projectScope,
  branchNaming: branchNaming.optional(),
  repositories: z.array(
    z.object({ repositoryId: z.string(), requireUserPat: z.boolean(), projects: z.array(projectRef).optional(), defaultSourceBranch: z.string().optional(), updatedAt: timestamp, updatedBy: z.string() }),
  ),
  version: z.number().int().meta({ description: 'Also the ETag; send it back in If-Match' }),
  createdAt: timestamp,
  createdBy: z.string(),
  updatedAt: timestamp,
  updatedBy: z.string(),
});

export const integrationListResponse = z.object({
  integrations: z.array(integrationResponse.extend({ tokensExpiringWithin7Days: z.number().int().meta({ description: 'Users\' tokens of the integration expiring within 7 days (a count, no names)' }) })),
});

export const repositoryOverrideResponse = z.object({
  repositoryId: z.string().meta({ description: 'The canonical repository id, as stored' }),
  requireUserPat: z.boolean().nullable(),
  projects: z.array(projectRef).optional().meta({ description: 'The projects the repository is narrowed to, if any' }),
  defaultSourceBranch: z.string().optional().meta({ description: 'The branch the panel preselects to start from' }),
  effective: z.boolean().meta({ description: 'Whether a user PAT is now required for the repository' }),
});

export const auditPageResponse = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: timestamp,
      actorAccountId: z.string(),
      action: z.string(),
      integrationId: z.string().optional(),
      repositoryId: z.string().optional(),
      issueKey: z.string().optional(),
      outcome: z.enum(['success', 'refused', 'failed']),
      code: z.string().optional(),
      actedAs: actedAs.optional(),
      url: z.string().optional(),
      changes: z.record(z.string(), z.unknown()).optional(),
      summary: z.array(z.string()).optional().meta({ description: 'What changed, one line each ("Require User PAT: off → on"), computed when the entry was written' }),
    }),
  ),
  nextCursor: z.string().optional(),
});

export const myIntegrationResponse = z.object({
  integrationId: z.string(),
  name: z.string(),
  provider: z.enum(BUILT_IN_FAMILIES.kinds),
  requireUserPat: z.boolean(),
  repositoryOverrides: z.array(z.object({ repositoryId: z.string(), requireUserPat: z.boolean() })),
  branchNaming: branchNaming.optional(),
  patSupported: z.boolean(),
  status: z.enum(['missing', ...TOKEN_STATUSES]),
  hint: z.string().optional(),
  providerLogin: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  expiresAt: timestamp.optional(),
  savedAt: timestamp.optional(),
  newTokenUrl: z.string(),
  setupUrl: z.string(),
  availableInProject: z.boolean().optional().meta({ description: 'With `issueKey`: whether the integration is associated with the issue\'s project' }),
});
export const myIntegrationsResponse = z.object({
  integrations: z.array(myIntegrationResponse),
  issue: z
    .object({ issueKey: z.string(), projectKey: z.string(), projectId: z.string(), viewDevTools: z.boolean(), message: z.string().optional(), summary: z.string().optional(), issueType: z.string().optional() })
    .optional()
    .meta({ description: 'With `issueKey`: the issue\'s project and whether the user may use git there (View Development Tools)' }),
});

export const jiraProjectPageResponse = z.object({
  projects: z.array(projectRef.extend({ name: z.string() })),
  startAt: z.number().int(),
  total: z.number().int(),
  isLast: z.boolean(),
});

const defaultSourceBranch = z.string().optional().meta({ description: 'The repository override\'s default source branch, for the branch form to preselect' });
export const readinessResponse = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ready'), actedAs, newTokenUrl: z.string(), setupUrl: z.string(), defaultSourceBranch }),
  z.object({ status: z.literal('refused'), code: z.string(), message: z.string(), newTokenUrl: z.string(), setupUrl: z.string(), defaultSourceBranch }),
]);

const replayed = z.literal(true).optional().meta({ description: 'This answer replays an earlier request with the same Idempotency-Key' });
export const branchCreatedResponse = z.object({ url: z.string(), branchName: z.string(), commitId: z.string().optional(), actedAs, replayed });
export const branchDeletedResponse = z.object({ deleted: z.literal(true), branchName: z.string(), actedAs, replayed });
export const pullRequestCreatedResponse = z.object({ url: z.string(), id: z.string(), actedAs, replayed });

const pickerPage = {
  truncated: z.boolean().meta({ description: 'More matches exist than were listed; narrow with `query`' }),
  limit: z.number().int(),
  actedAs,
};
export const repositoryPageResponse = z.object({
  repositories: z.array(z.object({ id: z.string(), name: z.string(), defaultBranch: z.string().optional(), url: z.string().optional() })),
  ...pickerPage,
});
export const branchPageResponse = z.object({
  repositoryId: z.string(),
  branches: z.array(z.object({ name: z.string(), isDefault: z.boolean() })),
  ...pickerPage,
});

const pullRequestState = z.enum(['open', 'merged', 'declined', 'closed']);
export const issueDevelopmentResponse = z.object({
  issueKey: z.string(),
  integrationId: z.string(),
  pullRequestNoun: z.string().meta({ description: '"pull request", or "merge request" on GitLab' }),
  branches: z.array(z.object({ repositoryId: z.string(), name: z.string(), url: z.string().optional(), createdBy: actedAs.optional() })),
  pullRequests: z.array(
    z.object({
      repositoryId: z.string(),
      id: z.string(),
      reference: z.string().meta({ description: '`#12` (GitHub), `!12` (GitLab, Azure DevOps), `12` (CodeCommit)' }),
      title: z.string(),
      state: pullRequestState.optional().meta({ description: 'Absent when only patgate\'s record of it is known' }),
      url: z.string().optional(),
      sourceBranch: z.string().optional(),
      targetBranch: z.string().optional(),
      createdBy: actedAs.optional().meta({ description: 'Made by patgate for this issue, as whom' }),
      author: z.string().optional(),
    }),
  ),
  repositories: z.array(
    z.object({ repositoryId: z.string(), read: z.enum(['host', 'cached', 'refused', 'not-supported']), actedAs: actedAs.optional(), code: z.string().optional(), message: z.string().optional() }),
  ),
  hostCalls: z.number().int().meta({ description: 'Host requests this answer made (bounded: 2 per repository, at most 3 repositories)' }),
});

export const RESPONSE_BODIES = {
  Health: healthResponse,
  OpenApiDocument: openApiResponse,
  Integration: integrationResponse,
  IntegrationList: integrationListResponse,
  RepositoryOverride: repositoryOverrideResponse,
  AuditPage: auditPageResponse,
  MyIntegration: myIntegrationResponse,
  MyIntegrations: myIntegrationsResponse,
  Readiness: readinessResponse,
  BranchCreated: branchCreatedResponse,
  BranchDeleted: branchDeletedResponse,
  PullRequestCreated: pullRequestCreatedResponse,
  RepositoryPage: repositoryPageResponse,
  BranchPage: branchPageResponse,
  IssueDevelopment: issueDevelopmentResponse,
  JiraProjectPage: jiraProjectPageResponse,
} as const;

export type ResponseBodyName = keyof typeof RESPONSE_BODIES;

/** The response bodies for the integration kinds of a registry of host families (hosts/family-registry.ts). */
export const responseBodies = (kinds: IntegrationKinds): typeof RESPONSE_BODIES => {
  const provider = z.enum(kinds);
  const integration = integrationResponse.extend({ provider });
  const mine = myIntegrationResponse.extend({ provider });
  return {
    ...RESPONSE_BODIES,
    Integration: integration,
    IntegrationList: integrationListResponse.extend({ integrations: z.array(integrationListResponse.shape.integrations.element.extend({ provider })) }),
    MyIntegration: mine,
    MyIntegrations: myIntegrationsResponse.extend({ integrations: z.array(mine) }),
  };
};
