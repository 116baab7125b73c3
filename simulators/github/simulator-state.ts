import { randomBytes, randomInt } from 'node:crypto';

/** A collaborator's role on a repository, as GitHub's `permission` values name them (read = pull, write = push). */
export type RepositoryPermission = 'read' | 'write' | 'admin';
export type TokenKind = 'classic' | 'fine-grained';
export type PermissionLevel = 'read' | 'write';

/** The repository permissions of a fine-grained PAT that patgate's routes need (metadata read is implicit). */
export interface FineGrainedPermissions {
  readonly contents?: PermissionLevel;
  readonly pull_requests?: PermissionLevel;
}

export interface SimUser {
  readonly id: number;
  readonly login: string;
  readonly name: string | null;
  readonly email: string | null;
  readonly createdAt: string;
}

export interface SimToken {
  readonly login: string;
  readonly kind: TokenKind;
  /** Classic tokens only: the OAuth scopes listed in `X-OAuth-Scopes`. */
  readonly scopes: readonly string[];
  /** Fine-grained tokens only. */
  readonly permissions: FineGrainedPermissions;
  expiresAt: Date | undefined;
  revoked: boolean;
}

export interface SimBranch {
  commitId: string;
  /** The login whose token created the branch; null for seeded branches. */
  readonly createdBy: string | null;
}

export interface SimPullRequest {
  readonly id: number;
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly head: string;
  readonly base: string;
  readonly headSha: string;
  readonly baseSha: string;
  readonly draft: boolean;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly state: 'open' | 'closed';
  /** Set when closed; a merged pull request is closed with `merged_at` too (https://docs.github.com/en/rest/pulls/pulls#get-a-pull-request). */
  readonly closedAt?: string;
  readonly mergedAt?: string;
}

export interface SimRepository {
  readonly id: number;
  readonly owner: string;
  readonly name: string;
  readonly private: boolean;
  readonly defaultBranch: string;
  readonly createdAt: string;
  readonly collaborators: Map<string, RepositoryPermission>;
  readonly branches: Map<string, SimBranch>;
  /** Every commit the repository holds (a new ref may point only at one of these). */
  readonly commits: Set<string>;
  readonly pulls: SimPullRequest[];
}

export interface UserSeed {
  readonly login: string;
  readonly name?: string | null;
  readonly email?: string | null;
}

export interface RepositorySeed {
  /** `owner/name`; or give `owner` and `name` apart. */
  readonly fullName?: string;
  readonly owner?: string;
  readonly name?: string;
  readonly private?: boolean;
  /** Defaults to `main`. */
  readonly defaultBranch?: string;
  /** Branch name → commit id. Defaults to the default branch at a random commit; `{}` seeds an empty repository. */
  readonly branches?: Readonly<Record<string, string>>;
  /** Login → role. The owner is always admin. */
  readonly collaborators?: Readonly<Record<string, RepositoryPermission>>;
}

export interface TokenSpec {
  readonly login: string;
  /** Defaults to `classic`. */
  readonly kind?: TokenKind;
  /** Classic tokens; defaults to `['repo']`. */
  readonly scopes?: readonly string[];
  readonly expiresAt?: string | Date;
  /** Fine-grained tokens; defaults to contents and pull requests write. */
  readonly permissions?: FineGrainedPermissions;
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const FULL_FINE_GRAINED: FineGrainedPermissions = { contents: 'write', pull_requests: 'write' };
const ROLE_RANK: Record<RepositoryPermission, number> = { read: 1, write: 2, admin: 3 };

const randomAlphanumeric = (length: number): string =>
  Array.from({ length }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join('');

export const randomSha = (): string => randomBytes(20).toString('hex');

/** Token shapes as GitHub mints them: classic `ghp_` + 36, fine-grained `github_pat_` + 22 + `_` + 59 (93 chars). */
const mintToken = (kind: TokenKind): string =>
  kind === 'classic' ? `ghp_${randomAlphanumeric(36)}` : `github_pat_${randomAlphanumeric(22)}_${randomAlphanumeric(59)}`;

const repositoryKey = (fullName: string): string => fullName.toLowerCase();

const splitFullName = (seed: RepositorySeed): { owner: string; name: string } => {
  const [owner, name] = seed.fullName ? seed.fullName.split('/') : [seed.owner, seed.name];
  if (!owner || !name) throw new Error('a repository seed needs owner/name');
  return { owner, name };
};

export const atLeast = (role: RepositoryPermission | undefined, needed: RepositoryPermission): boolean =>
  role !== undefined && ROLE_RANK[role] >= ROLE_RANK[needed];

/** The simulated host's data: users, tokens, repositories with branches and pull requests. */
export class SimulatorState {
  readonly #users = new Map<string, SimUser>();
  readonly #tokens = new Map<string, SimToken>();
  readonly #repositories = new Map<string, SimRepository>();
  #nextId = 1000;
  readonly #clock: () => Date;

  constructor(clock: () => Date) {
    this.#clock = clock;
  }

  now(): Date {
    return this.#clock();
  }

  addUser(seed: UserSeed): SimUser {
    const existing = this.#users.get(seed.login.toLowerCase());
    const user: SimUser = {
      id: existing?.id ?? this.#allocateId(),
      login: seed.login,
      name: seed.name === undefined ? existing?.name ?? null : seed.name,
      email: seed.email === undefined ? existing?.email ?? null : seed.email,
      createdAt: existing?.createdAt ?? this.#clock().toISOString(),
    };
    this.#users.set(seed.login.toLowerCase(), user);
    return user;
  }

  user(login: string): SimUser | undefined {
    return this.#users.get(login.toLowerCase());
  }

  /** Every user, in the order they were added (the web sign-in page offers them). */
  allUsers(): readonly SimUser[] {
    return [...this.#users.values()];
  }

  #ensureUser(login: string): SimUser {
    return this.user(login) ?? this.addUser({ login });
  }

  seedRepository(seed: RepositorySeed): SimRepository {
    const { owner, name } = splitFullName(seed);
    const ownerUser = this.#ensureUser(owner);
    const defaultBranch = seed.defaultBranch ?? 'main';
    const branchSeeds = seed.branches ?? { [defaultBranch]: randomSha() };
    const collaborators = new Map<string, RepositoryPermission>(Object.entries(seed.collaborators ?? {}).map(([login, role]) => [login.toLowerCase(), role]));
    for (const login of collaborators.keys()) this.#ensureUser(login);
    const repository: SimRepository = {
      id: this.#allocateId(),
      owner: ownerUser.login,
      name,
      private: seed.private ?? false,
      defaultBranch,
      createdAt: this.#clock().toISOString(),
      collaborators,
      branches: new Map(Object.entries(branchSeeds).map(([branch, commitId]) => [branch, { commitId, createdBy: null }])),
      commits: new Set(Object.values(branchSeeds)),
      pulls: [],
    };
    this.#repositories.set(repositoryKey(`${owner}/${name}`), repository);
    return repository;
  }

  repository(owner: string, name: string): SimRepository | undefined {
    return this.#repositories.get(repositoryKey(`${owner}/${name}`));
  }

  /** Every repository, in the order they were seeded. */
  allRepositories(): readonly SimRepository[] {
    return [...this.#repositories.values()];
  }

  repositoryByFullName(fullName: string): SimRepository | undefined {
    return this.#repositories.get(repositoryKey(fullName));
  }

  setCollaborator(repository: SimRepository, login: string, role: RepositoryPermission | undefined): void {
    this.#ensureUser(login);
    if (role) repository.collaborators.set(login.toLowerCase(), role);
    else repository.collaborators.delete(login.toLowerCase());
  }

  /** The user's role; anyone may read a public repository, nobody but collaborators a private one. */
  roleOf(repository: SimRepository, login: string | undefined): RepositoryPermission | undefined {
    if (login && login.toLowerCase() === repository.owner.toLowerCase()) return 'admin';
    const granted = login ? repository.collaborators.get(login.toLowerCase()) : undefined;
    if (granted) return granted;
    return repository.private ? undefined : 'read';
  }

  issueToken(spec: TokenSpec): string {
    this.#ensureUser(spec.login);
    const kind = spec.kind ?? 'classic';
    const value = mintToken(kind);
    this.#tokens.set(value, {
      login: this.#ensureUser(spec.login).login,
      kind,
      scopes: kind === 'classic' ? [...(spec.scopes ?? ['repo'])] : [],
      permissions: kind === 'fine-grained' ? { ...(spec.permissions ?? FULL_FINE_GRAINED) } : {},
      expiresAt: spec.expiresAt === undefined ? undefined : new Date(spec.expiresAt),
      revoked: false,
    });
    return value;
  }

  revokeToken(value: string): boolean {
    const token = this.#tokens.get(value);
    if (token) token.revoked = true;
    return token !== undefined;
  }

  /** Moves the token's expiry to a second ago, as if its lifetime ran out. */
  expireToken(value: string): boolean {
    const token = this.#tokens.get(value);
    if (token) token.expiresAt = new Date(this.#clock().getTime() - 1_000);
    return token !== undefined;
  }

  /** The live token and its owner, or undefined for unknown, revoked and expired tokens (GitHub answers all three alike). */
  authenticate(value: string): { token: SimToken; user: SimUser } | undefined {
    const token = this.#tokens.get(value);
    if (!token || token.revoked) return undefined;
    if (token.expiresAt && token.expiresAt.getTime() <= this.#clock().getTime()) return undefined;
    const user = this.user(token.login);
    return user ? { token, user } : undefined;
  }

  /** Moves the branch to a new commit, as a `git push` would; undefined when the branch does not exist. */
  pushCommit(repository: SimRepository, branchName: string): string | undefined {
    const branch = repository.branches.get(branchName);
    if (!branch) return undefined;
    branch.commitId = randomSha();
    repository.commits.add(branch.commitId);
    return branch.commitId;
  }

  allocatePullRequest(repository: SimRepository, fields: Omit<SimPullRequest, 'id' | 'number' | 'createdAt' | 'state'>): SimPullRequest {
    const pull: SimPullRequest = {
      ...fields,
      id: this.#allocateId(),
      number: repository.pulls.length + 1,
      createdAt: this.#clock().toISOString(),
      state: 'open',
    };
    repository.pulls.push(pull);
    return pull;
  }

  /** Closes an open pull request, merged or not (what the web page's Merge / Close buttons do). */
  closePullRequest(repository: SimRepository, number: number, merged: boolean): boolean {
    const index = repository.pulls.findIndex((pull) => pull.number === number && pull.state === 'open');
    const pull = repository.pulls[index];
    if (!pull) return false;
    const at = this.#clock().toISOString();
    repository.pulls[index] = { ...pull, state: 'closed', closedAt: at, ...(merged ? { mergedAt: at } : {}) };
    return true;
  }

  reset(): void {
    this.#users.clear();
    this.#tokens.clear();
    this.#repositories.clear();
  }

  #allocateId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }
}
