import { AZURE_FAULT_STEPS } from './azure-fault-steps';
import { describeHostFaults } from './host-fault-matrix';

describe('host faults at the service level: TFS 2018 (PATs), every host call of every git action', () => {
  describeHostFaults(['tfs 2018'], AZURE_FAULT_STEPS);
});
