// Deep imports on purpose: the package root (WebApi) requires every Azure DevOps API client, ~1 MB bundled.
import { GitApi } from 'azure-devops-node-api/GitApi';
import { BasicCredentialHandler } from 'azure-devops-node-api/handlers/basiccreds';
import { PersonalAccessTokenCredentialHandler } from 'azure-devops-node-api/handlers/personalaccesstoken';
import type { ConnectionData } from 'azure-devops-node-api/interfaces/LocationsInterfaces';
import type { IRequestHandler, IRequestOptions } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces';
import { VsoClient } from 'azure-devops-node-api/VsoClient';
import { AppError } from '../../domain/errors';
import type { HostCallOptions, HostCredential, HostTarget } from '../git-provider';
import { requireCredential, retryRead, withoutTrailingSlash } from '../host-call';
import { connectionsOf } from '../outbound-connections';
import { CallRequestHandler } from './call-request-handler';
import { isTransient, toAppError } from './host-error';
import { NEGOTIATED_LOCATIONS, type AreaLocations } from './negotiated-locations';
import { StrictRestClient } from './strict-rest-client';

const USER_AGENT = 'patgate (azure-devops-node-api)';

const authHandler = (given: HostCredential): IRequestHandler => {
  const credential = requireCredential(given, ['token', 'basic'], 'Azure DevOps and TFS take a personal access token, or a user name and password on TFS 2013/2015.');
  // No cross-origin authentication: a redirect must never carry the credential to another host.
  if (credential.kind === 'token') return new PersonalAccessTokenCredentialHandler(credential.token.reveal(), false);
  return new BasicCredentialHandler(credential.username, credential.password.reveal(), false);
};

const requestOptions = (options: HostCallOptions): IRequestOptions => ({
  socketTimeout: options.requestTimeoutMs,
  allowRetries: false,
  // A redirect is an answer (often the sign-in page), not something to follow with credentials.
  allowRedirects: false,
  // The agent comes from CallRequestHandler: the guarded keep-alive pool shared across calls.
  keepAlive: false,
  // Without it a bad PAT may get a 203 sign-in page instead of 401.
  headers: { 'X-TFS-FedAuthRedirect': 'Suppress' },
});

/**
 * One adapter call against one organisation / account / collection: a REST client and a GitApi sharing the
 * caller's credential, a whole-call deadline that aborts the requests in flight, retries for idempotent
 * reads, and the translation of every failure into AppError.
 */
export class HostCall {
  readonly #rest: StrictRestClient;
  readonly #controller = new AbortController();
  readonly #handler: IRequestHandler;
  readonly #options: IRequestOptions;
  #git: GitApi | undefined;
  #deadline = 0;
  #timedOut = false;

  constructor(
    private readonly target: HostTarget,
    private readonly credential: HostCredential,
    private readonly callOptions: HostCallOptions,
    private readonly action: string,
  ) {
    const agent = connectionsOf(callOptions).agentFor(target.apiUrl);
    this.#handler = new CallRequestHandler(authHandler(credential), this.#controller.signal, callOptions.connectTimeoutMs, agent);
    this.#options = requestOptions(callOptions);
    this.#rest = new StrictRestClient(USER_AGENT, undefined, [this.#handler], this.#options);
  }

  /** `GET {collection}/_apis/connectionData`: who the credential is (what `WebApi.connect()` sends). */
  async connectionData(): Promise<ConnectionData | null> {
    return (await this.#rest.get<ConnectionData>(`${this.#baseUrl}/_apis/connectionData`)).result;
  }

  get #baseUrl(): string {
    return withoutTrailingSlash(this.target.apiUrl);
  }

  /** Runs the whole call under the deadline and maps whatever fails to AppError. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    this.#deadline = Date.now() + this.callOptions.requestTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#timedOut = true;
        this.#controller.abort();
        reject(new Error('deadline exceeded'));
      }, this.callOptions.requestTimeoutMs);
    });
    try {
      return await Promise.race([operation(), expired]);
    } catch (error) {
      throw toAppError(error, { target: this.target, credential: this.credential.kind, action: this.action, timedOut: this.#timedOut, now: new Date() });
    } finally {
      clearTimeout(timer);
    }
  }

  /** An idempotent read, retried on 502/503/504 or a reset connection while the budget allows. */
  read<T>(operation: () => Promise<T>): Promise<T> {
    return retryRead({ signal: this.#controller.signal, remainingMs: () => this.#deadline - Date.now() }, operation, isTransient);
  }

  /**
   * The Git client, after negotiating the API version: `OPTIONS {collection}/_apis/git` lists the
   * resource locations with their released and max versions, and the library sends the highest the
   * server speaks. The answer is kept per base URL (negotiated-locations.ts), so a warm container
   * negotiates once. Built on the collection URL directly: `WebApi.getGitApi()` would first look up
   * ResourceAreas, two more round trips with up to five retries of its own, and a resource TFS 2015 and
   * 2017 RTM lack.
   */
  async gitApi(locationId: string): Promise<GitApi> {
    const git = this.#git ?? this.#newGitApi();
    this.#git = git;
    const areaPromises = (git.vsoClient as unknown as { _locationsByAreaPromises: Record<string, Promise<AreaLocations>> })._locationsByAreaPromises;
    const known = NEGOTIATED_LOCATIONS.get(this.#baseUrl, 'git');
    if (known && !areaPromises.git) areaPromises.git = Promise.resolve(known);
    const location = await this.read(() => git.vsoClient.beginGetLocation('git', locationId));
    if (!location) throw new AppError('HOST_UNAVAILABLE', `Azure DevOps does not offer the Git REST API needed to ${this.action}.`, { hostReason: 'unavailable' });
    if (!known && areaPromises.git) NEGOTIATED_LOCATIONS.set(this.#baseUrl, 'git', await areaPromises.git);
    return git;
  }

  #newGitApi(): GitApi {
    const git = new GitApi(this.#baseUrl, [this.#handler], this.#options, USER_AGENT);
    git.rest = new StrictRestClient(USER_AGENT, undefined, [this.#handler], this.#options);
    git.vsoClient = new VsoClient(this.#baseUrl, git.rest);
    return git;
  }
}
