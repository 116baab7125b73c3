import type { ProviderKind } from '../../lambdas/domain/integration';

export type GitActionName = 'create-branch' | 'create-pull-request' | 'delete-branch';

export const GIT_ACTIONS: readonly GitActionName[] = ['create-branch', 'create-pull-request', 'delete-branch'];

/** What one warm git action may cost at most: the numbers the bench holds the service to (issues 7 and 16). */
export interface RoundTripFloor {
  /** DynamoDB reads of the action itself: the one BatchGetItem (CodeCommit's create pull request: + one Query of its recorded pull requests). */
  readonly reads: number;
  /** Decrypts: the one credential the host call needs; none when the policy refuses. */
  readonly decrypts: 0 | 1;
  /** Host calls: a constant per host and action, whatever the repository holds. */
  readonly hostCalls: number;
  /**
   * The audit entry: one TransactWriteItems request (issue 10 item 5) holding the tenant-installed
   * ConditionCheck and the audit Put, so no entry lands for an uninstalled site.
   */
  readonly writes: number;
  /** KMS calls (data-key unwraps): the vault's decrypt cache makes a warm action by the same user make none. */
  readonly kmsCalls: 0;
  /** New TCP connections to the host: keep-alive per host makes a warm action open none. */
  readonly newConnections: 0;
  /** Azure DevOps' API-version negotiation (OPTIONS): once per base URL and container, so none when warm. */
  readonly negotiations: 0;
}

export type HostFamily = 'github' | 'gitlab' | 'azure' | 'codecommit';

export const HOST_FAMILIES: readonly HostFamily[] = ['github', 'gitlab', 'azure', 'codecommit'];

export const familyOf = (provider: ProviderKind): HostFamily => {
  if (provider === 'github' || provider === 'github-enterprise') return 'github';
  if (provider === 'gitlab' || provider === 'gitlab-self-managed') return 'gitlab';
  if (provider === 'codecommit') return 'codecommit';
  return 'azure';
};

/**
 * The fewest host calls each action can make, independent of the workload: GitHub reads the source
 * ref, then creates the ref; Azure DevOps needs the current object id for any ref update (getRefs,
 * then updateRefs); CodeCommit reads the source branch's commit before CreateBranch, and spends at
 * most 3 calls on a pull request however many are open: one ListPullRequests page (all open ones),
 * a GetPullRequest only for one opened outside patgate and not yet recorded, then CreatePullRequest,
 * in a new container too (the recorded pull requests are shared). The first pull request ever in a
 * repository with open ones reads each of them once: reported apart, not held here.
 */
export const HOST_CALL_FLOOR: Readonly<Record<HostFamily, Readonly<Record<GitActionName, number>>>> = {
  github: { 'create-branch': 2, 'create-pull-request': 1, 'delete-branch': 1 },
  gitlab: { 'create-branch': 1, 'create-pull-request': 1, 'delete-branch': 1 },
  azure: { 'create-branch': 2, 'create-pull-request': 1, 'delete-branch': 2 },
  codecommit: { 'create-branch': 2, 'create-pull-request': 3, 'delete-branch': 1 },
};

/** CodeCommit's create pull request reads its repository's recorded pull requests (one Query) and records what it learned (one write). */
const pullRequestFacts = (provider: ProviderKind, action: GitActionName, refused: boolean): number =>
  !refused && familyOf(provider) === 'codecommit' && action === 'create-pull-request' ? 1 : 0;

export const roundTripFloor = (provider: ProviderKind, action: GitActionName, refused: boolean): RoundTripFloor => ({
  reads: 1 + pullRequestFacts(provider, action, refused),
  decrypts: refused ? 0 : 1,
  hostCalls: refused ? 0 : HOST_CALL_FLOOR[familyOf(provider)][action],
  writes: 1 + pullRequestFacts(provider, action, refused),
  kmsCalls: 0,
  newConnections: 0,
  negotiations: 0,
});
