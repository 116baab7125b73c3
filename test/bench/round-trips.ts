import { randomBytes } from 'node:crypto';
import { PULL_REQUEST_TARGETS } from '../../lambdas/hosts/codecommit/pull-request-targets';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';
import type { HostWorld } from '../../local/host-worlds';
import { createDocumentClient } from '../../lambdas/store/dynamo-client';
import { localVault } from '../../local/local-encryption-key';
import type { CallResult } from '../support/harness';
import { BenchSite, ISSUE_KEY, type BenchUser } from './bench-site';
import { CountingVault, KeyUnwrapCounter, type DecryptCounts } from './counting-vault';
import { DynamoRequestCounter, type DynamoRequest } from './dynamo-request-counter';
import { GitActionContainer } from './function-container';
import { hostCallLabel } from './host-call-label';
import { roundTripFloor, type GitActionName, type RoundTripFloor } from './round-trip-floor';

/** Every integration kind; TFS twice: 2018 (PATs) and 2015 (none, so the policy refuses). */
export const ROUND_TRIP_KINDS = ['github', 'github-enterprise', 'gitlab', 'gitlab-self-managed', 'azure-devops', 'vsts', 'tfs 2018', 'tfs 2015', 'codecommit'] as const;

export interface RoundTripRow {
  readonly kind: string;
  /** What the repository holds when it matters to the floor (CodeCommit's open pull requests). */
  readonly workload: string;
  /** The first action after a cold git-action container: reported, not held to the (warm) floor. */
  readonly cold: boolean;
  readonly policy: 'on' | 'off';
  readonly action: GitActionName;
  readonly status: number;
  /** `user-pat`, `service-account`, or the refusal code. */
  readonly outcome: string;
  /** The tenant GetItem that verifying the JWT costs when the container's tenant cache is cold. */
  readonly authReads: number;
  /** The action's own reads, by operation. */
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  readonly dynamoAttempts: number;
  readonly decrypts: DecryptCounts;
  /** Data keys the keyrings unwrapped (a KMS Decrypt each in AWS); the decrypt cache spares repeats. */
  readonly kmsCalls: number;
  readonly hostCalls: readonly string[];
  /** Azure DevOps' OPTIONS negotiation before the call (none when the container already negotiated). */
  readonly negotiation: number;
  /** TCP connections the API opened to the host during the action (the guarded pool's own count). */
  readonly newConnections: number;
  readonly jiraCalls: number;
  readonly floor: RoundTripFloor;
  readonly violations: readonly string[];
}

const READ_OPERATIONS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

const isAuthRead = (r: DynamoRequest): boolean => r.operation === 'GetItem' && r.sk === 'TENANT';

const describeWrite = (r: DynamoRequest): string =>
  r.pk?.endsWith('#AUDIT') ? `${r.operation} audit` : r.sk?.startsWith('PRF#') ? `${r.operation} PR facts` : `${r.operation} ${r.pk ?? ''} ${r.sk ?? ''}`.trim();

const sumDecrypts = (d: DecryptCounts): number => d['user-pat'] + d['service-credential'];

const violationsOf = (row: Omit<RoundTripRow, 'violations'>, expectedStatus: number): string[] => {
  const out: string[] = [];
  const where = `${row.kind} policy ${row.policy} ${row.action}${row.workload ? ` (${row.workload})` : ''}`;
  if (row.status !== expectedStatus) out.push(`${where}: answered ${row.status}, expected ${expectedStatus}`);
  if (row.cold) return out;
  const reads = [...Array<string>(row.authReads).fill('GetItem tenant'), ...row.reads];
  if (reads.length === 0 || reads.length > row.floor.reads || reads[0] !== 'BatchGetItem') out.push(`${where}: reads ${reads.join(' + ') || 'none'}, floor ${row.floor.reads} (one BatchGetItem first)`);
  const audits = row.writes.filter((w) => w.endsWith(' audit')).length;
  if (row.writes.length > row.floor.writes || audits !== 1) out.push(`${where}: writes ${row.writes.join(' + ') || 'none'}, floor one audit TransactWriteItems (tenant check + Put)`);
  if (sumDecrypts(row.decrypts) > row.floor.decrypts) out.push(`${where}: ${sumDecrypts(row.decrypts)} decrypts ${JSON.stringify(row.decrypts)}, floor ${row.floor.decrypts}`);
  if (row.hostCalls.length > row.floor.hostCalls) {
    const calls = row.hostCalls.length > 6 ? `${row.hostCalls.slice(0, 3).join(', ')}, … ${row.hostCalls.length - 3} more` : row.hostCalls.join(', ');
    out.push(`${where}: ${row.hostCalls.length} host calls (${calls}), floor ${row.floor.hostCalls}`);
  }
  if (row.kmsCalls > row.floor.kmsCalls) out.push(`${where}: ${row.kmsCalls} KMS calls (key unwraps) on a warm action, floor ${row.floor.kmsCalls}`);
  if (row.newConnections > row.floor.newConnections) out.push(`${where}: ${row.newConnections} new TCP connections on a warm action, floor ${row.floor.newConnections}`);
  if (row.negotiation > row.floor.negotiations) out.push(`${where}: ${row.negotiation} API-version negotiations on a warm action, floor ${row.floor.negotiations}`);
  return out;
};

/**
 * Counts what each git action sends to DynamoDB, the vault, KMS, the host and Jira, one action at a
 * time. The actions go to a git-action container of their own (function-container.ts); the admin,
 * tokens and lifecycle functions that set the scene run in the harness's app, sharing no cache with it.
 */
class RoundTripProbe {
  #container: GitActionContainer | undefined;
  #vault: CountingVault | undefined;

  constructor(
    readonly site: BenchSite,
    private readonly dynamo: DynamoRequestCounter,
    private readonly unwraps: KeyUnwrapCounter,
    private readonly key: Buffer,
  ) {}

  /** Replaces the git-action container with a cold one: new dependencies, no connections or negotiated state. */
  async coldContainer(): Promise<void> {
    await this.#container?.stop();
    this.#vault = new CountingVault(this.unwraps.vault(this.key));
    this.#container = await GitActionContainer.start(this.site.harness.config, this.#vault, (db) => this.dynamo.attach(db));
  }

  async stop(): Promise<void> {
    await this.#container?.stop();
  }

  /** A request to the git-action container, signed for `user`. */
  call(user: BenchUser, method: string, path: string, body: Record<string, string>): Promise<CallResult> {
    if (!this.#container) throw new Error('no git-action container: call coldContainer() first');
    return this.site.harness.call(method, path, { as: user.as, body, via: this.#container.url });
  }

  #simulators() {
    const { github, gitlab, azure, codecommit } = this.site.hosts;
    return [github, gitlab, azure, codecommit];
  }

  #reset(): void {
    for (const sim of this.#simulators()) sim.clearRequests();
    this.site.harness.jira.server.clearRequests();
    this.dynamo.take();
    this.#vault?.take();
    this.unwraps.take();
  }

  async measure(world: HostWorld, policy: 'on' | 'off', action: GitActionName, expectedStatus: number, floor: RoundTripFloor, send: () => Promise<CallResult>, workload = '', cold = false): Promise<RoundTripRow> {
    this.#reset();
    const connectionsBefore = LOCAL_HOSTS_ALLOWED.connectionsOpened;
    const result = await send();
    const newConnections = LOCAL_HOSTS_ALLOWED.connectionsOpened - connectionsBefore;
    const traffic = this.dynamo.take();
    const host = this.#simulators().flatMap((sim) => sim.requests.map(hostCallLabel));
    const actedAs = result.body.actedAs as { credential?: string } | undefined;
    const measured = {
      kind: world.kind,
      workload,
      cold,
      policy,
      action,
      status: result.status,
      outcome: actedAs?.credential ?? String(result.body.code ?? ''),
      authReads: traffic.requests.filter(isAuthRead).length,
      reads: traffic.requests.filter((r) => READ_OPERATIONS.has(r.operation) && !isAuthRead(r)).map((r) => r.operation),
      writes: traffic.requests.filter((r) => !READ_OPERATIONS.has(r.operation)).map(describeWrite),
      dynamoAttempts: traffic.attempts,
      decrypts: this.#vault?.take() ?? { 'user-pat': 0, 'service-credential': 0, 'shared-secret': 0 },
      kmsCalls: this.unwraps.take(),
      hostCalls: host.filter((c) => !c.negotiation).map((c) => c.label),
      negotiation: host.filter((c) => c.negotiation).length,
      newConnections,
      jiraCalls: this.site.harness.jira.server.requests.length,
      floor,
    };
    return { ...measured, violations: violationsOf(measured, expectedStatus) };
  }
}

/** Create branch, create pull request from it, delete another branch: one integration, one user. */
const measureKind = async (probe: RoundTripProbe, kind: string, policy: 'on' | 'off'): Promise<RoundTripRow[]> => {
  const { site } = probe;
  const world = site.world(kind);
  const refused = policy === 'on' && world.tfsVersion === '2015';
  const integrationId = await site.createIntegration(world, policy === 'on');
  const user = await site.newUser(world, integrationId, policy === 'on' && !refused);
  const call = (method: string, path: string, body: Record<string, string>) => () => probe.call(user, method, path, body);
  const branch = `bench/rt-${user.login}`;
  const status = (success: number) => (refused ? 422 : success);
  const floor = (action: GitActionName) => roundTripFloor(world.provider, action, refused);
  // The first action after a cold container is measured and reported apart: it reads the tenant,
  // decrypts the shared secret, asks Jira, connects to the host (and negotiates with Azure DevOps).
  // The actions after it are warm, as in a busy container, warmed only by this function's own work.
  await probe.coldContainer();
  const warmUp = await probe.measure(
    world, policy, 'create-branch', status(201), floor('create-branch'),
    call('POST', '/api/git/branches', site.branchBody(world, integrationId, `${branch}-warm-up`)), 'first action after a cold container', true,
  );

  const created = await probe.measure(world, policy, 'create-branch', status(201), floor('create-branch'), call('POST', '/api/git/branches', site.branchBody(world, integrationId, branch)));
  world.commitTo(branch);
  const prBody = { integrationId, repositoryId: world.repositoryId, issueKey: ISSUE_KEY, sourceBranch: branch, targetBranch: world.defaultBranch, title: `${ISSUE_KEY} bench` };
  const pr = await probe.measure(world, policy, 'create-pull-request', status(201), floor('create-pull-request'), call('POST', '/api/git/pull-requests', prBody));
  await prepareBranch(probe, user, world, integrationId, `${branch}-gone`, refused);
  const { fromRef: _from, ...deleteBody } = site.branchBody(world, integrationId, `${branch}-gone`);
  const deleted = await probe.measure(world, policy, 'delete-branch', status(200), floor('delete-branch'), call('DELETE', '/api/git/branches', deleteBody));
  return [warmUp, created, pr, deleted];
};

const prepareBranch = async (probe: RoundTripProbe, user: BenchUser, world: HostWorld, integrationId: string, branch: string, refused: boolean): Promise<void> => {
  if (refused) return;
  const res = await probe.call(user, 'POST', '/api/git/branches', probe.site.branchBody(world, integrationId, branch));
  if (res.status !== 201) throw new Error(`could not create ${branch} on ${world.kind}: ${res.status} ${res.text}`);
};

/** CodeCommit's open pull requests at which the create-pull-request floor is checked (issue 16). */
export const CODECOMMIT_OPEN_PULL_REQUESTS = [0, 100, 998] as const;

/**
 * CodeCommit create pull request in a repository with `open` open pull requests (for other branches),
 * service account: the first pull request there ever (cold: it reads every open one, reported apart),
 * then a second one with the container's pull request cache emptied (a new container: what it knows
 * comes from the shared record), held to the floor, which must not grow with them.
 */
const measureCodeCommitAt = async (probe: RoundTripProbe, integrationId: string, user: BenchUser, open: number): Promise<RoundTripRow[]> => {
  const { site } = probe;
  const world = site.world('codecommit');
  const sim = site.hosts.codecommit;
  const repository = `bench-open-${open}`;
  const topics = Array.from({ length: open }, (_, i) => `topic-${i}`);
  sim.createRepository({ name: repository, defaultBranch: 'main', branches: Object.fromEntries(['main', 'first', 'feature', ...topics].map((b) => [b, '1'.repeat(40)])) });
  for (const topic of topics) sim.seedPullRequest({ repository, sourceBranch: topic, targetBranch: 'main' });
  const scoped: HostWorld = { ...world, repositoryId: repository };
  await prepareBranch(probe, user, scoped, integrationId, 'warm-up', false);
  const floor = roundTripFloor('codecommit', 'create-pull-request', false);
  const pullRequest = (sourceBranch: string) => () =>
    probe.call(user, 'POST', '/api/git/pull-requests', { integrationId, repositoryId: repository, issueKey: ISSUE_KEY, sourceBranch, targetBranch: 'main', title: `${ISSUE_KEY} bench` });
  const first = await probe.measure(scoped, 'off', 'create-pull-request', 201, floor, pullRequest('first'), `${open} open PRs, first ever`, true);
  // The next one in a new container's pull request cache: what it knows comes from the shared record.
  PULL_REQUEST_TARGETS.clear();
  const warm = await probe.measure(scoped, 'off', 'create-pull-request', 201, floor, pullRequest('feature'), `${open + 1} open PRs, new container, recorded`);
  return [first, warm];
};

/** Benchmark 1: round trips per git action for every kind, policy on and off; CodeCommit at 0, 100 and 999 open pull requests. */
export const measureRoundTrips = async (dynamoEndpoint: string): Promise<RoundTripRow[]> => {
  const dynamo = new DynamoRequestCounter();
  // The harness's app (admin, tokens, lifecycle: the scene) gets its own client and vault, uncounted.
  const db = createDocumentClient({ region: 'us-east-1', endpoint: dynamoEndpoint });
  const key = randomBytes(32);
  const site = await BenchSite.start({ db, vault: localVault(key) });
  const probe = new RoundTripProbe(site, dynamo, new KeyUnwrapCounter(), key);
  try {
    const rows: RoundTripRow[] = [];
    for (const kind of ROUND_TRIP_KINDS) {
      for (const policy of ['on', 'off'] as const) rows.push(...(await measureKind(probe, kind, policy)));
    }
    const codecommit = site.world('codecommit');
    const integrationId = await site.createIntegration(codecommit, false);
    const user = await site.newUser(codecommit, integrationId, false);
    await probe.coldContainer();
    for (const open of CODECOMMIT_OPEN_PULL_REQUESTS) rows.push(...(await measureCodeCommitAt(probe, integrationId, user, open)));
    return rows;
  } finally {
    await probe.stop();
    await site.stop();
    db.destroy();
  }
};
