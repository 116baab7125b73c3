/**
 * JSON Schemas (draft 2020-12) of the GitLab REST v4 answers the simulator serves, written from
 * GitLab's REST reference (gitlabhq/gitlabhq `doc/api/*.md`; GitLab publishes no OpenAPI document
 * for these routes) and from the error renderers in `lib/api`. Each `$comment` names its source.
 * `additionalProperties` stays open: GitLab adds fields release by release.
 */
const nullable = (type: string): { type: string[] } => ({ type: [type, 'null'] });

const dateTime = { type: 'string', format: 'date-time' } as const;

export const currentUserSchema = {
  $comment: 'doc/api/users.md, "List current user (for normal users)": GET /user',
  type: 'object',
  required: ['id', 'username', 'name', 'state', 'avatar_url', 'web_url', 'created_at', 'email', 'bio', 'location', 'public_email',
    'website_url', 'organization', 'last_sign_in_at', 'confirmed_at', 'theme_id', 'color_scheme_id', 'projects_limit',
    'current_sign_in_at', 'identities', 'can_create_group', 'can_create_project', 'two_factor_enabled', 'external', 'private_profile'],
  properties: {
    id: { type: 'integer' },
    username: { type: 'string', minLength: 1 },
    name: { type: 'string' },
    state: { enum: ['active', 'blocked', 'deactivated'] },
    avatar_url: nullable('string'),
    web_url: { type: 'string', format: 'uri' },
    created_at: dateTime,
    email: { type: 'string' },
    public_email: nullable('string'),
    last_sign_in_at: { ...nullable('string'), format: 'date-time' },
    confirmed_at: { ...nullable('string'), format: 'date-time' },
    identities: { type: 'array' },
    can_create_group: { type: 'boolean' },
    can_create_project: { type: 'boolean' },
    two_factor_enabled: { type: 'boolean' },
    external: { type: 'boolean' },
    private_profile: { type: 'boolean' },
  },
} as const;

export const personalAccessTokenSchema = {
  $comment: 'doc/api/personal_access_tokens.md, "Self-inform" (GitLab 15.5+): GET /personal_access_tokens/self; fields as in its examples',
  type: 'object',
  required: ['id', 'name', 'revoked', 'created_at', 'description', 'scopes', 'user_id', 'last_used_at', 'active', 'expires_at'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    revoked: { type: 'boolean' },
    created_at: dateTime,
    description: nullable('string'),
    scopes: { type: 'array', items: { type: 'string' } },
    user_id: { type: 'integer' },
    last_used_at: { ...nullable('string'), format: 'date-time' },
    active: { type: 'boolean' },
    expires_at: { ...nullable('string'), format: 'date' },
  },
} as const;

export const projectSchema = {
  $comment: 'doc/api/projects.md, "Get a single project": GET /projects/:id',
  type: 'object',
  required: ['id', 'name', 'name_with_namespace', 'path', 'path_with_namespace', 'created_at', 'default_branch', 'web_url',
    'http_url_to_repo', 'ssh_url_to_repo', 'namespace', 'visibility'],
  properties: {
    id: { type: 'integer' },
    path_with_namespace: { type: 'string', pattern: '/' },
    default_branch: { type: 'string' },
    web_url: { type: 'string', format: 'uri' },
    visibility: { enum: ['private', 'internal', 'public'] },
    namespace: { type: 'object', required: ['id', 'name', 'path', 'kind', 'full_path'] },
  },
} as const;

export const branchSchema = {
  $comment: 'doc/api/branches.md @0872cde, "Get single repository branch" and "Create repository branch"',
  type: 'object',
  required: ['name', 'merged', 'protected', 'default', 'developers_can_push', 'developers_can_merge', 'can_push', 'web_url', 'commit'],
  properties: {
    name: { type: 'string', minLength: 1 },
    merged: { type: 'boolean' },
    protected: { type: 'boolean' },
    default: { type: 'boolean' },
    developers_can_push: { type: 'boolean' },
    developers_can_merge: { type: 'boolean' },
    can_push: { type: 'boolean' },
    web_url: { type: 'string', format: 'uri' },
    commit: {
      type: 'object',
      required: ['id', 'short_id', 'created_at', 'parent_ids', 'title', 'message', 'author_name', 'author_email', 'authored_date',
        'committer_name', 'committer_email', 'committed_date', 'trailers', 'web_url'],
      properties: {
        id: { type: 'string', pattern: '^[0-9a-f]{40}$' },
        short_id: { type: 'string' },
        created_at: dateTime,
        parent_ids: { type: 'array', items: { type: 'string' } },
        title: { type: 'string' },
        authored_date: dateTime,
        committed_date: dateTime,
        trailers: { type: 'object' },
        web_url: { type: 'string', format: 'uri' },
      },
    },
  },
} as const;

const userSummary = {
  type: 'object',
  required: ['id', 'username', 'name', 'state', 'avatar_url', 'web_url'],
  properties: { id: { type: 'integer' }, username: { type: 'string' }, name: { type: 'string' }, web_url: { type: 'string', format: 'uri' } },
} as const;

export const mergeRequestSchema = {
  $comment: 'doc/api/merge_requests.md, "Create MR": POST /projects/:id/merge_requests answers the single-MR entity',
  type: 'object',
  required: ['id', 'iid', 'project_id', 'title', 'description', 'state', 'created_at', 'updated_at', 'merged_by', 'merged_at',
    'closed_by', 'closed_at', 'target_branch', 'source_branch', 'user_notes_count', 'upvotes', 'downvotes', 'author', 'assignees',
    'assignee', 'reviewers', 'source_project_id', 'target_project_id', 'labels', 'draft', 'work_in_progress', 'milestone',
    'merge_when_pipeline_succeeds', 'merge_status', 'detailed_merge_status', 'sha', 'merge_commit_sha', 'squash_commit_sha',
    'discussion_locked', 'should_remove_source_branch', 'force_remove_source_branch', 'reference', 'references', 'web_url',
    'time_stats', 'squash', 'task_completion_status', 'has_conflicts', 'blocking_discussions_resolved'],
  properties: {
    id: { type: 'integer' },
    iid: { type: 'integer', minimum: 1 },
    project_id: { type: 'integer' },
    title: { type: 'string' },
    description: nullable('string'),
    state: { enum: ['opened', 'closed', 'locked', 'merged'] },
    created_at: dateTime,
    updated_at: dateTime,
    target_branch: { type: 'string' },
    source_branch: { type: 'string' },
    author: userSummary,
    assignees: { type: 'array' },
    reviewers: { type: 'array' },
    labels: { type: 'array' },
    draft: { type: 'boolean' },
    merge_status: { enum: ['unchecked', 'checking', 'can_be_merged', 'cannot_be_merged', 'cannot_be_merged_recheck'] },
    sha: { type: 'string' },
    reference: { type: 'string', pattern: '^!\\d+$' },
    references: { type: 'object', required: ['short', 'relative', 'full'] },
    web_url: { type: 'string', format: 'uri', pattern: '/-/merge_requests/\\d+$' },
  },
} as const;

export const messageErrorSchema = {
  $comment: 'lib/api/helpers.rb render_api_error!: {"message": string | string[]}, e.g. "404 Project Not Found", ["Another open merge request …"]',
  type: 'object',
  required: ['message'],
  additionalProperties: false,
  properties: { message: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
} as const;

export const grapeErrorSchema = {
  $comment: 'Grape routing and parameter errors: {"error": "404 Not Found"}, {"error": "branch is missing"}',
  type: 'object',
  required: ['error'],
  additionalProperties: false,
  properties: { error: { type: 'string' } },
} as const;

export const oauthErrorSchema = {
  $comment: 'lib/api/api_guard.rb via rack-oauth2: 401 invalid_token (expired, revoked) and 403 insufficient_scope with `scope`',
  type: 'object',
  required: ['error', 'error_description'],
  properties: {
    error: { enum: ['invalid_token', 'insufficient_scope'] },
    error_description: { type: 'string' },
    scope: { type: 'string' },
  },
} as const;

// --- Pickers: the list answers ---

export const projectListItemSchema = {
  $comment:
    'doc/api/projects.md, "List all projects" with simple=true (the simple entity: id, description, name, name_with_namespace, path, path_with_namespace, created_at, default_branch, tag_list, topics, ssh/http urls, web_url, readme_url, forks_count, avatar_url, star_count, last_activity_at, namespace); membership=true limits to projects the user is a member of',
  type: 'object',
  required: ['id', 'description', 'name', 'name_with_namespace', 'path', 'path_with_namespace', 'created_at', 'default_branch', 'ssh_url_to_repo',
    'http_url_to_repo', 'web_url', 'readme_url', 'forks_count', 'avatar_url', 'star_count', 'last_activity_at', 'namespace'],
  properties: {
    id: { type: 'integer' },
    path_with_namespace: { type: 'string', pattern: '/' },
    default_branch: nullable('string'),
    web_url: { type: 'string', format: 'uri' },
    namespace: { type: 'object', required: ['id', 'name', 'path', 'kind', 'full_path'] },
  },
} as const;

export const projectListSchema = { $comment: 'GET /projects: an array of projects', type: 'array', items: projectListItemSchema } as const;

export const branchListSchema = {
  $comment: 'doc/api/branches.md, "List repository branches": GET /projects/:id/repository/branches?search= (^ and $ anchor the search); the single-branch entity',
  type: 'array',
  items: branchSchema,
} as const;

/**
 * doc/api/rest/index.md "Offset-based pagination": every list answer carries these headers
 * (`x-next-page`/`x-prev-page` empty when there is none; `x-total`/`x-total-pages` omitted above 10,000 items).
 */
export const OFFSET_PAGINATION_HEADERS = ['x-page', 'x-per-page', 'x-next-page', 'x-prev-page', 'x-total', 'x-total-pages', 'link'] as const;
