import { randomBytes } from 'node:crypto';

/**
 * What the GitLab simulator remembers: users, their personal access tokens, projects with members,
 * branches and merge requests. No HTTP here; `gitlab-api.ts` turns it into GitLab's wire format.
 */
export type ProjectRole = 'guest' | 'reporter' | 'developer' | 'maintainer' | 'owner';
export type Visibility = 'private' | 'internal' | 'public';

export const PROJECT_ROLES: readonly ProjectRole[] = ['guest', 'reporter', 'developer', 'maintainer', 'owner'];

/** GitLab's access levels (doc/api/members.md#roles). */
const ACCESS_LEVEL: Readonly<Record<ProjectRole, number>> = { guest: 10, reporter: 20, developer: 30, maintainer: 40, owner: 50 };

export interface SimUser {
  readonly id: number;
  readonly username: string;
  readonly name: string;
  readonly email: string;
  readonly createdAt: string;
}

export interface SimToken {
  readonly id: number;
  readonly value: string;
  readonly name: string;
  readonly description: string;
  readonly username: string;
  readonly scopes: readonly string[];
  /** `YYYY-MM-DD`, as GitLab stores it; null never expires. */
  expiresAt: string | null;
  revoked: boolean;
  readonly createdAt: string;
  lastUsedAt: string | null;
}

export interface SimCommit {
  readonly id: string;
  readonly title: string;
  readonly createdAt: string;
}

export interface SimBranch {
  readonly name: string;
  readonly commit: SimCommit;
  /** The user whose token created it; null for seeded branches. */
  readonly createdBy: string | null;
}

export interface SimMergeRequest {
  readonly id: number;
  readonly iid: number;
  readonly title: string;
  readonly description: string | null;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly sha: string;
  readonly state: 'opened' | 'closed' | 'merged';
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface SimProject {
  readonly id: number;
  readonly path: string;
  readonly defaultBranch: string;
  readonly visibility: Visibility;
  readonly createdAt: string;
  readonly members: Map<string, ProjectRole>;
  readonly branches: Map<string, SimBranch>;
  readonly mergeRequests: SimMergeRequest[];
}

export interface SeedProjectInput {
  /** Full path, `group/sub/project`. */
  readonly path: string;
  readonly defaultBranch?: string;
  /** Branch name → commit id; the default branch is added with a random commit when missing. */
  readonly branches?: Readonly<Record<string, string>>;
  /** Username → role; developers and above may push. Unknown users are created. */
  readonly members?: Readonly<Record<string, ProjectRole>>;
  readonly visibility?: Visibility;
}

export interface IssueTokenInput {
  readonly username: string;
  /** Default `['api']`. */
  readonly scopes?: readonly string[];
  /** `YYYY-MM-DD`; null never expires; default one year from now (GitLab's default lifetime). */
  readonly expiresAt?: string | null;
  readonly name?: string;
  readonly description?: string;
}

export type TokenStatus = 'active' | 'expired' | 'revoked';

const DEFAULT_LIFETIME_DAYS = 365;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

export const randomCommitId = (): string => randomBytes(20).toString('hex');

const dateOnly = (date: Date): string => date.toISOString().slice(0, 10);

const titleCase = (username: string): string =>
  username
    .split(/[._-]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join(' ');

export class GitLabSimState {
  readonly #now: () => Date;
  readonly #tokenPrefix: string;
  readonly #users = new Map<string, SimUser>();
  readonly #tokens = new Map<string, SimToken>();
  readonly #projects = new Map<number, SimProject>();
  #nextId = { user: 1, token: 1, project: 1, mergeRequest: 1 };

  constructor(now: () => Date, tokenPrefix: string) {
    this.#now = now;
    this.#tokenPrefix = tokenPrefix;
  }

  nowIso(): string {
    return this.#now().toISOString();
  }

  reset(): void {
    this.#users.clear();
    this.#tokens.clear();
    this.#projects.clear();
    this.#nextId = { user: 1, token: 1, project: 1, mergeRequest: 1 };
  }

  addUser(username: string, name?: string, email?: string): SimUser {
    const existing = this.#users.get(username);
    if (existing) return existing;
    const user: SimUser = {
      id: this.#nextId.user++,
      username,
      name: name ?? titleCase(username),
      email: email ?? `${username}@example.com`,
      createdAt: this.nowIso(),
    };
    this.#users.set(username, user);
    return user;
  }

  user(username: string): SimUser | undefined {
    return this.#users.get(username);
  }

  /** Every user, in the order they were added (the web sign-in page offers them). */
  allUsers(): readonly SimUser[] {
    return [...this.#users.values()];
  }

  issueToken(input: IssueTokenInput): SimToken {
    if (input.expiresAt && !DATE_ONLY.test(input.expiresAt)) throw new Error('expiresAt must be a date, YYYY-MM-DD');
    this.addUser(input.username);
    const defaultExpiry = dateOnly(new Date(this.#now().getTime() + DEFAULT_LIFETIME_DAYS * 86_400_000));
    const token: SimToken = {
      id: this.#nextId.token++,
      // GitLab's legacy shape: prefix + 20 characters of [0-9A-Za-z_-].
      value: `${this.#tokenPrefix}${randomBytes(15).toString('base64url')}`,
      name: input.name ?? 'Jira (patgate)',
      description: input.description ?? '',
      username: input.username,
      scopes: [...(input.scopes ?? ['api'])],
      expiresAt: input.expiresAt === undefined ? defaultExpiry : input.expiresAt,
      revoked: false,
      createdAt: this.nowIso(),
      lastUsedAt: null,
    };
    this.#tokens.set(token.value, token);
    return token;
  }

  token(value: string): SimToken | undefined {
    return this.#tokens.get(value);
  }

  revokeToken(value: string): boolean {
    const token = this.#tokens.get(value);
    if (!token) return false;
    token.revoked = true;
    return true;
  }

  /** Moves the expiry date to today: GitLab treats a token as expired from the start of that day, UTC. */
  expireToken(value: string): boolean {
    const token = this.#tokens.get(value);
    if (!token) return false;
    token.expiresAt = dateOnly(this.#now());
    return true;
  }

  tokenStatus(token: SimToken): TokenStatus {
    if (token.expiresAt !== null && this.#now().getTime() >= Date.parse(`${token.expiresAt}T00:00:00Z`)) return 'expired';
    return token.revoked ? 'revoked' : 'active';
  }

  seedProject(input: SeedProjectInput): SimProject {
    const path = input.path.replace(/^\/+|\/+$/g, '');
    if (!path.includes('/')) throw new Error('A project path needs a namespace: group/project');
    if (this.project(path)) throw new Error(`Project ${path} already exists`);
    const defaultBranch = input.defaultBranch ?? 'main';
    const seeded = { [defaultBranch]: randomCommitId(), ...(input.branches ?? {}) };
    const createdAt = this.nowIso();
    const project: SimProject = {
      id: this.#nextId.project++,
      path,
      defaultBranch,
      visibility: input.visibility ?? 'private',
      createdAt,
      members: new Map(),
      branches: new Map(
        Object.entries(seeded).map(([name, id]) => [name, { name, commit: { id, title: 'Initial commit', createdAt }, createdBy: null }]),
      ),
      mergeRequests: [],
    };
    this.#projects.set(project.id, project);
    for (const [username, role] of Object.entries(input.members ?? {})) this.addMember(path, username, role);
    return project;
  }

  addMember(projectRef: string, username: string, role: ProjectRole): void {
    const project = this.project(projectRef);
    if (!project) throw new Error(`No project ${projectRef}`);
    this.addUser(username);
    project.members.set(username, role);
  }

  /** Every project, oldest first. */
  allProjects(): readonly SimProject[] {
    return [...this.#projects.values()];
  }

  /** By numeric id or full path (GitLab matches paths case-insensitively). */
  project(ref: string): SimProject | undefined {
    if (/^\d+$/.test(ref)) return this.#projects.get(Number(ref));
    const wanted = ref.toLowerCase();
    return [...this.#projects.values()].find((project) => project.path.toLowerCase() === wanted);
  }

  canSee(project: SimProject, username: string): boolean {
    return project.visibility !== 'private' || project.members.has(username);
  }

  canReadCode(project: SimProject, username: string): boolean {
    const role = project.members.get(username);
    if (!role) return project.visibility !== 'private';
    return ACCESS_LEVEL[role] >= ACCESS_LEVEL.reporter || project.visibility !== 'private';
  }

  canPush(project: SimProject, username: string): boolean {
    const role = project.members.get(username);
    return role !== undefined && ACCESS_LEVEL[role] >= ACCESS_LEVEL.developer;
  }

  /** A branch name, or a commit id some branch points at. */
  resolveRef(project: SimProject, ref: string): SimCommit | undefined {
    const branch = project.branches.get(ref);
    if (branch) return branch.commit;
    return [...project.branches.values()].find((candidate) => candidate.commit.id === ref)?.commit;
  }

  addBranch(project: SimProject, name: string, commit: SimCommit, createdBy: string): SimBranch {
    const branch: SimBranch = { name, commit, createdBy };
    project.branches.set(name, branch);
    return branch;
  }

  addMergeRequest(project: SimProject, input: Omit<SimMergeRequest, 'id' | 'iid' | 'state' | 'createdAt'>): SimMergeRequest {
    const mergeRequest: SimMergeRequest = {
      ...input,
      id: this.#nextId.mergeRequest++,
      iid: project.mergeRequests.length + 1,
      state: 'opened',
      createdAt: this.nowIso(),
    };
    project.mergeRequests.push(mergeRequest);
    return mergeRequest;
  }
}
