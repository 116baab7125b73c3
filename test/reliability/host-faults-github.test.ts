import { describeHostFaults, onPath } from './host-fault-matrix';

describe('host faults at the service level: GitHub and GitHub Enterprise, every host call of every git action', () => {
  describeHostFaults(
    ['github', 'github-enterprise'],
    [
      { action: 'create-branch', call: 'GET the ref of fromRef', inject: onPath('github', 'GET', '/git/ref/') },
      { action: 'create-branch', call: 'POST the new ref', inject: onPath('github', 'POST', '/git/refs') },
      { action: 'delete-branch', call: 'DELETE the ref', inject: onPath('github', 'DELETE', '/git/refs/') },
      { action: 'create-pull-request', call: 'POST the pull request', inject: onPath('github', 'POST', '/pulls') },
    ],
  );
});
