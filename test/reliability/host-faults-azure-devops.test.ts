import { AZURE_FAULT_STEPS } from './azure-fault-steps';
import { describeHostFaults } from './host-fault-matrix';

describe('host faults at the service level: Azure DevOps Services and VSTS, every host call of every git action', () => {
  describeHostFaults(['azure-devops', 'vsts'], AZURE_FAULT_STEPS);
});
