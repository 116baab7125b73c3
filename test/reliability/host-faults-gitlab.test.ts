import { describeHostFaults, onPath } from './host-fault-matrix';

describe('host faults at the service level: GitLab and GitLab self-managed, every host call of every git action', () => {
  describeHostFaults(
    ['gitlab', 'gitlab-self-managed'],
    [
      { action: 'create-branch', call: 'POST the branch', inject: onPath('gitlab', 'POST', '/repository/branches') },
      { action: 'delete-branch', call: 'DELETE the branch', inject: onPath('gitlab', 'DELETE', '/repository/branches/') },
      { action: 'create-pull-request', call: 'POST the merge request', inject: onPath('gitlab', 'POST', '/merge_requests') },
    ],
  );
});
