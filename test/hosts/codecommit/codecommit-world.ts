import { inspect } from 'node:util';
import { Secret } from '../../../lambdas/domain/secret';
import { createCodeCommitProvider } from '../../../lambdas/hosts/codecommit/adapter';
import type { IssuedAccessKey } from '../../../simulators/codecommit/simulated-iam';
import { CodeCommitSimulator } from '../../../simulators/codecommit/simulator';
import type { GitProvider, HostCallOptions, HostCredential, HostTarget } from '../../../lambdas/hosts/git-provider';
import { LOCAL_HOSTS_ALLOWED } from '../../../lambdas/hosts/outbound-connections';
import { until } from '../../support/until';

/** Short budgets keep the suites fast; one test per family uses the 10 s default instead. */
export const SHORT_TIMEOUTS: HostCallOptions = { connectTimeoutMs: 500, requestTimeoutMs: 2_000, connections: LOCAL_HOSTS_ALLOWED };
/**
 * The budget of calls in tests that inject no hang: a create pull request reads 120 open ones in one
 * call, which a loaded two-core machine can take seconds over; only a hang should ever time out.
 */
export const CALL_BUDGET: HostCallOptions = { connectTimeoutMs: 5_000, requestTimeoutMs: 60_000, connections: LOCAL_HOSTS_ALLOWED };

export const REPOSITORY = 'payments';
export const REGION = 'eu-west-1';
export const MAIN_COMMIT = '3f786850e387550fdab836ed7e6dc881de23001b';
export const DEVELOP_COMMIT = '89e6c98d92887913cadf06b2adb97f26cde4849b';

export type AwsKeyCredential = Extract<HostCredential, { kind: 'aws-keys' }>;

export const credentialOf = (key: IssuedAccessKey): AwsKeyCredential => ({
  kind: 'aws-keys',
  accessKeyId: key.accessKeyId,
  secretAccessKey: new Secret(key.secretAccessKey),
});

export interface CodeCommitWorld {
  readonly simulator: CodeCommitSimulator;
  readonly target: HostTarget;
  readonly aliceKey: IssuedAccessKey;
  readonly alice: AwsKeyCredential;
  provider(options?: HostCallOptions): GitProvider;
}

export const startSimulator = async (): Promise<CodeCommitSimulator> => {
  const simulator = new CodeCommitSimulator({ region: REGION });
  await simulator.start();
  return simulator;
};

/** A fresh account: repository `payments` (main, develop; main is the default) and alice's key pair. */
export const seedWorld = (simulator: CodeCommitSimulator): CodeCommitWorld => {
  simulator.reset();
  simulator.createRepository({ name: REPOSITORY, defaultBranch: 'main', branches: { main: MAIN_COMMIT, develop: DEVELOP_COMMIT } });
  const aliceKey = simulator.issueAccessKey({ userName: 'alice' });
  const target: HostTarget = { provider: 'codecommit', apiUrl: simulator.url, webUrl: '', region: REGION };
  return {
    simulator,
    target,
    aliceKey,
    alice: credentialOf(aliceKey),
    provider: (options = CALL_BUDGET) => createCodeCommitProvider(target, options),
  };
};

/** Everything written to stdout, stderr or the console while `work` runs, with the output held back. */
export const captureOutput = async <T>(work: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; output: string }> => {
  const chunks: string[] = [];
  const keep = (...args: unknown[]): void => {
    chunks.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '));
  };
  const keepWrite = (chunk: string | Uint8Array): boolean => {
    keep(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(keepWrite),
    jest.spyOn(process.stderr, 'write').mockImplementation(keepWrite),
    jest.spyOn(console, 'log').mockImplementation(keep),
    jest.spyOn(console, 'info').mockImplementation(keep),
    jest.spyOn(console, 'warn').mockImplementation(keep),
    jest.spyOn(console, 'error').mockImplementation(keep),
    jest.spyOn(console, 'debug').mockImplementation(keep),
  ];
  try {
    const result = await work();
    return { result, error: undefined, output: chunks.join('\n') };
  } catch (error) {
    return { result: undefined, error, output: chunks.join('\n') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
  }
};

/** Every way an error can end up in a log line or a response. */
export const everyRenderingOf = (error: unknown): string =>
  [String(error), error instanceof Error ? error.message : '', inspect(error, { depth: 10 }), JSON.stringify(error)].join('\n');

/**
 * A hung request reaches the simulator's log only when its delay ends; waiting for it keeps it from
 * landing in the next test's log.
 */
export const untilRecorded = (simulator: CodeCommitSimulator, count: number): Promise<void> => until(() => simulator.requests.length >= count);
