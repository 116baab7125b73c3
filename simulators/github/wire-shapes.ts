import type { SimPullRequest, SimRepository, SimUser } from './simulator-state';

/** Where the simulated host says it lives: GitHub.com answers at the root, Enterprise Server under /api/v3. */
export interface HostView {
  readonly flavour: 'dotcom' | 'enterprise';
  /** e.g. `http://127.0.0.1:PORT` or `http://127.0.0.1:PORT/api/v3` */
  readonly apiBase: string;
  /** e.g. `http://127.0.0.1:PORT` (github.com's and GHES's web root) */
  readonly webBase: string;
  /** `https://docs.github.com/rest` or `https://docs.github.com/enterprise-server@3.17/rest` */
  readonly docsBase: string;
}

/** The docs anchors GitHub puts in `documentation_url`, per operation. */
export const DOCS_PAGES = {
  root: '',
  getAuthenticated: '/users/users#get-the-authenticated-user',
  getRepository: '/repos/repos#get-a-repository',
  getBranch: '/branches/branches#get-a-branch',
  getRef: '/git/refs#get-a-reference',
  createRef: '/git/refs#create-a-reference',
  deleteRef: '/git/refs#delete-a-reference',
  createPull: '/pulls/pulls#create-a-pull-request',
  listPulls: '/pulls/pulls#list-pull-requests',
  listRepositoriesForUser: '/repos/repos#list-repositories-for-the-authenticated-user',
  listBranches: '/branches/branches#list-branches',
  rateLimits: '/using-the-rest-api/rate-limits-for-the-rest-api',
} as const;
export type DocsPage = keyof typeof DOCS_PAGES;

type Json = Record<string, unknown>;

const nodeId = (prefix: string, id: number | string): string => `${prefix}_kwDO${Buffer.from(String(id)).toString('base64url')}`;

const encodePath = (text: string): string => text.split('/').map(encodeURIComponent).join('/');

/** GitHub's `basic-error` body; recent GitHub versions add the status as a string. */
export const basicError = (view: HostView, message: string, page: DocsPage, status: number): Json => ({
  message,
  documentation_url: `${view.docsBase}${DOCS_PAGES[page]}`,
  status: String(status),
});

/** GitHub's `validation-error` body (`errors` only when GitHub names the failing fields). */
export const validationError = (view: HostView, message: string, page: DocsPage, errors?: readonly Json[]): Json => ({
  message,
  ...(errors ? { errors } : {}),
  documentation_url: `${view.docsBase}${DOCS_PAGES[page]}`,
  status: '422',
});

export const simpleUser = (view: HostView, user: SimUser): Json => {
  const api = `${view.apiBase}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId('U', user.id),
    avatar_url: `${view.webBase}/avatars/u/${user.id}?v=4`,
    gravatar_id: '',
    url: api,
    html_url: `${view.webBase}/${user.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
};

/** `GET /user` for the token's owner: GitHub's `private-user`. */
export const privateUser = (view: HostView, user: SimUser, ownedPrivateRepos: number): Json => ({
  ...simpleUser(view, user),
  user_view_type: 'private',
  name: user.name,
  company: null,
  blog: '',
  location: null,
  email: user.email,
  hireable: null,
  bio: null,
  twitter_username: null,
  notification_email: user.email,
  public_repos: 0,
  public_gists: 0,
  followers: 0,
  following: 0,
  created_at: user.createdAt,
  updated_at: user.createdAt,
  private_gists: 0,
  total_private_repos: ownedPrivateRepos,
  owned_private_repos: ownedPrivateRepos,
  disk_usage: 0,
  collaborators: 0,
  two_factor_authentication: true,
  plan: { name: 'free', space: 976_562_499, collaborators: 0, private_repos: 10_000 },
});

const repositoryUrls = (view: HostView, repository: SimRepository): Json => {
  const api = `${view.apiBase}/repos/${repository.owner}/${repository.name}`;
  const web = `${view.webBase}/${repository.owner}/${repository.name}`;
  return {
    html_url: web,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    git_url: `${web.replace(/^https?:/, 'git:')}.git`,
    ssh_url: `git@${new URL(view.webBase).host}:${repository.owner}/${repository.name}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
  };
};

/** A repository as the `repository` schema (inside pull requests) and `full-repository` both require it. */
export const repositoryShape = (view: HostView, repository: SimRepository, owner: SimUser): Json => ({
  id: repository.id,
  node_id: nodeId('R', repository.id),
  name: repository.name,
  full_name: `${repository.owner}/${repository.name}`,
  private: repository.private,
  visibility: repository.private ? 'private' : 'public',
  owner: simpleUser(view, owner),
  description: null,
  fork: false,
  ...repositoryUrls(view, repository),
  homepage: null,
  language: null,
  size: 0,
  stargazers_count: 0,
  watchers_count: 0,
  watchers: 0,
  forks_count: 0,
  forks: 0,
  open_issues_count: repository.pulls.filter((pull) => pull.state === 'open').length,
  open_issues: repository.pulls.filter((pull) => pull.state === 'open').length,
  has_issues: true,
  has_projects: true,
  has_downloads: true,
  has_wiki: true,
  has_pages: false,
  has_discussions: false,
  archived: false,
  disabled: false,
  mirror_url: null,
  license: null,
  allow_forking: true,
  is_template: false,
  topics: [],
  default_branch: repository.defaultBranch,
  created_at: repository.createdAt,
  updated_at: repository.createdAt,
  pushed_at: repository.createdAt,
});

/** `GET /repos/{owner}/{repo}`: the `full-repository` schema, with the caller's permissions. */
export const fullRepository = (view: HostView, repository: SimRepository, owner: SimUser, role: 'read' | 'write' | 'admin' | undefined): Json => ({
  ...repositoryShape(view, repository, owner),
  permissions: {
    admin: role === 'admin',
    maintain: role === 'admin',
    push: role === 'admin' || role === 'write',
    triage: role !== undefined,
    pull: role !== undefined,
  },
  network_count: 0,
  subscribers_count: 0,
});

export const gitRef = (view: HostView, repository: SimRepository, branch: string, sha: string): Json => {
  const api = `${view.apiBase}/repos/${repository.owner}/${repository.name}`;
  return {
    ref: `refs/heads/${branch}`,
    node_id: nodeId('REF', `${repository.id}:${branch}`),
    url: `${api}/git/refs/heads/${encodePath(branch)}`,
    object: { sha, type: 'commit', url: `${api}/git/commits/${sha}` },
  };
};

/** `GET /repos/{owner}/{repo}/branches/{branch}`: `branch-with-protection`, unprotected. */
export const branchWithProtection = (view: HostView, repository: SimRepository, branch: string, sha: string): Json => {
  const api = `${view.apiBase}/repos/${repository.owner}/${repository.name}`;
  const web = `${view.webBase}/${repository.owner}/${repository.name}`;
  const person = { name: repository.owner, email: `${repository.owner}@users.noreply.github.com`, date: repository.createdAt };
  return {
    name: branch,
    commit: {
      sha,
      node_id: nodeId('C', sha),
      commit: {
        author: person,
        committer: person,
        message: 'Commit',
        tree: { sha, url: `${api}/git/trees/${sha}` },
        url: `${api}/git/commits/${sha}`,
        comment_count: 0,
        verification: { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null },
      },
      url: `${api}/commits/${sha}`,
      html_url: `${web}/commit/${sha}`,
      comments_url: `${api}/commits/${sha}/comments`,
      author: null,
      committer: null,
      parents: [],
    },
    _links: { self: `${api}/branches/${encodePath(branch)}`, html: `${web}/tree/${encodePath(branch)}` },
    protected: false,
    protection: { enabled: false, required_status_checks: { enforcement_level: 'off', contexts: [], checks: [] } },
    protection_url: `${api}/branches/${encodePath(branch)}/protection`,
  };
};

interface PullRequestParties {
  readonly repository: SimRepository;
  readonly owner: SimUser;
  readonly author: SimUser;
  readonly authorAssociation: 'OWNER' | 'COLLABORATOR' | 'NONE';
}

const pullRequestEnd = (view: HostView, parties: PullRequestParties, branch: string, sha: string): Json => ({
  label: `${parties.repository.owner}:${branch}`,
  ref: branch,
  sha,
  user: simpleUser(view, parties.owner),
  repo: repositoryShape(view, parties.repository, parties.owner),
});

/** `POST /repos/{owner}/{repo}/pulls` → 201: the `pull-request` schema. */
export const pullRequest = (view: HostView, parties: PullRequestParties, pull: SimPullRequest): Json => {
  const { repository } = parties;
  const api = `${view.apiBase}/repos/${repository.owner}/${repository.name}`;
  const web = `${view.webBase}/${repository.owner}/${repository.name}`;
  const self = `${api}/pulls/${pull.number}`;
  const html = `${web}/pull/${pull.number}`;
  return {
    url: self,
    id: pull.id,
    node_id: nodeId('PR', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pull.number}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: simpleUser(view, parties.author),
    body: pull.body,
    created_at: pull.createdAt,
    updated_at: pull.createdAt,
    closed_at: pull.closedAt ?? null,
    merged_at: pull.mergedAt ?? null,
    merge_commit_sha: null,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    draft: pull.draft,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pull.number}/comments`,
    statuses_url: `${api}/statuses/${pull.headSha}`,
    head: pullRequestEnd(view, parties, pull.head, pull.headSha),
    base: pullRequestEnd(view, parties, pull.base, pull.baseSha),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: `${api}/issues/${pull.number}` },
      comments: { href: `${api}/issues/${pull.number}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${pull.headSha}` },
    },
    author_association: parties.authorAssociation,
    auto_merge: null,
    active_lock_reason: null,
    merged: pull.mergedAt !== undefined,
    mergeable: null,
    rebaseable: null,
    mergeable_state: 'unknown',
    merged_by: null,
    comments: 0,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: 1,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
};
