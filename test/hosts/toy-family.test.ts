import { PROVIDER_KINDS } from '../../lambdas/domain/integration';
import { Secret } from '../../lambdas/domain/secret';
import { HOST_FAMILIES, HOST_FAMILY_REGISTRY, hostFamily } from '../../lambdas/hosts/host-families';
import { familiesByKind } from '../../lambdas/hosts/host-family';
import { providerLookup, type HostEndpoints } from '../../lambdas/hosts/provider-registry';
import { LOCAL_HOSTS_ALLOWED } from '../../lambdas/hosts/outbound-connections';
import { LoopbackServer } from '../../lambdas/hosts/simulator-kit/loopback-server';
import { TOY_KIND, toyFamily } from './toy-family/descriptor';

const ENDPOINTS: HostEndpoints = { githubApiUrl: 'https://api.github.com', githubWebUrl: 'https://github.com', gitlabUrl: 'https://gitlab.com', codecommitEndpoint: undefined };
const OPTIONS = { connectTimeoutMs: 1_000, requestTimeoutMs: 5_000, connections: LOCAL_HOSTS_ALLOWED };

describe('a new host family is one folder and one registry line', () => {
  const host = new LoopbackServer((request) =>
    request.method === 'POST' && request.path === '/toy/api/repos/web/branches' && request.headers.authorization === 'Bearer toy-pat'
      ? { status: 201, body: { sha: 'abc123' } }
      : { status: 404, body: { message: 'no such route' } },
  );
  beforeAll(() => host.start());
  afterAll(() => host.stop());

  it('serves the toy kind through the provider lookup once its registry line is added', async () => {
    // The whole change: the folder test/hosts/toy-family and this one line (as host-families.ts writes it).
    const registry = [...HOST_FAMILY_REGISTRY, { family: toyFamily, loadAdapter: async () => (await import('./toy-family/adapter')).createToyProvider }];
    const providers = providerLookup(ENDPOINTS, OPTIONS, registry);
    const integration = { provider: TOY_KIND, baseUrl: `${host.url}/toy` };
    const result = await providers(integration).createBranch({ kind: 'token', token: new Secret('toy-pat') }, { repository: 'web', branchName: 'PAY-1', fromRef: 'main' });
    expect(result).toEqual({ url: `${host.url}/toy/web/tree/PAY-1`, commitId: 'abc123' });
    expect(host.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /toy/api/repos/web/branches']);
    // Without the line the kind has no family.
    expect(() => providerLookup(ENDPOINTS, OPTIONS)(integration)).toThrow(/No host family serves toy/);
  });

  it('reads every rule of the toy family from its descriptor', () => {
    expect(toyFamily.credentialKind(TOY_KIND)).toBe('token');
    expect(toyFamily.baseUrlMisfit(TOY_KIND, new URL('https://h.example/elsewhere'))).toBe('expected https://{host}/toy');
    expect(toyFamily.repositoryId.canonical(' Web ')).toBe('web');
    expect(() => toyFamily.repositoryId.canonical('a/b')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('refuses two families serving the same kind', () => {
    expect(() => familiesByKind([...HOST_FAMILIES, { ...toyFamily, kinds: ['github'] }])).toThrow(/Two host families serve github/);
  });

  it('registers every integration kind exactly once, descriptors and adapters alike', () => {
    for (const kind of PROVIDER_KINDS) expect(hostFamily(kind).kinds).toContain(kind);
    expect(HOST_FAMILIES.flatMap((family) => family.kinds).sort()).toEqual([...PROVIDER_KINDS].sort());
  });
});
