import type { GitLabSimulator } from '../../../simulators/gitlab/simulator';

/**
 * A hang fault keeps a timer in the simulator until it drops the connection. Timeout tests wait
 * for that drop (recorded with status 0) so no hung request outlives its test.
 */
export const untilHangDropped = async (sim: GitLabSimulator, pathIncludes: string, withinMs = 2_000): Promise<void> => {
  const started = Date.now();
  while (!sim.requests.some((request) => request.status === 0 && request.path.includes(pathIncludes))) {
    if (Date.now() - started > withinMs) throw new Error(`The hung request to ${pathIncludes} was not dropped within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};
