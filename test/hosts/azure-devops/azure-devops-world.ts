import { randomBytes } from 'node:crypto';
import type { TfsVersion } from '../../../lambdas/domain/integration';
import { Secret } from '../../../lambdas/domain/secret';
import { createAzureDevOpsProvider } from '../../../lambdas/hosts/azure-devops/adapter';
import { AzureDevOpsSimulator, type ServerVersion } from '../../../simulators/azure-devops/simulator';
import { NEGOTIATED_LOCATIONS } from '../../../lambdas/hosts/azure-devops/negotiated-locations';
import type { GitProvider, HostCallOptions, HostCredential, HostTarget } from '../../../lambdas/hosts/git-provider';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';

export interface HostKind {
  readonly label: string;
  readonly provider: 'azure-devops' | 'vsts' | 'tfs';
  readonly tfsVersion?: TfsVersion;
  /** Collection path on the simulator ('' is a VSTS account at the root). */
  readonly path: string;
  readonly serverVersion: ServerVersion;
  /** The api-version the official client settles on for refs after negotiating. */
  readonly refsApiVersion: string;
}

export const PAT_KINDS: readonly HostKind[] = [
  { label: 'Azure DevOps Services', provider: 'azure-devops', path: '/contoso', serverVersion: 'services', refsApiVersion: '7.1' },
  { label: 'VSTS', provider: 'vsts', path: '', serverVersion: 'services', refsApiVersion: '7.1' },
  { label: 'TFS 2017', provider: 'tfs', tfsVersion: '2017', path: '/tfs/Tfs2017', serverVersion: '2017', refsApiVersion: '3.0' },
  { label: 'TFS 2018', provider: 'tfs', tfsVersion: '2018', path: '/tfs/DefaultCollection', serverVersion: '2018', refsApiVersion: '4.1' },
  { label: 'Azure DevOps Server 2019', provider: 'tfs', tfsVersion: '2019', path: '/Server2019', serverVersion: '2019', refsApiVersion: '5.0' },
  { label: 'Azure DevOps Server 2020', provider: 'tfs', tfsVersion: '2020', path: '/Server2020', serverVersion: '2020', refsApiVersion: '6.0' },
  { label: 'Azure DevOps Server 2022', provider: 'tfs', tfsVersion: '2022', path: '/Server2022', serverVersion: '2022', refsApiVersion: '7.0' },
];

export const PRE_PAT_KINDS: readonly HostKind[] = [
  { label: 'TFS 2015', provider: 'tfs', tfsVersion: '2015', path: '/tfs/Tfs2015', serverVersion: '2015', refsApiVersion: '2.0' },
  { label: 'TFS 2013', provider: 'tfs', tfsVersion: '2013', path: '/tfs/Tfs2013', serverVersion: '2013', refsApiVersion: '1.0' },
];

export const kind = (label: string): HostKind => {
  const found = [...PAT_KINDS, ...PRE_PAT_KINDS].find((k) => k.label === label);
  if (!found) throw new Error(`no kind ${label}`);
  return found;
};

export const MAIN_COMMIT = '4b223e9c93ec3b6aaa6499f06e3ebb7c702e6106';
export const MAIN_OLD_COMMIT = '7b019e53c7980d7fafcbd84aa71946793d10a881';
export const DEVELOP_COMMIT = '67cae2b029dff7eb3dc062b49403aaedca5bad8d';

export const REPOSITORY = 'Fabrikam/web';
export const USER = 'jamal@fabrikam.com';
export const SERVICE_ACCOUNT = 'FABRIKAM\\svc-patgate';

/** Short budgets keep failing calls fast; one test alone shows the 10 s default. */
/**
 * The budget of calls in tests that inject no hang: listings page through hundreds of branches in one
 * call, which a loaded two-core machine can take seconds over; only a hang should ever time out (the
 * timeout tests pass their own short budgets).
 */
export const CALL_BUDGET: HostCallOptions = { connectTimeoutMs: 5_000, requestTimeoutMs: 60_000, connections: LOCAL_HOSTS_ALLOWED };

export const uniqueBranch = (prefix = 'feature'): string => `${prefix}/PROJ-${randomBytes(3).toString('hex')}`;

export const tokenCredential = (token: string): HostCredential => ({ kind: 'token', token: new Secret(token) });

/**
 * One simulator with every host kind as a collection, each holding `Fabrikam/web` with `main`,
 * `main-old` (a prefix trap for the refs filter) and `develop`, a user with a PAT and a Basic service account.
 */
export class AzureDevOpsWorld {
  readonly servicePassword = `pw-${randomBytes(8).toString('hex')}`;

  private constructor(readonly sim: AzureDevOpsSimulator) {}

  static async start(): Promise<AzureDevOpsWorld> {
    const sim = new AzureDevOpsSimulator();
    await sim.start();
    const world = new AzureDevOpsWorld(sim);
    sim.addUser({ login: USER, displayName: 'Jamal Hartnett' });
    sim.addUser({ login: SERVICE_ACCOUNT, displayName: 'patgate service', password: world.servicePassword });
    for (const hostKind of [...PAT_KINDS, ...PRE_PAT_KINDS]) {
      sim.addCollection({ path: hostKind.path, serverVersion: hostKind.serverVersion });
      sim.seedRepository({
        collection: hostKind.path,
        project: 'Fabrikam',
        name: 'web',
        branches: { main: MAIN_COMMIT, 'main-old': MAIN_OLD_COMMIT, develop: DEVELOP_COMMIT },
      });
    }
    return world;
  }

  target(hostKind: HostKind): HostTarget {
    const url = this.sim.collectionUrl(hostKind.path);
    return { provider: hostKind.provider, apiUrl: url, webUrl: url, tfsVersion: hostKind.tfsVersion };
  }

  /**
   * A provider as a cold container has it: the API version is negotiated on its first call (these
   * tests count and fault the OPTIONS request). `warmProvider` keeps what earlier calls negotiated.
   */
  provider(hostKind: HostKind, options: HostCallOptions | undefined = CALL_BUDGET): GitProvider {
    NEGOTIATED_LOCATIONS.clear();
    return this.warmProvider(hostKind, options);
  }

  warmProvider(hostKind: HostKind, options: HostCallOptions | undefined = CALL_BUDGET): GitProvider {
    return createAzureDevOpsProvider(this.target(hostKind), options);
  }

  /** A fresh PAT for the user, Code (Read & write) unless told otherwise. */
  pat(options: { scopes?: string[]; expiresAt?: Date } = {}): string {
    return this.sim.issueToken({ owner: USER, ...options });
  }

  serviceAccount(): HostCredential {
    return { kind: 'basic', username: SERVICE_ACCOUNT, password: new Secret(this.servicePassword) };
  }

  reset(): void {
    this.sim.clearFaults();
    this.sim.clearRequests();
  }

  stop(): Promise<void> {
    return this.sim.stop();
  }
}
