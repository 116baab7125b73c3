import { afterCodeCommitCalls, describeHostFaults } from './host-fault-matrix';

describe('host faults at the service level: CodeCommit, every host call of every git action', () => {
  describeHostFaults(
    ['codecommit'],
    [
      { action: 'create-branch', call: 'GetBranch of fromRef', inject: afterCodeCommitCalls(0) },
      { action: 'create-branch', call: 'CreateBranch', inject: afterCodeCommitCalls(1) },
      { action: 'delete-branch', call: 'DeleteBranch', inject: afterCodeCommitCalls(0) },
      // No pull request is open in the repository, so ListPullRequests is followed by CreatePullRequest.
      { action: 'create-pull-request', call: 'ListPullRequests (duplicate check)', inject: afterCodeCommitCalls(0) },
      { action: 'create-pull-request', call: 'CreatePullRequest', inject: afterCodeCommitCalls(1) },
    ],
  );
});
