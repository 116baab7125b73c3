import { LoopbackServer, type Fault, type RecordedRequest, type SimRequest, type SimResponse } from '../kit/loopback-server';
import { MAX_API_VERSION, type ServerVersion } from '../../lambdas/hosts/azure-devops/api-version';
import { controlRoute, type SimulatorControl } from './control-api';
import { gitRoute, type GitRouteContext } from './git-routes';
import { GIT_AREA_ID, resourceLocations, supportsResourceAreas } from '../../lambdas/hosts/azure-devops/resource-locations';
import { authenticate } from './sim-auth';
import { SimulatorState, type SeedRepositoryInput } from './simulator-state';
import { tfError, tfErrorBody } from './tf-error';
import { connectionData, wrapped } from './wire-shapes';
import { AzureDevOpsWebPages } from './web-pages';

export type { ServerVersion } from '../../lambdas/hosts/azure-devops/api-version';
export { rateLimitFault, signInPageFault, type FaultMatch, type RateLimitOptions } from './simulated-faults';

export interface AzureDevOpsSimulatorOptions {
  /** The simulator's clock, for token expiry (tests inject one). */
  readonly now?: () => Date;
}

export interface CollectionInfo {
  readonly url: string;
  readonly path: string;
  readonly serverVersion: ServerVersion;
  /** The newest REST API version the collection serves. */
  readonly apiVersion: string;
}

export interface BranchState {
  readonly commitId: string;
  /** Login of the user whose credential created the branch. */
  readonly createdBy: string;
}

export interface PullRequestState {
  readonly id: number;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  readonly title: string;
  readonly description?: string;
  readonly status: string;
  readonly createdBy: string;
  readonly creationDate: string;
}

const DEFAULT_SCOPES = ['vso.code_write'];

const notFound = (path: string): SimResponse =>
  tfError(404, tfErrorBody(`The controller for path '${path}' was not found or does not implement IController.`, 'HttpException', 'System.Web'));

const decodeSegments = (path: string): string[] | undefined => {
  try {
    return path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
};

/**
 * A loopback Azure DevOps Services / VSTS / TFS host: several collections by path prefix, each with its
 * own server version (API version, PAT support, hosted or on-premises behaviour), PATs and Basic service
 * accounts, repositories with refs and pull requests. Answers with the hosts' own statuses and TF error
 * bodies, and records the acting user as the author of what it creates. Control API under `/_control`.
 */
export class AzureDevOpsSimulator implements SimulatorControl {
  readonly server: LoopbackServer;
  readonly #state = new SimulatorState();
  readonly #now: () => Date;
  readonly #web: AzureDevOpsWebPages;

  constructor(options: AzureDevOpsSimulatorOptions = {}) {
    this.#now = options.now ?? (() => new Date());
    this.#web = new AzureDevOpsWebPages(this.#state, this.#now);
    this.server = new LoopbackServer((request) => this.#route(request));
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): readonly RecordedRequest[] {
    return this.server.requests;
  }

  set latencyMs(value: number) {
    this.server.latencyMs = value;
  }

  start(port = 0): Promise<string> {
    return this.server.start(port);
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  addCollection(input: { path: string; serverVersion: ServerVersion }): CollectionInfo {
    const collection = this.#state.addCollection(input.path, input.serverVersion);
    return this.#collectionInfo(collection.path, collection.serverVersion);
  }

  /** The URL of a collection (its organisation, account or collection URL). */
  collectionUrl(path: string): string {
    return `${this.url}${this.#state.collection(path).path}`;
  }

  addUser(input: { login: string; displayName?: string; password?: string }): { login: string; id: string } {
    const user = this.#state.addUser(input.login, input.displayName, input.password);
    return { login: user.login, id: user.id };
  }

  /** A new PAT owned by `owner` (created if unknown), with Code (Read & write) unless scopes say otherwise. */
  issueToken(input: { owner: string; scopes?: readonly string[]; expiresAt?: Date }): string {
    return this.#state.issueToken(input.owner, input.scopes ?? DEFAULT_SCOPES, input.expiresAt);
  }

  revokeToken(token: string): void {
    this.#state.knownToken(token).revoked = true;
  }

  expireToken(token: string): void {
    this.#state.knownToken(token).expiresAt = new Date(this.#now().getTime() - 1000);
  }

  seedRepository(input: SeedRepositoryInput): { id: string; projectId: string } {
    const repository = this.#state.seedRepository(input);
    return { id: repository.id, projectId: repository.project.id };
  }

  /** Ref updates creating a branch by `login` then fail with `createBranchPermissionRequired` (inside a 200). */
  denyCreateBranch(input: { repository: string; login: string; collection?: string }): void {
    this.#state.repository(input.repository, input.collection).createBranchDenied.add(input.login.toLowerCase());
  }

  getBranch(repository: string, name: string, collection?: string): BranchState | undefined {
    const branch = this.#state.repository(repository, collection).refs.get(`refs/heads/${name}`);
    return branch ? { commitId: branch.commitId, createdBy: branch.createdBy } : undefined;
  }

  listBranches(repository: string, collection?: string): string[] {
    return [...this.#state.repository(repository, collection).refs.keys()].map((name) => name.replace(/^refs\/heads\//, '')).sort();
  }

  listPullRequests(repository: string, collection?: string): PullRequestState[] {
    return this.#state.repository(repository, collection).pullRequests.map((pr) => ({
      id: pr.id,
      sourceBranch: pr.sourceRefName.replace(/^refs\/heads\//, ''),
      targetBranch: pr.targetRefName.replace(/^refs\/heads\//, ''),
      title: pr.title,
      description: pr.description,
      status: pr.status,
      createdBy: pr.createdBy,
      creationDate: pr.creationDate.toISOString(),
    }));
  }

  injectFault(fault: Fault): void {
    this.server.injectFault(fault);
  }

  clearFaults(): void {
    this.server.clearFaults();
  }

  clearRequests(): void {
    this.server.clearRequests();
  }

  #collectionInfo(path: string, serverVersion: ServerVersion): CollectionInfo {
    let root = '';
    try {
      root = this.url;
    } catch {
      // not started yet: the URL is known once start() has run
    }
    return { url: `${root}${path}`, path, serverVersion, apiVersion: MAX_API_VERSION[serverVersion] };
  }

  #route(request: SimRequest): SimResponse {
    if (request.path === '/_control' || request.path.startsWith('/_control/')) return controlRoute(this, request);
    const collection = this.#state.collectionFor(request.path);
    const segments = decodeSegments(request.path.slice(collection?.path.length ?? 0));
    if (!collection || !segments) return notFound(request.path);
    // The web pages a person opens (docs/architecture.md §9); `_apis` paths are the REST API.
    const webPage = this.#web.handle(request, collection, segments);
    if (webPage) return webPage;
    const now = this.#now();
    const auth = authenticate(request, collection, this.#state, now);
    if (auth.kind === 'refused') return auth.response;
    const base = `http://${request.headers.host ?? '127.0.0.1'}${collection.path}`;
    const context: GitRouteContext = { request, collection, base, user: auth.user, token: auth.token, state: this.#state, now };
    return this.#collectionRoute(context, segments) ?? notFound(request.path);
  }

  #collectionRoute(context: GitRouteContext, segments: readonly string[]): SimResponse | undefined {
    const { request, collection } = context;
    const [apis, resource, ...rest] = segments;
    const isApi = apis?.toLowerCase() === '_apis' && rest.length === 0 && resource !== undefined;
    if (isApi && request.method === 'OPTIONS') return { status: 200, body: wrapped(resourceLocations(collection.serverVersion, resource)) };
    if (isApi && request.method === 'GET' && resource.toLowerCase() === 'connectiondata') {
      return { status: 200, body: connectionData(collection, context.user) };
    }
    if (isApi && request.method === 'GET' && resource.toLowerCase() === 'resourceareas') return this.#resourceAreas(context);
    return gitRoute(context, segments);
  }

  /** Services list where each area lives; on-premises servers (3.2+) answer with an empty list. */
  #resourceAreas(context: GitRouteContext): SimResponse | undefined {
    if (!supportsResourceAreas(context.collection.serverVersion)) return undefined;
    if (!context.collection.hosted) return { status: 200, body: wrapped([]) };
    return { status: 200, body: wrapped([{ id: GIT_AREA_ID, name: 'git', locationUrl: `${context.base}/` }]) };
  }
}
