import { NEGOTIATED_LOCATIONS } from '../../lambdas/hosts/azure-devops/negotiated-locations';
import { onPath, type FaultStep } from './host-fault-matrix';

const negotiating = onPath('azure', 'OPTIONS', '/_apis/git');

/** Azure DevOps, VSTS and TFS share the adapter and the simulator; paths are relative to the collection. */
export const AZURE_FAULT_STEPS: readonly FaultStep[] = [
  // A container negotiates once per base URL: this step is the first action of a cold one.
  {
    action: 'create-branch',
    call: 'OPTIONS the Git API version',
    inject: (...args) => {
      NEGOTIATED_LOCATIONS.clear();
      negotiating(...args);
    },
  },
  { action: 'create-branch', call: 'GET the refs of fromRef', inject: onPath('azure', 'GET', '/_apis/git/repositories/web/refs') },
  { action: 'create-branch', call: 'POST the ref update', inject: onPath('azure', 'POST', '/_apis/git/repositories/web/refs') },
  { action: 'delete-branch', call: 'GET the ref to delete', inject: onPath('azure', 'GET', '/_apis/git/repositories/web/refs') },
  { action: 'delete-branch', call: 'POST the ref update', inject: onPath('azure', 'POST', '/_apis/git/repositories/web/refs') },
  { action: 'create-pull-request', call: 'POST the pull request', inject: onPath('azure', 'POST', '/pullRequests') },
];
