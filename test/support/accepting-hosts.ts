import { AppError } from '../../lambdas/domain/errors';
import type { ProviderLookup } from '../../lambdas/hosts/provider-registry';

/**
 * For admin tests whose integrations name public hosts that cannot be reached from here
 * (ghe.example.com, dev.azure.com/…): a host that accepts any service credential on save as
 * `svc-bot`, and refuses every other call. It stands in for the host only where no simulator can;
 * saving against the real adapters and simulators, refusals included, is
 * test/integration/project-association.test.ts.
 */
export const acceptingHosts: ProviderLookup = () => ({
  verifyToken: () => Promise.resolve({ login: 'svc-bot' }),
  createBranch: refuse,
  deleteBranch: refuse,
  createPullRequest: refuse,
  listRepositories: refuse,
  listBranches: refuse,
  newTokenUrl: () => 'https://github.com/settings/tokens/new',
});

function refuse(): Promise<never> {
  return Promise.reject(new AppError('INTERNAL', 'This test host only verifies credentials.'));
}
