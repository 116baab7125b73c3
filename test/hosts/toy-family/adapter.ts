import { AppError } from '../../../lambdas/domain/errors';
import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider, type GitProviderFactory, type HostCredential } from '../../../lambdas/hosts/git-provider';
import { CallDeadline, requireCredential, withoutTrailingSlash } from '../../../lambdas/hosts/host-call';

/**
 * The toy host's adapter, through the host-call kit: `GET {api}/user` verifies a bearer token,
 * `POST {api}/repos/{repo}/branches` creates a branch. Everything else the toy host cannot do.
 */
export const createToyProvider: GitProviderFactory = (target, options = DEFAULT_HOST_CALL_OPTIONS) => {
  const api = withoutTrailingSlash(target.apiUrl);
  const unsupported = (): Promise<never> => Promise.reject(new AppError('VALIDATION_FAILED', 'The toy host cannot do that.', { hostReason: 'bad-request' }));
  const call = async <T>(credential: HostCredential, method: 'GET' | 'POST', path: string, expected: number, body?: unknown): Promise<T> => {
    const token = requireCredential(credential, 'token', 'The toy host takes a personal access token.').token;
    const deadline = new CallDeadline(options.requestTimeoutMs);
    try {
      const send = () =>
        fetch(`${api}${path}`, {
          method,
          headers: { authorization: `Bearer ${token.reveal()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: deadline.signal,
        });
      const answer = await (method === 'GET' ? send() : deadline.sendWrite(send));
      if (answer.status === 401) throw new AppError('HOST_UNAVAILABLE', 'The toy host refused the token.', { hostReason: 'unauthorized' });
      if (answer.status !== expected) throw new AppError('HOST_UNAVAILABLE', `The toy host answered ${answer.status}.`, { hostReason: 'unavailable' });
      return (await answer.json()) as T;
    } finally {
      deadline.dispose();
    }
  };
  const provider: GitProvider = {
    verifyToken: async (credential) => ({ login: (await call<{ login: string }>(credential, 'GET', '/user', 200)).login }),
    createBranch: async (credential, input) => {
      const created = await call<{ sha: string }>(credential, 'POST', `/repos/${encodeURIComponent(input.repository)}/branches`, 201, { name: input.branchName, from: input.fromRef });
      return { url: `${target.webUrl}/${input.repository}/tree/${input.branchName}`, commitId: created.sha };
    },
    deleteBranch: () => unsupported(),
    createPullRequest: () => unsupported(),
    listRepositories: () => unsupported(),
    listBranches: () => unsupported(),
    newTokenUrl: () => `${target.webUrl}/settings/tokens`,
  };
  return provider;
};
