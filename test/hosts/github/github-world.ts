import { inspect } from 'node:util';
import { isAppError, type AppError } from '../../../lambdas/domain/errors';
import { Secret } from '../../../lambdas/domain/secret';
import type { HostCallOptions, HostCredential } from '../../../lambdas/hosts/git-provider';
import type { GitHubSimulator } from '../../../simulators/github/simulator';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';
import { until } from '../../support/until';

/** Short budgets keep failing calls fast; one test per family keeps the 10 s default. */
export const SHORT: HostCallOptions = { connectTimeoutMs: 500, requestTimeoutMs: 1_500, connections: LOCAL_HOSTS_ALLOWED };
/** Listings page through hundreds of branches in one call: a budget a loaded machine cannot exceed, only a hang. */
export const LISTING_BUDGET: HostCallOptions = { connectTimeoutMs: 5_000, requestTimeoutMs: 60_000, connections: LOCAL_HOSTS_ALLOWED };

export const REPOSITORY = 'acme/widgets';
export const MAIN_SHA = 'a'.repeat(40);
export const RELEASE_SHA = 'b'.repeat(40);
export const TOKEN_EXPIRY = '2031-01-01T00:00:00.000Z';

export interface GitHubWorld {
  /** alice: write collaborator on acme/widgets, classic token with `repo` and `user`, expiring. */
  readonly aliceToken: string;
  /** bob: read-only collaborator. */
  readonly bobToken: string;
  /** carol: not a collaborator of the private repository. */
  readonly carolToken: string;
}

/** The story's host: the private repository acme/widgets with `main` and `release/1.0`, and three users. */
export const seedWorld = (sim: GitHubSimulator): GitHubWorld => {
  sim.reset();
  sim.addUser({ login: 'alice', name: 'Alice Liddell', email: 'alice@example.com' });
  sim.seedRepository({
    fullName: REPOSITORY,
    private: true,
    branches: { main: MAIN_SHA, 'release/1.0': RELEASE_SHA },
    collaborators: { alice: 'write', bob: 'read' },
  });
  return {
    aliceToken: sim.issueToken({ login: 'alice', scopes: ['repo', 'user'], expiresAt: TOKEN_EXPIRY }),
    bobToken: sim.issueToken({ login: 'bob', scopes: ['repo'] }),
    carolToken: sim.issueToken({ login: 'carol', scopes: ['repo'] }),
  };
};

export const tokenCredential = (token: string): HostCredential => ({ kind: 'token', token: new Secret(token) });

/**
 * Waits until the simulator has recorded a request the test left hanging (a delayed reset), so that
 * its late log entry cannot land in the next test's request log.
 */
export const untilHungRequestsEnd = (sim: GitHubSimulator): Promise<void> => until(() => sim.requests.some((request) => request.status === 0));

/** Runs a call expected to fail and returns its AppError (fails the test when it succeeds or throws anything else). */
export const failureOf = async (call: Promise<unknown>): Promise<AppError> => {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value)}`);
  if (!isAppError(outcome.error)) throw outcome.error;
  return outcome.error;
};

/** Everything an error could show: message, JSON, inspection (with its cause chain). */
export const everythingAbout = (error: AppError): string =>
  [error.message, JSON.stringify(error), JSON.stringify(error.extensions), inspect(error, { depth: 10 })].join('\n');
