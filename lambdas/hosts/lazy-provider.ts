import type { AppError } from '../domain/errors';
import type {
  BranchResult,
  BranchSummary,
  ConflictingCreate,
  CreateBranchInput,
  CreatePullRequestInput,
  DeleteBranchInput,
  GitProvider,
  GitProviderFactory,
  HostCallOptions,
  HostCredential,
  HostDevelopment,
  HostTarget,
  IssueDevelopmentInput,
  ListBranchesInput,
  Listing,
  ListRepositoriesInput,
  PullRequestResult,
  RepositoryRef,
  RepositorySummary,
  ResolvedRepository,
  VerifiedIdentity,
} from './git-provider';
import type { HostFamily } from './host-family';

/**
 * A family's adapter that is loaded on first use: the deployed bundle keeps each family's adapter
 * and client library in a chunk of its own (docs/architecture.md, bundling), so a function pays for
 * parsing and evaluating only the families its requests use. Every host call is async, so the
 * first one awaits the chunk; `newTokenUrl` is the descriptor's (no chunk), and which optional
 * members exist is decided by the descriptor too (`resolveRepository` where the family's
 * repository ids are resolved by the host), so a caller sees the same shape before and after the load.
 */
export const lazyProvider = (family: HostFamily, target: HostTarget, load: () => Promise<GitProviderFactory>, options?: HostCallOptions): GitProvider => {
  let adapter: Promise<GitProvider> | undefined;
  const loaded = (): Promise<GitProvider> => {
    if (!adapter) {
      const loading = load().then((createProvider) => createProvider(target, options));
      // A failed load is not kept: the next call tries again.
      loading.catch(() => {
        if (adapter === loading) adapter = undefined;
      });
      adapter = loading;
    }
    return adapter;
  };
  const provider: GitProvider = {
    verifyToken: async (credential: HostCredential): Promise<VerifiedIdentity> => (await loaded()).verifyToken(credential),
    createBranch: async (credential: HostCredential, input: CreateBranchInput): Promise<BranchResult> => (await loaded()).createBranch(credential, input),
    deleteBranch: async (credential: HostCredential, input: DeleteBranchInput): Promise<void> => (await loaded()).deleteBranch(credential, input),
    createPullRequest: async (credential: HostCredential, input: CreatePullRequestInput): Promise<PullRequestResult> => (await loaded()).createPullRequest(credential, input),
    existingUrl: async (credential: HostCredential, conflict: ConflictingCreate, error: AppError): Promise<string | undefined> => {
      const host = await loaded();
      return host.existingUrl ? host.existingUrl(credential, conflict, error) : undefined;
    },
    listRepositories: async (credential: HostCredential, input: ListRepositoriesInput): Promise<Listing<RepositorySummary>> => (await loaded()).listRepositories(credential, input),
    listBranches: async (credential: HostCredential, input: ListBranchesInput): Promise<Listing<BranchSummary>> => (await loaded()).listBranches(credential, input),
    newTokenUrl: (): string => family.newTokenUrl(target),
  };
  if (family.listsIssueDevelopment) {
    provider.listIssueDevelopment = async (credential: HostCredential, input: IssueDevelopmentInput): Promise<HostDevelopment> => {
      const host = await loaded();
      return host.listIssueDevelopment ? host.listIssueDevelopment(credential, input) : { branches: [], pullRequests: [], hostCalls: 0 };
    };
  }
  if (!family.repositoryId.resolvedByHost) return provider;
  return {
    ...provider,
    resolveRepository: async (credential: HostCredential, repository: RepositoryRef): Promise<ResolvedRepository> => {
      const host = await loaded();
      // What the caller does for a family without resolution: the canonical id is the host id.
      return host.resolveRepository ? host.resolveRepository(credential, repository) : { hostId: repository, keys: [repository] };
    },
  };
};
