import { randomBytes } from 'node:crypto';
import type { BuiltInKind, ProviderKind, TfsVersion } from '../lambdas/domain/integration';
import type { CredentialKind } from '../lambdas/domain/records';
import { BUILT_IN_FAMILIES } from '../lambdas/hosts/family-registry';
import { AzureDevOpsSimulator } from '../simulators/azure-devops/simulator';
import { CodeCommitSimulator } from '../simulators/codecommit/simulator';
import { GitHubSimulator } from '../simulators/github/simulator';
import { GitLabSimulator } from '../simulators/gitlab/simulator';

/**
 * The four loopback host simulators seeded alike, with one uniform handle per integration kind:
 * used by `npm start` (demo data) and by the end-to-end tests.
 */
export interface HostWorld {
  readonly kind: string;
  readonly provider: ProviderKind;
  readonly tfsVersion?: TfsVersion;
  /** The repository id as the integration names it. */
  readonly repositoryId: string;
  readonly defaultBranch: string;
  /** The admin's create-integration body (service credential included). */
  integrationBody(name: string, requireUserPat: boolean): Record<string, unknown>;
  readonly serviceLogin: string;
  /**
   * A person on the host with push rights and no token yet: they sign in on the simulator's web
   * pages and get a token at the app's "New token" link (the demo and the browser story).
   */
  addPerson(login: string, name: string): void;
  /** A user on the host with push rights and a fresh token; the body for PUT /api/me/tokens. */
  userToken(login: string, options?: { expiresAt?: Date }): { body: Record<string, string>; secret: string };
  expire(secret: string): void;
  revoke(secret: string): void;
  branchAuthor(name: string): string | null | undefined;
  /** Someone pushes work to the branch (GitHub refuses a pull request with no commits between branches). */
  commitTo(branch: string): void;
  pullRequestAuthors(): string[];
}

export interface HostSimulators {
  readonly github: GitHubSimulator;
  readonly gitlab: GitLabSimulator;
  readonly azure: AzureDevOpsSimulator;
  readonly codecommit: CodeCommitSimulator;
  readonly worlds: readonly HostWorld[];
  /** The world of one kind (`github`, `tfs 2019`, …); throws for a kind with none. */
  world(kind: string): HostWorld;
  /** Environment that points the public kinds (github, gitlab, codecommit) at the simulators. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

const sha = (): string => randomBytes(20).toString('hex');

/** What a simulator offers an integration of one kind: where it lives and a service credential of each kind it has. */
interface HostOffer {
  readonly baseUrl?: string;
  readonly region?: string;
  readonly tfsVersion?: TfsVersion;
  readonly credentials: Partial<Record<CredentialKind, Record<string, string>>>;
}

const offered = <T>(value: T | undefined, what: string, provider: ProviderKind): T => {
  if (value === undefined) throw new Error(`the ${provider} world offers no ${what}`);
  return value;
};

/**
 * The admin's create-integration body for a kind, by its family's descriptor: a base URL, region
 * and TFS version only where the kind needs them, and the service credential of the kind it takes.
 */
const integrationBodyOf =
  (provider: BuiltInKind, offer: HostOffer) =>
  (name: string, requireUserPat: boolean): Record<string, unknown> => {
    const family = BUILT_IN_FAMILIES.of(provider);
    const credentialKind = family.credentialKind(provider, offer.tfsVersion);
    return {
      name,
      provider,
      requireUserPat,
      ...(family.needsBaseUrl(provider) ? { baseUrl: offered(offer.baseUrl, 'base URL', provider) } : {}),
      ...(family.needsRegion ? { region: offered(offer.region, 'region', provider) } : {}),
      ...(family.needsTfsVersion(provider) ? { tfsVersion: offered(offer.tfsVersion, 'TFS version', provider) } : {}),
      serviceCredential: offered(offer.credentials[credentialKind], `${credentialKind} credential`, provider),
    };
  };

/** The expiry a user states on save, where the kind's host never tells it (its family's descriptor says). */
const statedExpiry = (provider: BuiltInKind, expiresAt: Date | undefined): { expiresAt?: string } =>
  expiresAt && BUILT_IN_FAMILIES.of(provider).tokenExpiry === 'unreported' ? { expiresAt: expiresAt.toISOString() } : {};

export const startHostSimulators = async (): Promise<HostSimulators> => {
  const github = new GitHubSimulator();
  const gitlab = new GitLabSimulator();
  const azure = new AzureDevOpsSimulator();
  const codecommit = new CodeCommitSimulator();
  await Promise.all([github.start(), gitlab.start(), azure.start(), codecommit.start()]);
  const worlds: HostWorld[] = [
    ...githubWorlds(github),
    ...gitlabWorlds(gitlab),
    ...azureWorlds(azure),
    codecommitWorld(codecommit),
  ];
  return {
    github,
    gitlab,
    azure,
    codecommit,
    worlds,
    world: (kind) => {
      const found = worlds.find((w) => w.kind === kind);
      if (!found) throw new Error(`no host world ${kind}`);
      return found;
    },
    env: {
      PATGATE_GITHUB_API_URL: github.url,
      PATGATE_GITHUB_WEB_URL: github.url,
      PATGATE_GITLAB_URL: gitlab.url,
      PATGATE_CODECOMMIT_ENDPOINT: codecommit.url,
    },
    stop: async () => {
      await Promise.all([github.stop(), gitlab.stop(), azure.stop(), codecommit.stop()]);
    },
  };
};

const githubWorlds = (sim: GitHubSimulator): HostWorld[] => {
  sim.addUser({ login: 'svc-bot', name: 'Service Bot' });
  sim.seedRepository({ fullName: 'acme/web', defaultBranch: 'main', branches: { main: sha() }, collaborators: { 'svc-bot': 'write' } });
  const serviceToken = sim.issueToken({ login: 'svc-bot' });
  const world = (provider: 'github' | 'github-enterprise'): HostWorld => ({
    kind: provider,
    provider,
    repositoryId: 'acme/web',
    defaultBranch: 'main',
    serviceLogin: 'svc-bot',
    integrationBody: integrationBodyOf(provider, { baseUrl: sim.url, credentials: { token: { token: serviceToken } } }),
    addPerson: (login, name) => {
      sim.addUser({ login, name });
      sim.setCollaborator('acme/web', login, 'write');
    },
    userToken: (login, options = {}) => {
      sim.addUser({ login, name: login });
      sim.setCollaborator('acme/web', login, 'write');
      const secret = sim.issueToken({ login, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}) });
      return { body: { token: secret }, secret };
    },
    expire: (secret) => void sim.expireToken(secret),
    revoke: (secret) => void sim.revokeToken(secret),
    branchAuthor: (name) => sim.getBranch('acme/web', name)?.createdBy,
    commitTo: (branch) => void sim.pushCommit('acme/web', branch),
    pullRequestAuthors: () => (sim.listPullRequests('acme/web') ?? []).map((p) => p.createdBy),
  });
  return [world('github'), world('github-enterprise')];
};

const gitlabWorlds = (sim: GitLabSimulator): HostWorld[] => {
  sim.addUser({ username: 'svc-bot', name: 'Service Bot' });
  sim.seedProject({ path: 'acme/web', defaultBranch: 'main', branches: { main: sha() }, members: { 'svc-bot': 'developer' } });
  const serviceToken = sim.issueToken({ username: 'svc-bot' }).token;
  const world = (provider: 'gitlab' | 'gitlab-self-managed'): HostWorld => ({
    kind: provider,
    provider,
    repositoryId: 'acme/web',
    defaultBranch: 'main',
    serviceLogin: 'svc-bot',
    integrationBody: integrationBodyOf(provider, { baseUrl: sim.url, credentials: { token: { token: serviceToken } } }),
    addPerson: (login, name) => {
      sim.addUser({ username: login, name });
      sim.addMember('acme/web', login, 'developer');
    },
    userToken: (login, options = {}) => {
      sim.addUser({ username: login, name: login });
      sim.addMember('acme/web', login, 'developer');
      const secret = sim.issueToken({ username: login, ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString().slice(0, 10) } : {}) }).token;
      return { body: { token: secret }, secret };
    },
    expire: (secret) => sim.expireToken(secret),
    revoke: (secret) => sim.revokeToken(secret),
    branchAuthor: (name) => sim.getBranch('acme/web', name)?.createdBy,
    commitTo: () => undefined,
    pullRequestAuthors: () => sim.listPullRequests('acme/web').map((p) => p.createdBy),
  });
  return [world('gitlab'), world('gitlab-self-managed')];
};

const azureWorlds = (sim: AzureDevOpsSimulator): HostWorld[] => {
  const collections: { kind: string; provider: BuiltInKind; path: string; version: 'services' | TfsVersion; tfsVersion?: TfsVersion }[] = [
    { kind: 'azure-devops', provider: 'azure-devops', path: '/contoso', version: 'services' },
    { kind: 'vsts', provider: 'vsts', path: '/vsts-contoso', version: 'services' },
    { kind: 'tfs 2018', provider: 'tfs', path: '/tfs2018/DefaultCollection', version: '2018', tfsVersion: '2018' },
    { kind: 'tfs 2019', provider: 'tfs', path: '/tfs2019/DefaultCollection', version: '2019', tfsVersion: '2019' },
    { kind: 'tfs 2015', provider: 'tfs', path: '/tfs2015/DefaultCollection', version: '2015', tfsVersion: '2015' },
  ];
  sim.addUser({ login: 'svc-bot', displayName: 'Service Bot', password: 'svc-bot-password' });
  const serviceToken = sim.issueToken({ owner: 'svc-bot' });
  return collections.map(({ kind, provider, path, version, tfsVersion }) => {
    sim.addCollection({ path, serverVersion: version });
    sim.seedRepository({ collection: path, project: 'web-project', name: 'web', branches: { main: sha() }, defaultBranch: 'main', owner: 'svc-bot' });
    return {
      kind,
      provider,
      tfsVersion,
      repositoryId: 'web-project/web',
      defaultBranch: 'main',
      serviceLogin: 'svc-bot',
      integrationBody: integrationBodyOf(provider, {
        baseUrl: sim.collectionUrl(path),
        tfsVersion,
        credentials: { token: { token: serviceToken }, basic: { username: 'svc-bot', password: 'svc-bot-password' } },
      }),
      addPerson: (login, name) => void sim.addUser({ login, displayName: name }),
      userToken: (login, options = {}) => {
        sim.addUser({ login, displayName: login });
        const secret = sim.issueToken({ owner: login, ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}) });
        // Azure DevOps never tells a PAT's expiry to its holder: the user states what the token page showed.
        return { body: { token: secret, ...statedExpiry(provider, options.expiresAt) }, secret };
      },
      expire: (secret) => sim.expireToken(secret),
      revoke: (secret) => sim.revokeToken(secret),
      branchAuthor: (name) => sim.getBranch('web-project/web', name, path)?.createdBy,
      commitTo: () => undefined,
      pullRequestAuthors: () => sim.listPullRequests('web-project/web', path).map((p) => p.createdBy),
    };
  });
};

const codecommitWorld = (sim: CodeCommitSimulator): HostWorld => {
  sim.createRepository({ name: 'web', defaultBranch: 'main', branches: { main: sha() } });
  const service = sim.issueAccessKey({ userName: 'svc-bot' });
  // Access keys never expire on their own: "expired" and "revoked" both mean a deactivated key.
  const keyOf = new Map<string, string>();
  const deactivate = (secret: string): void => void sim.deactivateAccessKey(keyOf.get(secret) ?? '');
  return {
    kind: 'codecommit',
    provider: 'codecommit',
    repositoryId: 'web',
    defaultBranch: 'main',
    serviceLogin: 'svc-bot',
    integrationBody: integrationBodyOf('codecommit', { region: sim.region, credentials: { 'aws-keys': { accessKeyId: service.accessKeyId, secretAccessKey: service.secretAccessKey } } }),
    // An IAM user exists as soon as a key is issued for it (the AWS console is not simulated).
    addPerson: () => undefined,
    userToken: (login) => {
      const key = sim.issueAccessKey({ userName: login });
      keyOf.set(key.secretAccessKey, key.accessKeyId);
      return { body: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, secret: key.secretAccessKey };
    },
    expire: deactivate,
    revoke: deactivate,
    branchAuthor: (name) => sim.getBranch('web', name)?.createdBy,
    commitTo: () => undefined,
    pullRequestAuthors: () => sim.listPullRequests('web').map((p) => p.createdBy),
  };
};
