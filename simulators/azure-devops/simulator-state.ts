import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MAX_API_VERSION, type ServerVersion } from '../../lambdas/hosts/azure-devops/api-version';

export interface SimUser {
  readonly login: string;
  readonly displayName: string;
  readonly id: string;
  /** Basic-auth password (service accounts on premises); absent for PAT-only users. */
  readonly password?: string;
}

export interface SimToken {
  readonly value: string;
  readonly owner: string;
  readonly scopes: readonly string[];
  expiresAt?: Date;
  revoked: boolean;
}

export interface SimBranch {
  readonly commitId: string;
  /** Login of the acting user who created the ref. */
  readonly createdBy: string;
}

export interface SimPullRequest {
  readonly id: number;
  readonly sourceRefName: string;
  readonly targetRefName: string;
  readonly title: string;
  readonly description?: string;
  readonly status: 'active' | 'abandoned' | 'completed';
  readonly createdBy: string;
  readonly creationDate: Date;
  readonly mergeId: string;
  readonly sourceCommitId: string;
  readonly targetCommitId: string;
}

export interface SimProject {
  readonly id: string;
  readonly name: string;
  readonly repositories: SimRepository[];
}

export interface SimRepository {
  readonly id: string;
  readonly name: string;
  readonly project: SimProject;
  /** Full ref name (`refs/heads/main`) → branch. */
  readonly refs: Map<string, SimBranch>;
  readonly commits: Set<string>;
  readonly defaultBranch: string;
  readonly pullRequests: SimPullRequest[];
  /** Logins denied the Git CreateBranch permission on this repository. */
  readonly createBranchDenied: Set<string>;
}

export interface SimCollection {
  /** Path prefix on the simulator ('' for a VSTS-style account at the root). */
  readonly path: string;
  readonly serverVersion: ServerVersion;
  readonly hosted: boolean;
  readonly instanceId: string;
  readonly projects: SimProject[];
  nextPullRequestId: number;
}

export interface SeedRepositoryInput {
  readonly collection: string;
  readonly project: string;
  readonly name: string;
  /** Branch name (without refs/heads/) → commit id. */
  readonly branches: Readonly<Record<string, string>>;
  readonly defaultBranch?: string;
  /** Login recorded as the creator of the seeded branches. */
  readonly owner?: string;
}

/** A 52-character PAT from the base32 alphabet, the shape of the older Azure DevOps tokens. */
const newPersonalAccessToken = (): string => {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(52)].map((byte) => alphabet[byte % 32]).join('');
};

/** A stable identity id per login, so repeated runs show the same ids. */
const identityId = (login: string): string => {
  const hex = createHash('sha1').update(`identity:${login.toLowerCase()}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};

export const normalizeCollectionPath = (path: string): string => {
  const trimmed = path.trim().replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
};

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Everything the Azure DevOps simulator knows: collections, identities, tokens, repositories. */
export class SimulatorState {
  readonly collections: SimCollection[] = [];
  readonly #users = new Map<string, SimUser>();
  readonly #tokens = new Map<string, SimToken>();

  addCollection(path: string, serverVersion: ServerVersion): SimCollection {
    const normalized = normalizeCollectionPath(path);
    if (normalized.startsWith('/_control') || normalized.includes('/_apis')) throw new Error(`${path} cannot be a collection path`);
    if (this.collections.some((existing) => existing.path.toLowerCase() === normalized.toLowerCase())) {
      throw new Error(`collection ${normalized || '/'} already exists`);
    }
    if (!(serverVersion in MAX_API_VERSION)) throw new Error(`unknown server version ${serverVersion}`);
    const collection: SimCollection = {
      path: normalized,
      serverVersion,
      hosted: serverVersion === 'services',
      instanceId: randomUUID(),
      projects: [],
      nextPullRequestId: 1,
    };
    this.collections.push(collection);
    return collection;
  }

  /** The collection whose path is the longest prefix of `path`, segment-wise. */
  collectionFor(path: string): SimCollection | undefined {
    const lower = path.toLowerCase();
    return this.collections
      .filter((c) => c.path === '' || lower === c.path.toLowerCase() || lower.startsWith(`${c.path.toLowerCase()}/`))
      .sort((a, b) => b.path.length - a.path.length)[0];
  }

  collection(path: string): SimCollection {
    const normalized = normalizeCollectionPath(path).toLowerCase();
    const found = this.collections.find((c) => c.path.toLowerCase() === normalized);
    if (!found) throw new Error(`no collection at ${path || '/'}`);
    return found;
  }

  addUser(login: string, displayName?: string, password?: string): SimUser {
    const user: SimUser = { login, displayName: displayName ?? login, id: identityId(login), password };
    this.#users.set(login.toLowerCase(), user);
    return user;
  }

  user(login: string): SimUser | undefined {
    return this.#users.get(login.toLowerCase());
  }

  /** Every identity, in the order they were added (the web sign-in page offers them). */
  allUsers(): readonly SimUser[] {
    return [...this.#users.values()];
  }

  ensureUser(login: string): SimUser {
    return this.user(login) ?? this.addUser(login);
  }

  issueToken(owner: string, scopes: readonly string[], expiresAt?: Date): string {
    this.ensureUser(owner);
    const value = newPersonalAccessToken();
    this.#tokens.set(value, { value, owner, scopes: [...scopes], expiresAt, revoked: false });
    return value;
  }

  token(value: string): SimToken | undefined {
    return this.#tokens.get(value);
  }

  knownToken(value: string): SimToken {
    const token = this.#tokens.get(value);
    if (!token) throw new Error('unknown token');
    return token;
  }

  seedRepository(input: SeedRepositoryInput): SimRepository {
    const collection = this.collection(input.collection);
    const project = this.#projectOrNew(collection, input.project);
    if (project.repositories.some((r) => sameName(r.name, input.name))) throw new Error(`repository ${input.project}/${input.name} already exists`);
    const owner = input.owner ?? 'Project Collection Administrators';
    this.ensureUser(owner);
    const branchNames = Object.keys(input.branches);
    const defaultBranch = input.defaultBranch ?? branchNames[0] ?? 'main';
    const commitOf = (name: string): string => (input.branches[name] ?? '').toLowerCase();
    const refs = new Map(branchNames.map((name) => [`refs/heads/${name}`, { commitId: commitOf(name), createdBy: owner }]));
    const repository: SimRepository = {
      id: randomUUID(),
      name: input.name,
      project,
      refs,
      commits: new Set(branchNames.map(commitOf)),
      defaultBranch: `refs/heads/${defaultBranch}`,
      pullRequests: [],
      createBranchDenied: new Set(),
    };
    project.repositories.push(repository);
    return repository;
  }

  /** `project/repository` in one collection, or in the only collection that has it when none is named. */
  repository(reference: string, collectionPath?: string): SimRepository {
    const [projectName, repositoryName] = reference.split('/', 2);
    const candidates = (collectionPath === undefined ? this.collections : [this.collection(collectionPath)])
      .map((collection) => this.findRepository(collection, projectName ?? '', repositoryName ?? ''))
      .filter((repository): repository is SimRepository => repository !== undefined);
    if (candidates.length === 0) throw new Error(`no repository ${reference}`);
    if (candidates.length > 1) throw new Error(`repository ${reference} exists in several collections: name one`);
    return candidates[0] as SimRepository;
  }

  findProject(collection: SimCollection, nameOrId: string): SimProject | undefined {
    return collection.projects.find((p) => sameName(p.name, nameOrId) || sameName(p.id, nameOrId));
  }

  findRepository(collection: SimCollection, projectNameOrId: string, nameOrId: string): SimRepository | undefined {
    return this.findProject(collection, projectNameOrId)?.repositories.find((r) => sameName(r.name, nameOrId) || sameName(r.id, nameOrId));
  }

  /** Project-less routes address a repository by id (or a name unique in the collection). */
  findRepositoryAnywhere(collection: SimCollection, nameOrId: string): SimRepository | undefined {
    const matches = collection.projects.flatMap((p) => p.repositories).filter((r) => sameName(r.id, nameOrId) || sameName(r.name, nameOrId));
    return matches.length === 1 ? matches[0] : undefined;
  }

  #projectOrNew(collection: SimCollection, name: string): SimProject {
    const existing = this.findProject(collection, name);
    if (existing) return existing;
    const project: SimProject = { id: randomUUID(), name, repositories: [] };
    collection.projects.push(project);
    return project;
  }
}
