import { onPath, type FaultStep } from './host-fault-matrix';

/** Azure DevOps, VSTS and TFS share the adapter and the simulator; paths are relative to the collection. */
export const AZURE_FAULT_STEPS: readonly FaultStep[] = [
  { action: 'create-branch', call: 'OPTIONS the Git API version', inject: onPath('azure', 'OPTIONS', '/_apis/git') },
  { action: 'create-branch', call: 'GET the refs of fromRef', inject: onPath('azure', 'GET', '/_apis/git/repositories/web/refs') },
  { action: 'create-branch', call: 'POST the ref update', inject: onPath('azure', 'POST', '/_apis/git/repositories/web/refs') },
  { action: 'delete-branch', call: 'GET the ref to delete', inject: onPath('azure', 'GET', '/_apis/git/repositories/web/refs') },
  { action: 'delete-branch', call: 'POST the ref update', inject: onPath('azure', 'POST', '/_apis/git/repositories/web/refs') },
  { action: 'create-pull-request', call: 'POST the pull request', inject: onPath('azure', 'POST', '/pullRequests') },
];
