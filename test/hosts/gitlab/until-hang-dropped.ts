import type { GitLabSimulator } from '../../../simulators/gitlab/simulator';
import { until } from '../../support/until';

/**
 * A hang fault keeps a timer in the simulator until it drops the connection. Timeout tests wait
 * for that drop (recorded with status 0) so no hung request outlives its test.
 */
export const untilHangDropped = (sim: GitLabSimulator, pathIncludes: string): Promise<void> =>
  until(() => sim.requests.some((request) => request.status === 0 && request.path.includes(pathIncludes)));
