import type { GitLabSimulator, SeededProject } from '../../../simulators/gitlab/simulator';

/** The repository every GitLab test works on, and the people with tokens for it. */
export const PROJECT_PATH = 'acme/platform/widgets';
export const MAIN_SHA = '7b5c3cc8be40ee161ae89a06bba6229da1032a0c';
export const RELEASE_SHA = '4ad91d3c1144c406e50c7b33bae684bd6837faf8';

export interface GitLabScenario {
  readonly project: SeededProject;
  /** Alice: developer, token with `api`, expiring in 30 days. */
  readonly alice: string;
  readonly aliceExpiresAt: string;
  readonly aliceReadApi: string;
  /** `write_repository` alone is git-over-HTTP only: the REST API answers 403 insufficient_scope. */
  readonly aliceWriteRepository: string;
  readonly aliceExpired: string;
  readonly aliceRevoked: string;
  /** Bob: no membership of the private project. */
  readonly bob: string;
  /** Rita: reporter, may read the code but not push. */
  readonly rita: string;
}

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export const seedScenario = (sim: GitLabSimulator): GitLabScenario => {
  sim.addUser({ username: 'alice', name: 'Alice Liddell' });
  const project = sim.seedProject({
    path: PROJECT_PATH,
    defaultBranch: 'main',
    branches: { main: MAIN_SHA, 'release/1.0': RELEASE_SHA },
    members: { alice: 'developer', rita: 'reporter' },
  });
  const aliceExpiresAt = inDays(30);
  const revoked = sim.issueToken({ username: 'alice', scopes: ['api'] }).token;
  sim.revokeToken(revoked);
  return {
    project,
    alice: sim.issueToken({ username: 'alice', scopes: ['api'], expiresAt: aliceExpiresAt }).token,
    aliceExpiresAt,
    aliceReadApi: sim.issueToken({ username: 'alice', scopes: ['read_api'] }).token,
    aliceWriteRepository: sim.issueToken({ username: 'alice', scopes: ['write_repository'] }).token,
    aliceExpired: sim.issueToken({ username: 'alice', scopes: ['api'], expiresAt: '2024-01-31' }).token,
    aliceRevoked: revoked,
    bob: sim.issueToken({ username: 'bob', scopes: ['api'] }).token,
    rita: sim.issueToken({ username: 'rita', scopes: ['api'] }).token,
  };
};
