import * as z from 'zod';
import { faultSchema, type SimRequest, type SimResponse } from '../kit/loopback-server';
import type { CodeCommitSimulator } from './simulator';

const commitId = z.string().regex(/^[0-9a-f]{40}$/, 'a 40-hex commit id');

const accessKeyBody = z.object({ userName: z.string().min(1), accountId: z.string().regex(/^\d{12}$/).optional() });
const repositoryBody = z.object({
  name: z.string().regex(/^[\w.-]{1,100}$/),
  defaultBranch: z.string().min(1).optional(),
  branches: z.record(z.string().min(1), commitId).optional(),
  description: z.string().optional(),
});
const pullRequestBody = z.object({
  sourceBranch: z.string().min(1),
  targetBranch: z.string().min(1),
  title: z.string().min(1).optional(),
  authorArn: z.string().min(1).optional(),
  status: z.enum(['OPEN', 'CLOSED']).optional(),
});
const accessBody = z.object({ userName: z.string().min(1), repositoryName: z.string().min(1), allowed: z.boolean() });
const throttleBody = z.object({ times: z.number().int().positive().optional(), retryAfterSeconds: z.number().int().nonnegative().optional() });
const faultBody = faultSchema.extend({ passCount: z.number().int().nonnegative().optional() });

const json = (status: number, body?: unknown): SimResponse => ({ status, body });
const noContent = (): SimResponse => ({ status: 204 });

type Parsed<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

const parseBody = <T>(schema: z.ZodType<T>, raw: string): Parsed<T> => {
  let value: unknown;
  try {
    value = JSON.parse(raw === '' ? '{}' : raw);
  } catch {
    return { ok: false, response: json(400, { message: 'The body is not JSON.' }) };
  }
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, response: json(400, { message: 'The body is not valid.', issues: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }) };
};

const repositoryView = (simulator: CodeCommitSimulator, name: string, status = 200): SimResponse => {
  const branches = simulator.listBranches(name);
  if (!branches) return json(404, { message: `${name} does not exist` });
  return json(status, { name, defaultBranch: simulator.defaultBranch(name), branches, pullRequests: simulator.listPullRequests(name) });
};

type Route = (simulator: CodeCommitSimulator, request: SimRequest, params: readonly string[]) => SimResponse;

const withBody =
  <T>(schema: z.ZodType<T>, then: (simulator: CodeCommitSimulator, body: T, params: readonly string[]) => SimResponse): Route =>
  (simulator, request, params) => {
    const parsed = parseBody(schema, request.rawBody);
    return parsed.ok ? then(simulator, parsed.value, params) : parsed.response;
  };

const routes: readonly { method: string; path: RegExp; route: Route }[] = [
  {
    method: 'POST',
    path: /^\/_control\/reset$/,
    route: (s) => {
      s.reset();
      return noContent();
    },
  },
  { method: 'POST', path: /^\/_control\/access-keys$/, route: withBody(accessKeyBody, (s, body) => json(201, s.issueAccessKey(body))) },
  {
    method: 'POST',
    path: /^\/_control\/access-keys\/([^/]+)\/deactivate$/,
    route: (s, _r, [id = '']) => (s.deactivateAccessKey(id) ? noContent() : json(404, { message: `No access key ${id}.` })),
  },
  {
    method: 'PUT',
    path: /^\/_control\/access$/,
    route: withBody(accessBody, (s, body) => {
      s.setAccess(body.userName, body.repositoryName, body.allowed);
      return noContent();
    }),
  },
  {
    method: 'POST',
    path: /^\/_control\/repositories$/,
    route: withBody(repositoryBody, (s, body) => {
      s.createRepository(body);
      return repositoryView(s, body.name, 201);
    }),
  },
  { method: 'GET', path: /^\/_control\/repositories\/([^/]+)$/, route: (s, _r, [name = '']) => repositoryView(s, name) },
  {
    method: 'POST',
    path: /^\/_control\/repositories\/([^/]+)\/pull-requests$/,
    route: withBody(pullRequestBody, (s, body, [name = '']) => {
      const branches = s.listBranches(name);
      if (!branches?.[body.sourceBranch] || !branches[body.targetBranch]) return json(404, { message: 'No such repository or branch.' });
      return json(201, s.seedPullRequest({ ...body, repository: name }));
    }),
  },
  {
    method: 'POST',
    path: /^\/_control\/throttle$/,
    route: withBody(throttleBody, (s, body) => {
      s.throttle(body);
      return noContent();
    }),
  },
  {
    method: 'POST',
    path: /^\/_control\/faults$/,
    route: withBody(faultBody, (s, { passCount, ...fault }) => {
      s.injectFaultAfter(passCount ?? 0, fault);
      return noContent();
    }),
  },
  {
    method: 'DELETE',
    path: /^\/_control\/faults$/,
    route: (s) => {
      s.clearFaults();
      return noContent();
    },
  },
  { method: 'GET', path: /^\/_control\/requests$/, route: (s) => json(200, { operations: s.operations(), requests: s.requests }) },
  {
    method: 'DELETE',
    path: /^\/_control\/requests$/,
    route: (s) => {
      s.clearRequests();
      return noContent();
    },
  },
];

/** The simulator's JSON control API under `/_control` (documented in SIMULATOR.md). */
export const handleControlRequest = (simulator: CodeCommitSimulator, request: SimRequest): SimResponse => {
  const matching = routes.flatMap(({ method, path, route }) => {
    const match = path.exec(request.path);
    return match ? [{ method, route, params: match.slice(1).map(decodeURIComponent) }] : [];
  });
  if (matching.length === 0) return json(404, { message: `No control route ${request.method} ${request.path}.` });
  const chosen = matching.find((m) => m.method === request.method);
  if (!chosen) return json(405, { message: `${request.method} is not allowed here.` });
  return chosen.route(simulator, request, chosen.params);
};
