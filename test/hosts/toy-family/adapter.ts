import { AppError } from '../../../lambdas/domain/errors';
import { DEFAULT_HOST_CALL_OPTIONS, type GitProvider, type GitProviderFactory } from '../../../lambdas/hosts/git-provider';
import { CallDeadline, requireCredential, withoutTrailingSlash } from '../../../lambdas/hosts/host-call';

/** The toy host's adapter: `POST {api}/repos/{repo}/branches` with a bearer token, through the host-call kit. */
export const createToyProvider: GitProviderFactory = (target, options = DEFAULT_HOST_CALL_OPTIONS) => {
  const api = withoutTrailingSlash(target.apiUrl);
  const unsupported = (): Promise<never> => Promise.reject(new AppError('VALIDATION_FAILED', 'The toy host cannot do that.', { hostReason: 'bad-request' }));
  const provider: GitProvider = {
    verifyToken: () => unsupported(),
    createBranch: async (credential, input) => {
      const token = requireCredential(credential, 'token', 'The toy host takes a personal access token.').token;
      const deadline = new CallDeadline(options.requestTimeoutMs);
      try {
        const answer = await deadline.sendWrite(() =>
          fetch(`${api}/repos/${encodeURIComponent(input.repository)}/branches`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token.reveal()}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: input.branchName, from: input.fromRef }),
            signal: deadline.signal,
          }),
        );
        if (answer.status !== 201) throw new AppError('HOST_UNAVAILABLE', `The toy host answered ${answer.status}.`, { hostReason: 'unavailable' });
        const body = (await answer.json()) as { sha: string };
        return { url: `${target.webUrl}/${input.repository}/tree/${input.branchName}`, commitId: body.sha };
      } finally {
        deadline.dispose();
      }
    },
    deleteBranch: () => unsupported(),
    createPullRequest: () => unsupported(),
    listRepositories: () => unsupported(),
    listBranches: () => unsupported(),
    newTokenUrl: () => `${target.webUrl}/settings/tokens`,
  };
  return provider;
};
