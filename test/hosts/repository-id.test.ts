import { randomBytes } from 'node:crypto';
import { Secret } from '../../lambdas/domain/secret';
import { createAzureDevOpsProvider } from '../../lambdas/hosts/azure-devops/adapter';
import { AzureDevOpsSimulator } from '../../simulators/azure-devops/simulator';
import type { GitProvider, HostCredential } from '../../lambdas/hosts/git-provider';
import { createGitLabProvider } from '../../lambdas/hosts/gitlab/adapter';
import { DEFAULT_HOST_CALL_OPTIONS } from '../../lambdas/hosts/git-provider';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';

/** The simulators listen on loopback: allowed only by the local-mode connection policy. */
const LOCAL = { ...DEFAULT_HOST_CALL_OPTIONS, connections: LOCAL_HOSTS_ALLOWED };
import { GitLabSimulator } from '../../simulators/gitlab/simulator';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { candidateRepositoryKeys, canonicalRepositoryId } from '../../lambdas/hosts/repository-id';

const token = (value: string): HostCredential => ({ kind: 'token', token: new Secret(value) });
const sha = () => randomBytes(20).toString('hex');

describe('canonical repository ids, per host family', () => {
  it.each([
    ['github', ' ACME/Web ', 'acme/web'],
    ['github-enterprise', 'Octo-Org/Repo.Name_1', 'octo-org/repo.name_1'],
    ['gitlab', 'Group/Sub/Project', 'group/sub/project'],
    ['gitlab', ' 42 ', '42'],
    ['azure-devops', 'Fabrikam Fiber / Web App', 'fabrikam fiber/web app'],
    ['tfs', '6CE954B1-CE1F-45D1-B94D-E6BF2464BA2C/Web', '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c/web'],
    ['codecommit', ' MyRepo ', 'MyRepo'],
  ] as const)('%s: %j → %j', (provider, raw, canonical) => {
    expect(canonicalRepositoryId(BUILT_IN_FAMILIES, provider, raw)).toBe(canonical);
  });

  it.each([
    ['github', 'acme/web/x'],
    ['github', 'ac--me/web'],
    ['github', 'acme/..'],
    ['gitlab', '0'],
    ['gitlab', 'group/-/project'],
    ['azure-devops', 'project/_repo'],
    ['azure-devops', 'project/repo.'],
    ['codecommit', 'a/b'],
    ['codecommit', 'x'.repeat(101)],
  ] as const)('%s refuses %j with VALIDATION_FAILED', (provider, raw) => {
    expect(() => canonicalRepositoryId(BUILT_IN_FAMILIES, provider, raw)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('candidate keys cover every family\'s spelling, and an id no host accepts is refused', () => {
    expect(candidateRepositoryKeys(BUILT_IN_FAMILIES, ' Acme/Web ')).toEqual(['acme/web']);
    expect(candidateRepositoryKeys(BUILT_IN_FAMILIES, 'MyRepo').sort()).toEqual(['MyRepo']);
    expect(() => candidateRepositoryKeys(BUILT_IN_FAMILIES, 'a/b/c:d')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('resolving a repository through its host (families whose spellings only the host can match)', () => {
  it('GitLab: the numeric id and the path (any case) resolve to the same id and spellings; unknown → NOT_FOUND', async () => {
    const sim = new GitLabSimulator();
    await sim.start();
    try {
      sim.addUser({ username: 'svc' });
      const project = sim.seedProject({ path: 'Group/Sub/App', defaultBranch: 'main', branches: { main: sha() }, members: { svc: 'developer' } });
      const pat = sim.issueToken({ username: 'svc' }).token;
      const provider = createGitLabProvider({ provider: 'gitlab', apiUrl: sim.url, webUrl: sim.url }, LOCAL) as Required<GitProvider>;
      const byId = await provider.resolveRepository(token(pat), String(project.id));
      const byPath = await provider.resolveRepository(token(pat), 'group/sub/app');
      expect(byId).toEqual({ hostId: String(project.id), keys: [String(project.id), 'group/sub/app'] });
      expect(byPath).toEqual(byId);
      await expect(provider.resolveRepository(token(pat), 'group/none')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await sim.stop();
    }
  });

  it('Azure DevOps: names and GUIDs of project and repository resolve to every spelling; unknown → NOT_FOUND', async () => {
    const sim = new AzureDevOpsSimulator();
    await sim.start();
    try {
      sim.addCollection({ path: '/org', serverVersion: 'services' });
      sim.addUser({ login: 'svc' });
      const seeded = sim.seedRepository({ collection: '/org', project: 'Fabrikam', name: 'Web', branches: { main: sha() }, defaultBranch: 'main', owner: 'svc' });
      const pat = sim.issueToken({ owner: 'svc' });
      const url = sim.collectionUrl('/org');
      const provider = createAzureDevOpsProvider({ provider: 'azure-devops', apiUrl: url, webUrl: url }, LOCAL) as Required<GitProvider>;
      const expected = {
        hostId: 'Fabrikam/Web',
        keys: ['fabrikam/web', `fabrikam/${seeded.id}`, `${seeded.projectId}/web`, `${seeded.projectId}/${seeded.id}`].map((k) => k.toLowerCase()),
      };
      expect(await provider.resolveRepository(token(pat), 'fabrikam/web')).toEqual(expected);
      expect(await provider.resolveRepository(token(pat), `${seeded.projectId}/${seeded.id}`)).toEqual(expected);
      await expect(provider.resolveRepository(token(pat), 'fabrikam/none')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await sim.stop();
    }
  });
});
