/**
 * Waits until `condition` holds, looking again every `pollMs`: a wait on a condition, never for an
 * amount of time. It has no wall-clock limit of its own (a loaded two-core machine only makes it
 * slower): the test's Jest timeout is what ends a wait for something that never happens.
 */
export const until = async (condition: () => boolean, pollMs = 20): Promise<void> => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, pollMs));
};
