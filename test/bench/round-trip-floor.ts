import type { ProviderKind } from '../../lambdas/domain/integration';

export type GitActionName = 'create-branch' | 'create-pull-request' | 'delete-branch';

/** What one git action costs at least (issue 7): the numbers the bench holds the service to. */
export interface RoundTripFloor {
  /** DynamoDB reads of the action itself: the one BatchGetItem. */
  readonly reads: 1;
  /** Decrypts: the one credential the host call needs; none when the policy refuses. */
  readonly decrypts: 0 | 1;
  /** Host calls, Azure DevOps' API-version negotiation not included. */
  readonly hostCalls: number;
  /**
   * The audit entry: one TransactWriteItems request (issue 10 item 5) holding the tenant-installed
   * ConditionCheck and the audit Put, so no entry lands for an uninstalled site.
   */
  readonly writes: 1;
}

type HostFamily = 'github' | 'gitlab' | 'azure' | 'codecommit';

const familyOf = (provider: ProviderKind): HostFamily => {
  if (provider === 'github' || provider === 'github-enterprise') return 'github';
  if (provider === 'gitlab' || provider === 'gitlab-self-managed') return 'gitlab';
  if (provider === 'codecommit') return 'codecommit';
  return 'azure';
};

/**
 * The fewest host calls each action can make: GitHub reads the source ref, then creates the ref;
 * Azure DevOps needs the current object id for any ref update (getRefs, then updateRefs); CodeCommit
 * reads the source branch's commit, and before a pull request looks for an open duplicate (CodeCommit
 * accepts any number of identical ones): ListPullRequests, then GetPullRequest per open one.
 */
const HOST_CALLS: Record<HostFamily, Record<GitActionName, (openPullRequests: number) => number>> = {
  github: { 'create-branch': () => 2, 'delete-branch': () => 1, 'create-pull-request': () => 1 },
  gitlab: { 'create-branch': () => 1, 'delete-branch': () => 1, 'create-pull-request': () => 1 },
  azure: { 'create-branch': () => 2, 'delete-branch': () => 2, 'create-pull-request': () => 1 },
  codecommit: { 'create-branch': () => 2, 'delete-branch': () => 1, 'create-pull-request': (open) => 2 + open },
};

export const roundTripFloor = (provider: ProviderKind, action: GitActionName, refused: boolean, openPullRequests = 0): RoundTripFloor => ({
  reads: 1,
  decrypts: refused ? 0 : 1,
  hostCalls: refused ? 0 : HOST_CALLS[familyOf(provider)][action](openPullRequests),
  writes: 1,
});
