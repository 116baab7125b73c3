import type { Fault, SimRequest, SimResponse } from '../kit/loopback-server';
import type { ServerVersion } from '../../lambdas/hosts/azure-devops/api-version';
import { rateLimitFault, signInPageFault } from './simulated-faults';
import type { SeedRepositoryInput } from './simulator-state';

/** What the `/_control` routes drive; the simulator implements it. */
export interface SimulatorControl {
  addCollection(input: { path: string; serverVersion: ServerVersion }): { url: string; path: string; serverVersion: ServerVersion; apiVersion: string };
  addUser(input: { login: string; displayName?: string; password?: string }): { login: string; id: string };
  issueToken(input: { owner: string; scopes?: readonly string[]; expiresAt?: Date }): string;
  revokeToken(token: string): void;
  expireToken(token: string): void;
  seedRepository(input: SeedRepositoryInput): { id: string; projectId: string };
  denyCreateBranch(input: { repository: string; login: string; collection?: string }): void;
  getBranch(repository: string, name: string, collection?: string): unknown;
  listPullRequests(repository: string, collection?: string): unknown;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  readonly requests: readonly unknown[];
  clearRequests(): void;
}

type Body = Record<string, unknown>;

const json = (status: number, body?: unknown): SimResponse => ({ status, body });

const parseBody = (request: SimRequest): Body => {
  if (request.rawBody.trim() === '') return {};
  const parsed: unknown = JSON.parse(request.rawBody);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('the body must be a JSON object');
  return parsed as Body;
};

const text = (body: Body, name: string): string => {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required`);
  return value;
};

const optionalText = (body: Body, name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);

const presetFault = (body: Body): Fault => {
  const match = { method: optionalText(body, 'method'), pathIncludes: optionalText(body, 'pathIncludes'), times: body.times as number | undefined };
  if (body.preset === 'rate-limit') return rateLimitFault(match, { retryAfterSeconds: (body.retryAfterSeconds as number | undefined) ?? 60 });
  if (body.preset === 'sign-in-page') return signInPageFault(match);
  return body as Fault;
};

type ControlHandler = (control: SimulatorControl, body: Body, query: URLSearchParams) => SimResponse;

const ROUTES: Readonly<Record<string, ControlHandler>> = {
  'POST /_control/collections': (c, b) => json(201, c.addCollection({ path: optionalText(b, 'path') ?? '', serverVersion: text(b, 'serverVersion') as ServerVersion })),
  'POST /_control/users': (c, b) =>
    json(201, c.addUser({ login: text(b, 'login'), displayName: optionalText(b, 'displayName'), password: optionalText(b, 'password') })),
  'POST /_control/tokens': (c, b) => {
    const expiresAt = optionalText(b, 'expiresAt');
    const scopes = Array.isArray(b.scopes) ? (b.scopes as string[]) : undefined;
    return json(201, { token: c.issueToken({ owner: text(b, 'owner'), scopes, expiresAt: expiresAt ? new Date(expiresAt) : undefined }) });
  },
  'POST /_control/tokens/revoke': (c, b) => {
    c.revokeToken(text(b, 'token'));
    return json(204);
  },
  'POST /_control/tokens/expire': (c, b) => {
    c.expireToken(text(b, 'token'));
    return json(204);
  },
  'POST /_control/repositories': (c, b) =>
    json(
      201,
      c.seedRepository({
        collection: optionalText(b, 'collection') ?? '',
        project: text(b, 'project'),
        name: text(b, 'name'),
        branches: (b.branches ?? {}) as Record<string, string>,
        defaultBranch: optionalText(b, 'defaultBranch'),
        owner: optionalText(b, 'owner'),
      }),
    ),
  'POST /_control/permissions/deny-create-branch': (c, b) => {
    c.denyCreateBranch({ repository: text(b, 'repository'), login: text(b, 'login'), collection: optionalText(b, 'collection') });
    return json(204);
  },
  'GET /_control/branches': (c, _b, q) => {
    const branch = c.getBranch(q.get('repository') ?? '', q.get('name') ?? '', q.get('collection') ?? undefined);
    return branch ? json(200, branch) : json(404, { message: 'no such branch' });
  },
  'GET /_control/pullrequests': (c, _b, q) => json(200, c.listPullRequests(q.get('repository') ?? '', q.get('collection') ?? undefined)),
  'POST /_control/faults': (c, b) => {
    c.injectFault(presetFault(b));
    return json(204);
  },
  'DELETE /_control/faults': (c) => {
    c.clearFaults();
    return json(204);
  },
  'GET /_control/requests': (c) => json(200, c.requests),
  'DELETE /_control/requests': (c) => {
    c.clearRequests();
    return json(204);
  },
};

/** JSON control over HTTP for `npm start` and curl (see SIMULATOR.md). */
export const controlRoute = (control: SimulatorControl, request: SimRequest): SimResponse => {
  const handler = ROUTES[`${request.method} ${request.path.replace(/\/+$/, '')}`];
  if (!handler) return json(404, { message: `no control route ${request.method} ${request.path}` });
  try {
    return handler(control, parseBody(request), request.query);
  } catch (error) {
    return json(400, { message: (error as Error).message });
  }
};
