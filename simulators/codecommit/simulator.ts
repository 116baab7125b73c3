import { LoopbackServer, type Fault, type RecordedRequest, type SimRequest, type SimResponse } from '../kit/loopback-server';
import { AwsServiceError } from './aws-service-error';
import { AWS_JSON_CONTENT_TYPE, awsJsonError, awsJsonResponse, stsXmlError, stsXmlResponse, unknownOperationXml } from './aws-wire-responses';
import { handleControlRequest } from './handle-control-request';
import { SigV4Authorization } from './sigv4-authorization';
import {
  SimulatedCodeCommit,
  type BranchState,
  type JsonObject,
  type PullRequestSeed,
  type PullRequestState,
  type RepositorySeed,
} from './simulated-codecommit';
import { SimulatedIam, type AwsCaller, type IssuedAccessKey } from './simulated-iam';

export interface CodeCommitSimulatorOptions {
  /** Region used in the ARNs and clone URLs the simulator reports (default us-east-1). */
  readonly region?: string;
  /** Account that owns the repositories (default 123456789012). */
  readonly accountId?: string;
}

export interface ThrottleOptions {
  /** How many requests get ThrottlingException (default 1). */
  readonly times?: number;
  /** Adds `Retry-After` — AWS itself sends none, so without it clients fall back to their own wait. */
  readonly retryAfterSeconds?: number;
}

type AuthFailure = 'missing' | 'incomplete' | 'unknown-key' | 'bad-signature' | 'wrong-service';
type AuthOutcome = { readonly kind: 'ok'; readonly caller: AwsCaller } | { readonly kind: AuthFailure };

const TARGET_PREFIX = 'CodeCommit_20150413.';
const STS_VERSION = '2011-06-15';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INCOMPLETE_SIGNATURE =
  "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter.";

/** CodeCommit (a Coral JSON 1.1 service) answers every authentication failure with 400. */
const codeCommitAuthError: Record<AuthFailure, () => AwsServiceError> = {
  missing: () => new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token'),
  incomplete: () => new AwsServiceError('IncompleteSignatureException', INCOMPLETE_SIGNATURE),
  'unknown-key': () => new AwsServiceError('UnrecognizedClientException', INVALID_TOKEN),
  'bad-signature': () => new AwsServiceError('InvalidSignatureException', SIGNATURE_MISMATCH),
  'wrong-service': () => new AwsServiceError('InvalidSignatureException', "Credential should be scoped to correct service: 'codecommit'. "),
};

/** STS (awsQuery) uses its own codes and 403 for credential failures. */
const stsAuthError: Record<AuthFailure, () => AwsServiceError> = {
  missing: () => new AwsServiceError('MissingAuthenticationToken', 'Request is missing Authentication Token', { status: 403 }),
  incomplete: () => new AwsServiceError('IncompleteSignature', INCOMPLETE_SIGNATURE, { status: 400 }),
  'unknown-key': () => new AwsServiceError('InvalidClientTokenId', INVALID_TOKEN, { status: 403 }),
  'bad-signature': () => new AwsServiceError('SignatureDoesNotMatch', SIGNATURE_MISMATCH, { status: 403 }),
  'wrong-service': () => new AwsServiceError('SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sts'. ", { status: 403 }),
};

const contentTypeOf = (request: SimRequest): string => (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

const parseJsonObject = (raw: string): JsonObject | undefined => {
  try {
    const value: unknown = JSON.parse(raw === '' ? '{}' : raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A loopback AWS CodeCommit + STS endpoint for tests and the local runtime. It speaks CodeCommit's
 * AWS JSON 1.1 protocol and STS's awsQuery protocol on one port (`POST /`), verifies SigV4
 * signatures against the key pairs it issued, and records which IAM user made each branch and
 * pull request. Control over HTTP lives under `/_control` (see SIMULATOR.md).
 */
export class CodeCommitSimulator {
  readonly #server: LoopbackServer;
  readonly #iam = new SimulatedIam();
  readonly #codeCommit: SimulatedCodeCommit;
  #throttle: { remaining: number; retryAfterSeconds?: number } | undefined;

  constructor(options: CodeCommitSimulatorOptions = {}) {
    this.#codeCommit = new SimulatedCodeCommit(options.region, options.accountId);
    this.#server = new LoopbackServer((request) => this.#handle(request));
  }

  get url(): string {
    return this.#server.url;
  }

  get region(): string {
    return this.#codeCommit.region;
  }

  get accountId(): string {
    return this.#codeCommit.accountId;
  }

  start(port = 0, host = '127.0.0.1'): Promise<string> {
    return this.#server.start(port, host);
  }

  stop(): Promise<void> {
    return this.#server.stop();
  }

  /** Closes idle kept-alive connections, as an endpoint's idle timeout does (see LoopbackServer). */
  closeIdleConnections(): void {
    this.#server.closeIdleConnections();
  }

  // ── the shared fault and request-log shell ──────────────────────────────────────────────

  get requests(): readonly RecordedRequest[] {
    return this.#server.requests;
  }

  get latencyMs(): number {
    return this.#server.latencyMs;
  }

  set latencyMs(value: number) {
    this.#server.latencyMs = value;
  }

  injectFault(fault: Fault): void {
    this.#server.injectFault(fault);
  }

  /**
   * Every CodeCommit and STS call is `POST /`, so a fault cannot pick an operation by path: this
   * lets the next `passCount` requests through untouched, then applies `fault`.
   */
  injectFaultAfter(passCount: number, fault: Fault): void {
    if (passCount > 0) this.#server.injectFault({ times: passCount });
    this.#server.injectFault(fault);
  }

  clearFaults(): void {
    this.#server.clearFaults();
    this.#throttle = undefined;
  }

  clearRequests(): void {
    this.#server.clearRequests();
  }

  /** The operations received, in order: `GetBranch`, `CreateBranch`, …, `GetCallerIdentity`. */
  operations(): string[] {
    return this.#server.requests.map(
      (r) => r.headers['x-amz-target']?.replace(TARGET_PREFIX, '') ?? new URLSearchParams(r.body).get('Action') ?? `${r.method} ${r.path}`,
    );
  }

  /** The next `times` requests get ThrottlingException (CodeCommit) or Throttling (STS), status 400, as AWS throttles. */
  throttle(options: ThrottleOptions = {}): void {
    this.#throttle = { remaining: options.times ?? 1, retryAfterSeconds: options.retryAfterSeconds };
  }

  // ── IAM ───────────────────────────────────────────────────────────────────────────────

  issueAccessKey(input: { userName: string; accountId?: string }): IssuedAccessKey {
    return this.#iam.issueAccessKey({ userName: input.userName, accountId: input.accountId ?? this.accountId });
  }

  /** False when no such key was issued. */
  deactivateAccessKey(accessKeyId: string): boolean {
    return this.#iam.deactivateAccessKey(accessKeyId);
  }

  /** Deny (or allow again) every CodeCommit action on `repository` to `userName`. */
  setAccess(userName: string, repository: string, allowed: boolean): void {
    this.#codeCommit.setAccess(userName, repository, allowed);
  }

  // ── repositories ──────────────────────────────────────────────────────────────────────

  /** Items per ListRepositories / ListBranches page (AWS does not document its own), to exercise `nextToken`. */
  set listPageSize(size: number) {
    this.#codeCommit.listPageSize = size;
  }

  createRepository(seed: RepositorySeed): void {
    this.#codeCommit.createRepository(seed);
  }

  hasRepository(name: string): boolean {
    return this.#codeCommit.hasRepository(name);
  }

  getBranch(repository: string, branchName: string): BranchState | undefined {
    return this.#codeCommit.getBranch(repository, branchName);
  }

  listBranches(repository: string): Readonly<Record<string, BranchState>> | undefined {
    return this.#codeCommit.listBranches(repository);
  }

  defaultBranch(repository: string): string | undefined {
    return this.#codeCommit.defaultBranch(repository);
  }

  listPullRequests(repository: string): readonly PullRequestState[] {
    return this.#codeCommit.listPullRequests(repository);
  }

  seedPullRequest(seed: PullRequestSeed): PullRequestState {
    return this.#codeCommit.seedPullRequest(seed);
  }

  /** Forgets keys, repositories, pull requests, denials, throttling, faults and the request log. */
  reset(): void {
    this.#iam.reset();
    this.#codeCommit.reset();
    this.clearFaults();
    this.clearRequests();
  }

  // ── the wire ──────────────────────────────────────────────────────────────────────────

  async #handle(request: SimRequest): Promise<SimResponse> {
    if (request.path.startsWith('/_control')) return handleControlRequest(this, request);
    if (request.method !== 'POST') return unknownOperationXml();
    const contentType = contentTypeOf(request);
    if (contentType === AWS_JSON_CONTENT_TYPE) return this.#codeCommitCall(request);
    if (contentType === 'application/x-www-form-urlencoded') return this.#stsCall(request);
    return unknownOperationXml();
  }

  #codeCommitCall(request: SimRequest): SimResponse {
    const target = request.headers['x-amz-target'] ?? '';
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    if (!SimulatedCodeCommit.isOperation(operation)) return awsJsonError(new AwsServiceError('UnknownOperationException', ''));
    const throttled = this.#takeThrottle();
    if (throttled) return awsJsonError(new AwsServiceError('ThrottlingException', 'Rate exceeded'), throttled);
    const auth = this.#authenticate(request, 'codecommit');
    if (auth.kind !== 'ok') return awsJsonError(codeCommitAuthError[auth.kind]());
    const input = parseJsonObject(request.rawBody);
    if (!input) return awsJsonError(new AwsServiceError('SerializationException', ''));
    try {
      return awsJsonResponse(this.#codeCommit.execute(operation, auth.caller, input));
    } catch (error) {
      if (error instanceof AwsServiceError) return awsJsonError(error);
      throw error;
    }
  }

  #stsCall(request: SimRequest): SimResponse {
    const form = new URLSearchParams(request.rawBody);
    const action = form.get('Action') ?? '';
    const version = form.get('Version') ?? '';
    if (action !== 'GetCallerIdentity' || version !== STS_VERSION) {
      return stsXmlError(new AwsServiceError('InvalidAction', `Could not find operation ${action} for version ${version}`));
    }
    const throttled = this.#takeThrottle();
    if (throttled) return stsXmlError(new AwsServiceError('Throttling', 'Rate exceeded'), throttled);
    const auth = this.#authenticate(request, 'sts');
    if (auth.kind !== 'ok') return stsXmlError(stsAuthError[auth.kind]());
    const { caller } = auth;
    return stsXmlResponse('GetCallerIdentity', { Arn: caller.arn, UserId: caller.userId, Account: caller.accountId });
  }

  /** Headers of a throttled answer, or undefined when this request is not throttled. */
  #takeThrottle(): Record<string, string> | undefined {
    const throttle = this.#throttle;
    if (!throttle || throttle.remaining <= 0) return undefined;
    throttle.remaining -= 1;
    return throttle.retryAfterSeconds === undefined ? {} : { 'retry-after': String(throttle.retryAfterSeconds) };
  }

  #authenticate(request: SimRequest, service: 'codecommit' | 'sts'): AuthOutcome {
    const header = request.headers['authorization'];
    if (!header) return { kind: 'missing' };
    const authorization = SigV4Authorization.parse(header);
    if (!authorization) return { kind: 'incomplete' };
    const key = this.#iam.findActiveKey(authorization.accessKeyId);
    if (!key) return { kind: 'unknown-key' };
    if (authorization.service !== service) return { kind: 'wrong-service' };
    if (!authorization.matches(request, key.secretAccessKey)) return { kind: 'bad-signature' };
    const { accessKeyId, userName, accountId, arn, userId } = key;
    return { kind: 'ok', caller: { accessKeyId, userName, accountId, arn, userId } };
  }
}
