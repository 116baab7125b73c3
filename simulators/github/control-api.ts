import * as z from 'zod';
import { faultSchema, type Fault, type RecordedRequest, type SimRequest, type SimResponse } from '../kit/loopback-server';
import type { RepositorySeed, TokenSpec, UserSeed } from './simulator-state';

export const CONTROL_PREFIX = '/_control';

export interface BranchView {
  readonly name: string;
  readonly commitId: string;
  /** Login of the token that created the branch; null for seeded branches. */
  readonly createdBy: string | null;
}

export interface PullRequestView {
  readonly number: number;
  readonly title: string;
  readonly body: string | null;
  readonly head: string;
  readonly base: string;
  readonly state: 'open' | 'closed';
  readonly createdBy: string;
  readonly url: string;
}

/** What the control routes drive: the simulator's programmatic API. */
export interface SimulatorControls {
  reset(): void;
  addUser(seed: UserSeed): void;
  seedRepository(seed: RepositorySeed): void;
  setCollaborator(repository: string, login: string, permission: 'read' | 'write' | 'admin' | undefined): void;
  issueToken(spec: TokenSpec): string;
  revokeToken(token: string): boolean;
  expireToken(token: string): boolean;
  pushCommit(repository: string, branch: string): string | undefined;
  setRateLimitRemaining(login: string, remaining: number): void;
  listBranches(repository: string): readonly BranchView[] | undefined;
  listPullRequests(repository: string): readonly PullRequestView[] | undefined;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  clearRequests(): void;
  readonly requests: readonly RecordedRequest[];
}

const role = z.enum(['read', 'write', 'admin']);
const level = z.enum(['read', 'write']);
const userSeed = z.object({ login: z.string().min(1), name: z.string().nullable().optional(), email: z.string().nullable().optional() });
const repositorySeed = z.object({
  fullName: z.string().regex(/^[^/]+\/[^/]+$/).optional(),
  owner: z.string().min(1).optional(),
  name: z.string().min(1).optional(),
  private: z.boolean().optional(),
  defaultBranch: z.string().min(1).optional(),
  branches: z.record(z.string(), z.string().regex(/^[0-9a-f]{40}$/)).optional(),
  collaborators: z.record(z.string(), role).optional(),
});
const tokenSpec = z.object({
  login: z.string().min(1),
  kind: z.enum(['classic', 'fine-grained']).optional(),
  scopes: z.array(z.string()).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  permissions: z.object({ contents: level.optional(), pull_requests: level.optional() }).optional(),
});
const tokenRef = z.object({ token: z.string().min(1) });
const collaborator = z.object({ permission: role });
const commit = z.object({ branch: z.string().min(1) });
const remaining = z.object({ remaining: z.number().int().min(0) });

const json = (status: number, body?: unknown): SimResponse => ({ status, body });
const problem = (status: number, message: string): SimResponse => json(status, { message });

const parseBody = <T>(schema: z.ZodType<T>, rawBody: string): { ok: true; value: T } | { ok: false; response: SimResponse } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody === '' ? '{}' : rawBody);
  } catch {
    return { ok: false, response: problem(400, 'The body is not JSON.') };
  }
  const result = schema.safeParse(parsed);
  return result.success ? { ok: true, value: result.data } : { ok: false, response: problem(400, z.prettifyError(result.error)) };
};

type ControlRoute = (controls: SimulatorControls, request: SimRequest, match: readonly string[]) => SimResponse;

const withBody = <T>(schema: z.ZodType<T>, then: (value: T, controls: SimulatorControls, match: readonly string[]) => SimResponse): ControlRoute =>
  (controls, request, match) => {
    const body = parseBody(schema, request.rawBody);
    return body.ok ? then(body.value, controls, match) : body.response;
  };

const repoName = (match: readonly string[]): string => `${match[1]}/${match[2]}`;

const orNotFound = (value: unknown, what: string): SimResponse => (value === undefined ? problem(404, `${what} not found`) : json(200, value));

const REPO = '/repositories/([^/]+)/([^/]+)';
const ROUTES: readonly { method: string; pattern: RegExp; run: ControlRoute }[] = [
  { method: 'POST', pattern: /^\/reset$/, run: (controls) => {
      controls.reset();
      return json(204);
    } },
  { method: 'POST', pattern: /^\/users$/, run: withBody(userSeed, (seed, controls) => {
      controls.addUser(seed);
      return json(201, { login: seed.login });
    }) },
  {
    method: 'POST',
    pattern: /^\/repositories$/,
    run: withBody(repositorySeed, (seed, controls) => {
      if (!seed.fullName && !(seed.owner && seed.name)) return problem(400, 'Give fullName, or owner and name.');
      controls.seedRepository(seed);
      const fullName = seed.fullName ?? `${seed.owner}/${seed.name}`;
      return json(201, { fullName, branches: controls.listBranches(fullName) });
    }),
  },
  { method: 'GET', pattern: new RegExp(`^${REPO}/branches$`), run: (controls, _request, match) => orNotFound(controls.listBranches(repoName(match)), 'repository') },
  {
    method: 'GET',
    pattern: new RegExp(`^${REPO}/branches/(.+)$`),
    run: (controls, _request, match) => {
      const branches = controls.listBranches(repoName(match));
      return orNotFound(branches?.find((branch) => branch.name === match[3]), 'branch');
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${REPO}/commits$`),
    run: withBody(commit, ({ branch }, controls, match) => {
      const commitId = controls.pushCommit(repoName(match), branch);
      return commitId ? json(201, { branch, commitId }) : problem(404, 'branch not found');
    }),
  },
  { method: 'GET', pattern: new RegExp(`^${REPO}/pulls$`), run: (controls, _request, match) => orNotFound(controls.listPullRequests(repoName(match)), 'repository') },
  {
    method: 'PUT',
    pattern: new RegExp(`^${REPO}/collaborators/([^/]+)$`),
    run: withBody(collaborator, ({ permission }, controls, match) => {
      controls.setCollaborator(repoName(match), match[3] ?? '', permission);
      return json(204);
    }),
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^${REPO}/collaborators/([^/]+)$`),
    run: (controls, _request, match) => {
      controls.setCollaborator(repoName(match), match[3] ?? '', undefined);
      return json(204);
    },
  },
  { method: 'POST', pattern: /^\/tokens$/, run: withBody(tokenSpec, (spec, controls) => json(201, { token: controls.issueToken(spec) })) },
  // The token travels in the body, never in a path: paths end up in request logs.
  { method: 'POST', pattern: /^\/tokens\/revoke$/, run: withBody(tokenRef, ({ token }, controls) => (controls.revokeToken(token) ? json(204) : problem(404, 'token not found'))) },
  { method: 'POST', pattern: /^\/tokens\/expire$/, run: withBody(tokenRef, ({ token }, controls) => (controls.expireToken(token) ? json(204) : problem(404, 'token not found'))) },
  {
    method: 'PUT',
    pattern: /^\/rate-limits\/([^/]+)$/,
    run: withBody(remaining, (body, controls, match) => {
      controls.setRateLimitRemaining(match[1] ?? '', body.remaining);
      return json(204);
    }),
  },
  { method: 'POST', pattern: /^\/faults$/, run: withBody(faultSchema, (value, controls) => {
      controls.injectFault(value);
      return json(204);
    }) },
  { method: 'DELETE', pattern: /^\/faults$/, run: (controls) => {
      controls.clearFaults();
      return json(204);
    } },
  { method: 'GET', pattern: /^\/requests$/, run: (controls) => json(200, controls.requests) },
  { method: 'DELETE', pattern: /^\/requests$/, run: (controls) => {
      controls.clearRequests();
      return json(204);
    } },
];

/** The simulator's test and demo control over HTTP (JSON), under /_control. */
export const handleControlRequest = (controls: SimulatorControls, request: SimRequest): SimResponse => {
  const path = request.path.slice(CONTROL_PREFIX.length);
  for (const route of ROUTES) {
    const match = route.method === request.method ? route.pattern.exec(path) : null;
    if (!match) continue;
    try {
      return route.run(controls, request, match.map((group) => decodeURIComponent(group)));
    } catch (error) {
      return problem(400, (error as Error).message);
    }
  }
  return problem(404, `no control route ${request.method} ${request.path}`);
};
