import type { SimBranch, SimMergeRequest, SimProject, SimToken, SimUser } from './gitlab-sim-state';

/**
 * GitLab REST v4 JSON entities as the simulator serves them, shaped after GitLab's REST reference:
 * doc/api/users.md (current user), personal_access_tokens.md (self-inform), projects.md,
 * branches.md (@0872cde), merge_requests.md (create). Pinned by test/hosts/gitlab/gitlab-rest-schemas.ts.
 */
export const userEntity = (user: SimUser, baseUrl: string): Record<string, unknown> => ({
  id: user.id,
  username: user.username,
  name: user.name,
  state: 'active',
  locked: false,
  avatar_url: `${baseUrl}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
  web_url: `${baseUrl}/${user.username}`,
  created_at: user.createdAt,
  bio: '',
  location: '',
  public_email: null,
  linkedin: '',
  twitter: '',
  discord: '',
  website_url: '',
  organization: '',
  job_title: '',
  pronouns: null,
  bot: false,
  work_information: null,
  local_time: null,
  last_sign_in_at: user.createdAt,
  confirmed_at: user.createdAt,
  last_activity_on: user.createdAt.slice(0, 10),
  email: user.email,
  theme_id: 3,
  color_scheme_id: 1,
  projects_limit: 100000,
  current_sign_in_at: user.createdAt,
  identities: [],
  can_create_group: true,
  can_create_project: true,
  two_factor_enabled: false,
  external: false,
  private_profile: false,
  commit_email: user.email,
});

export const tokenEntity = (token: SimToken, userId: number, active: boolean): Record<string, unknown> => ({
  id: token.id,
  name: token.name,
  revoked: token.revoked,
  created_at: token.createdAt,
  description: token.description,
  scopes: [...token.scopes],
  user_id: userId,
  last_used_at: token.lastUsedAt,
  active,
  expires_at: token.expiresAt,
});

const authorEntity = (user: SimUser, baseUrl: string): Record<string, unknown> => ({
  id: user.id,
  username: user.username,
  name: user.name,
  state: 'active',
  locked: false,
  avatar_url: `${baseUrl}/uploads/-/system/user/avatar/${user.id}/avatar.png`,
  web_url: `${baseUrl}/${user.username}`,
});

const namespaceOf = (project: SimProject, baseUrl: string): Record<string, unknown> => {
  const fullPath = project.path.slice(0, project.path.lastIndexOf('/'));
  const path = fullPath.slice(fullPath.lastIndexOf('/') + 1);
  return { id: project.id * 1000, name: path, path, kind: 'group', full_path: fullPath, parent_id: null, avatar_url: null, web_url: `${baseUrl}/groups/${fullPath}` };
};

const projectName = (project: SimProject): string => project.path.slice(project.path.lastIndexOf('/') + 1);

export const projectEntity = (project: SimProject, baseUrl: string): Record<string, unknown> => {
  const host = new URL(baseUrl).host;
  return {
    id: project.id,
    description: null,
    name: projectName(project),
    name_with_namespace: project.path.split('/').join(' / '),
    path: projectName(project),
    path_with_namespace: project.path,
    created_at: project.createdAt,
    default_branch: project.defaultBranch,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host}:${project.path}.git`,
    http_url_to_repo: `${baseUrl}/${project.path}.git`,
    web_url: `${baseUrl}/${project.path}`,
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: project.createdAt,
    namespace: namespaceOf(project, baseUrl),
    visibility: project.visibility,
    empty_repo: false,
    archived: false,
  };
};

export const branchEntity = (project: SimProject, branch: SimBranch, canPush: boolean, baseUrl: string): Record<string, unknown> => {
  const { commit } = branch;
  const author = branch.createdBy ?? 'Administrator';
  const isDefault = branch.name === project.defaultBranch;
  return {
    name: branch.name,
    merged: false,
    protected: isDefault,
    default: isDefault,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: canPush,
    web_url: `${baseUrl}/${project.path}/-/tree/${branch.name.split('/').map(encodeURIComponent).join('/')}`,
    commit: {
      id: commit.id,
      short_id: commit.id.slice(0, 8),
      created_at: commit.createdAt,
      parent_ids: [],
      title: commit.title,
      message: commit.title,
      author_name: author,
      author_email: `${author}@example.com`,
      authored_date: commit.createdAt,
      committer_name: author,
      committer_email: `${author}@example.com`,
      committed_date: commit.createdAt,
      trailers: {},
      extended_trailers: {},
      web_url: `${baseUrl}/${project.path}/-/commit/${commit.id}`,
    },
  };
};

export const mergeRequestEntity = (
  project: SimProject,
  mergeRequest: SimMergeRequest,
  author: SimUser,
  baseUrl: string,
): Record<string, unknown> => {
  const reference = `!${mergeRequest.iid}`;
  const draft = /^\s*draft:/i.test(mergeRequest.title);
  return {
    id: mergeRequest.id,
    iid: mergeRequest.iid,
    project_id: project.id,
    title: mergeRequest.title,
    description: mergeRequest.description,
    state: mergeRequest.state,
    created_at: mergeRequest.createdAt,
    updated_at: mergeRequest.createdAt,
    merged_by: null,
    merge_user: null,
    merged_at: null,
    closed_by: null,
    closed_at: null,
    target_branch: mergeRequest.targetBranch,
    source_branch: mergeRequest.sourceBranch,
    user_notes_count: 0,
    upvotes: 0,
    downvotes: 0,
    author: authorEntity(author, baseUrl),
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: project.id,
    target_project_id: project.id,
    labels: [],
    draft,
    work_in_progress: draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'checking',
    detailed_merge_status: 'checking',
    sha: mergeRequest.sha,
    merge_commit_sha: null,
    squash_commit_sha: null,
    discussion_locked: null,
    should_remove_source_branch: null,
    force_remove_source_branch: false,
    prepared_at: null,
    reference,
    references: { short: reference, relative: reference, full: `${project.path}${reference}` },
    web_url: `${baseUrl}/${project.path}/-/merge_requests/${mergeRequest.iid}`,
    time_stats: { time_estimate: 0, total_time_spent: 0, human_time_estimate: null, human_total_time_spent: null },
    squash: false,
    squash_on_merge: false,
    task_completion_status: { count: 0, completed_count: 0 },
    has_conflicts: false,
    blocking_discussions_resolved: true,
    subscribed: true,
    changes_count: null,
    latest_build_started_at: null,
    latest_build_finished_at: null,
    first_deployed_to_production_at: null,
    pipeline: null,
    head_pipeline: null,
    diff_refs: null,
    merge_error: null,
    user: { can_merge: true },
  };
};
