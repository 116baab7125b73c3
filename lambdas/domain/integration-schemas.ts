import * as z from 'zod';
import { TFS_VERSIONS, type ProviderKind } from './integration';
import { branchNameProblem, branchTemplateProblem, ISSUE_TYPE_PREFIXES_MAX, issueTypeNameProblem, issueTypePrefixProblem } from './branch-name';

/** zod schemas: the single source for request types and the OpenAPI document (docs/architecture.md §13). */
// Every host's tokens are printable ASCII; anything else could never be sent in an HTTP header.
export const tokenCredentialSchema = z.strictObject({ token: z.string().min(8).max(1024).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces') });
export const awsKeysCredentialSchema = z.strictObject({
  accessKeyId: z.string().regex(/^(AKIA|ASIA)[A-Z0-9]{16}$/, 'an IAM access key id (AKIA… or ASIA…, 20 characters)'),
  secretAccessKey: z.string().length(40, 'a secret access key has 40 characters'),
});
export const basicCredentialSchema = z.strictObject({ username: z.string().min(1).max(256), password: z.string().min(1).max(1024) });
export const credentialSchema = z.union([tokenCredentialSchema, awsKeysCredentialSchema, basicCredentialSchema]);
export type CredentialInput = z.infer<typeof credentialSchema>;

// eslint-disable-next-line no-control-regex -- names and ids must not carry control characters
const name = z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f#]+$/, 'no control characters or #');
const region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'an AWS region such as eu-west-1');

/** The kinds of a registry of host families (hosts/family-registry.ts `HostFamilies.kinds`). */
export type IntegrationKinds = readonly [ProviderKind, ...ProviderKind[]];

/** A Jira project as an admin names it: its key (`DEMO`) or Jira's numeric id; checked against Jira before it is stored. */
export const projectNameSchema = z.string().regex(/^([A-Z][A-Z0-9_]{0,254}|[1-9][0-9]{0,17})$/, 'a Jira project key (DEMO) or numeric id');
const projectList = z.array(projectNameSchema).min(1).max(50);
/** docs/architecture.md §3 step 0: which Jira projects may reach an integration. */
export const projectScopeSchema = z.union([z.literal('all'), projectList]);

/** A check answering a problem or undefined, as a zod refinement (the same functions the admin page runs). */
const problemFree = (problem: (value: string) => string | undefined) => (value: string, ctx: z.core.$RefinementCtx<string>) => {
  const message = problem(value);
  if (message) ctx.addIssue({ code: 'custom', message });
};

/** docs/architecture.md §5: the integration's branch name template and issue type → prefix mapping. */
export const branchNamingSchema = z.strictObject({
  template: z.string().superRefine(problemFree(branchTemplateProblem)),
  issueTypePrefixes: z
    .record(z.string().superRefine(problemFree(issueTypeNameProblem)), z.string().superRefine(problemFree(issueTypePrefixProblem)))
    .refine((map) => Object.keys(map).length <= ISSUE_TYPE_PREFIXES_MAX, `at most ${ISSUE_TYPE_PREFIXES_MAX} issue types`)
    .default({}),
});

/** A git branch name as `git check-ref-format --branch` takes it (a repository's default source branch). */
export const gitBranchNameSchema = z.string().superRefine(problemFree(branchNameProblem));

const buildCreateIntegrationSchema = (kinds: IntegrationKinds) =>
  z.strictObject({
    name,
    provider: z.enum(kinds),
    baseUrl: z.string().max(2048).optional(),
    region: region.optional(),
    tfsVersion: z.enum(TFS_VERSIONS).optional(),
    requireUserPat: z.boolean().default(false),
    projects: projectScopeSchema.default('all'),
    branchNaming: branchNamingSchema.optional(),
    serviceCredential: credentialSchema,
  });
export type CreateIntegrationSchema = ReturnType<typeof buildCreateIntegrationSchema>;
export type CreateIntegrationInput = z.infer<CreateIntegrationSchema>;

const createSchemas = new WeakMap<IntegrationKinds, CreateIntegrationSchema>();

/**
 * POST /api/admin/integrations for the kinds of the host families in use: `provider` is one of
 * them, whatever the families are (a kind no family serves is 400 VALIDATION_FAILED). Built once per
 * registry.
 */
export const createIntegrationSchemaFor = (kinds: IntegrationKinds): CreateIntegrationSchema => {
  let schema = createSchemas.get(kinds);
  if (!schema) {
    schema = buildCreateIntegrationSchema(kinds);
    createSchemas.set(kinds, schema);
  }
  return schema;
};

export const patchIntegrationSchema = z.strictObject({
  name: name.optional(),
  baseUrl: z.string().max(2048).optional(),
  region: region.optional(),
  tfsVersion: z.enum(TFS_VERSIONS).optional(),
  requireUserPat: z.boolean().optional(),
  projects: projectScopeSchema.optional(),
  // null: back to the default pattern.
  branchNaming: branchNamingSchema.nullable().optional(),
  serviceCredential: credentialSchema.optional(),
});
export type PatchIntegrationInput = z.infer<typeof patchIntegrationSchema>;


/** Ids we mint and repository ids admins name; never `#` (our key separator) nor control characters. */
export const integrationIdSchema = z.string().regex(/^[a-z0-9]{8,40}$/, 'not an integration id');
// eslint-disable-next-line no-control-regex -- ids must not carry control characters
export const repositoryIdSchema = z.string().min(1).max(300).regex(/^[^\u0000-\u001f#]+$/, 'no control characters or #');

/** PUT /api/admin/integrations/{integrationId}/repositories: the id is canonicalised per host family before it is stored. */
export const repositoryOverrideSchema = z.strictObject({
  repositoryId: repositoryIdSchema,
  requireUserPat: z.boolean().nullable(),
  // Narrows the integration's projects for this repository; absent: the integration's. With `requireUserPat: null` the override is removed, so none may be named.
  projects: projectList.optional(),
  // The branch the panel preselects to start from (GitFlow: `develop`); absent: the host's default branch.
  defaultSourceBranch: gitBranchNameSchema.optional(),
});

export const auditQuerySchema = z.strictObject({
  integrationId: integrationIdSchema.optional(),
  accountId: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** GET /api/admin/jira-projects: a page of Jira's project search (at most 100 per page, as Jira caps it). */
export const jiraProjectsQuerySchema = z.strictObject({
  startAt: z.coerce.number().int().min(0).max(100_000).default(0),
  maxResults: z.coerce.number().int().min(1).max(100).default(50),
  // eslint-disable-next-line no-control-regex -- a search text never needs control characters
  query: z.string().max(100).regex(/^[^\u0000-\u001f\u007f]*$/).optional(),
});
