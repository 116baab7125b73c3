import { AppError } from '../../lambdas/domain/errors';
import { Secret } from '../../lambdas/domain/secret';
import type { GitProvider, GitProviderFactory } from '../../lambdas/hosts/git-provider';
import { HOST_FAMILY_REGISTRY, type RegisteredHostFamily } from '../../lambdas/hosts/host-families';
import { lazyProvider } from '../../lambdas/hosts/lazy-provider';
import { providerLookup, type HostEndpoints } from '../../lambdas/hosts/provider-registry';
import { gitHubFamily } from '../../lambdas/hosts/github/descriptor';
import { gitLabFamily } from '../../lambdas/hosts/gitlab/descriptor';

const ENDPOINTS: HostEndpoints = { githubApiUrl: 'https://api.github.com', githubWebUrl: 'https://github.com', gitlabUrl: 'https://gitlab.com', codecommitEndpoint: undefined };
const TOKEN = { kind: 'token', token: new Secret('pat') } as const;

/** A stand-in adapter of our own GitProvider port: here only the loading wrapper is under test. */
const fakeAdapter = (calls: string[]): GitProviderFactory => (target) =>
  ({
    verifyToken: () => {
      calls.push(`verify ${target.apiUrl}`);
      return Promise.resolve({ login: 'octocat' });
    },
    createBranch: () => Promise.reject(new AppError('CONFLICT', 'Reference already exists')),
    deleteBranch: () => Promise.resolve(),
    createPullRequest: () => Promise.resolve({ url: 'u', id: '1' }),
    listRepositories: () => Promise.resolve({ items: [], truncated: false }),
    listBranches: () => Promise.resolve({ items: [], truncated: false }),
    newTokenUrl: () => 'from the adapter',
  }) as GitProvider;

describe('a registered family loads its adapter on first use', () => {
  it('loads nothing at lookup or for newTokenUrl, once on the first host call, and reuses it', async () => {
    const calls: string[] = [];
    let loads = 0;
    const registry: RegisteredHostFamily[] = [{ family: gitHubFamily, loadAdapter: () => ((loads += 1), Promise.resolve(fakeAdapter(calls))) }];
    const provider = providerLookup(ENDPOINTS, undefined, registry)({ provider: 'github' });
    expect(provider.newTokenUrl()).toBe('https://github.com/settings/tokens/new?scopes=repo&description=Jira%20(patgate)');
    expect(loads).toBe(0);
    await Promise.all([provider.verifyToken(TOKEN), provider.verifyToken(TOKEN)]);
    await provider.verifyToken(TOKEN);
    expect(loads).toBe(1);
    expect(calls).toEqual(['verify https://api.github.com', 'verify https://api.github.com', 'verify https://api.github.com']);
  });

  it('passes the adapter\'s refusals through unchanged', async () => {
    const provider = lazyProvider(gitHubFamily, gitHubFamily.target({ provider: 'github' }, ENDPOINTS), () => Promise.resolve(fakeAdapter([])));
    await expect(provider.createBranch(TOKEN, { repository: 'o/r', branchName: 'b', fromRef: 'main' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // The fake has no existingUrl: the lazy one answers "unknown", which leaves a CONFLICT as it was.
    await expect(provider.existingUrl?.(TOKEN, { action: 'create-branch', input: { repository: 'o/r', branchName: 'b', fromRef: 'main' } }, new AppError('CONFLICT', 'x'))).resolves.toBeUndefined();
  });

  it('tries the load again after a failed one', async () => {
    let attempts = 0;
    const load = (): Promise<GitProviderFactory> => (++attempts === 1 ? Promise.reject(new Error('chunk missing')) : Promise.resolve(fakeAdapter([])));
    const provider = lazyProvider(gitHubFamily, gitHubFamily.target({ provider: 'github' }, ENDPOINTS), load);
    await expect(provider.verifyToken(TOKEN)).rejects.toThrow('chunk missing');
    await expect(provider.verifyToken(TOKEN)).resolves.toEqual({ login: 'octocat' });
    expect(attempts).toBe(2);
  });

  it('has resolveRepository exactly where the family resolves ids on the host, before any load', async () => {
    const load = jest.fn(() => Promise.resolve(fakeAdapter([])));
    const github = lazyProvider(gitHubFamily, gitHubFamily.target({ provider: 'github' }, ENDPOINTS), load);
    const gitlab = lazyProvider(gitLabFamily, gitLabFamily.target({ provider: 'gitlab' }, ENDPOINTS), load);
    expect(github.resolveRepository).toBeUndefined();
    expect(gitlab.resolveRepository).toBeDefined();
    expect(load).not.toHaveBeenCalled();
    // An adapter without resolution: the canonical spelling is the host id, as the service's own fallback.
    await expect(gitlab.resolveRepository?.(TOKEN, 'group/web')).resolves.toEqual({ hostId: 'group/web', keys: ['group/web'] });
  });
});

describe('every registered family', () => {
  it.each(HOST_FAMILY_REGISTRY.map((entry) => [entry.family.kinds.join('/'), entry] as const))('%s: the descriptor\'s new-token page is the adapter\'s', async (_name, entry) => {
    const createProvider = await entry.loadAdapter();
    for (const kind of entry.family.kinds) {
      const integration = { provider: kind, baseUrl: kind === 'vsts' ? 'https://acme.visualstudio.com' : entry.family.needsBaseUrl(kind) ? 'https://host.example.com/tfs/Coll' : undefined, region: 'eu-west-1', tfsVersion: kind === 'tfs' ? ('2019' as const) : undefined };
      const target = entry.family.target(integration, ENDPOINTS);
      expect(createProvider(target).newTokenUrl()).toBe(entry.family.newTokenUrl(target));
    }
  });
});
