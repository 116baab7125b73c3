import * as z from 'zod';
import { repositoryIdSchema } from '../domain/integration-schemas';
import { issueKeySchema } from '../domain/issue-key';
import type { ProjectRef } from '../domain/project-association';
import type { TenantRecord } from '../domain/records';
import type { BranchSummary, Listing, RepositorySummary } from '../hosts/git-provider';
import type { ActedAs, CredentialChoice, GitActionService } from './git-action-service';

/** The pickers show the first this-many matches; the user narrows with `query`. */
export const PICKER_LIMIT = 50;

// eslint-disable-next-line no-control-regex -- a search text never needs control characters
const searchText = z.string().max(100, 'at most 100 characters').regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

// The issue the picker serves: checked like readiness (permission and project association, docs/architecture.md §3 step 0).
export const repositoryPickerQuerySchema = z.strictObject({ issueKey: issueKeySchema, query: searchText.optional() });
export const branchPickerQuerySchema = z.strictObject({ issueKey: issueKeySchema, repositoryId: repositoryIdSchema, query: searchText.optional() });

export interface RepositoryPage {
  readonly repositories: readonly RepositorySummary[];
  readonly truncated: boolean;
  readonly limit: number;
  readonly actedAs: ActedAs;
}

export interface BranchPage {
  readonly repositoryId: string;
  readonly branches: readonly BranchSummary[];
  readonly truncated: boolean;
  readonly limit: number;
  readonly actedAs: ActedAs;
}

/** An empty query filters nothing. */
const queryOf = (query: string | undefined): string | undefined => (query === undefined || query.trim() === '' ? undefined : query.trim());

/**
 * The pickers' reads (docs/architecture.md §4): with the credential the policy chooses for the user, exactly as a
 * git action would act (so a user sees what they can act on, and a refusal is the action's refusal).
 * Reads change nothing on the host, so they are not audited; a host 401 to the user's token still marks it invalid.
 */
export class RepositoryBrowser {
  constructor(private readonly gitActions: Pick<GitActionService, 'chooseCredential' | 'hostFailureFor'>) {}

  /** `project`: the issue's project, the user's permission there already granted. */
  async repositories(tenant: TenantRecord, accountId: string, integrationId: string, input: z.infer<typeof repositoryPickerQuerySchema>, project: ProjectRef): Promise<RepositoryPage> {
    const choice = await this.gitActions.chooseCredential(tenant, accountId, integrationId, undefined, project);
    const listing = await this.#host(tenant, choice, () => choice.provider.listRepositories(choice.credential, { query: queryOf(input.query), limit: PICKER_LIMIT }));
    return { repositories: listing.items, truncated: listing.truncated, limit: PICKER_LIMIT, actedAs: choice.actedAs };
  }

  async branches(tenant: TenantRecord, accountId: string, integrationId: string, input: z.infer<typeof branchPickerQuerySchema>, project: ProjectRef): Promise<BranchPage> {
    const choice = await this.gitActions.chooseCredential(tenant, accountId, integrationId, input.repositoryId, project);
    const listing = await this.#host(tenant, choice, () =>
      choice.provider.listBranches(choice.credential, { repository: choice.hostRepository, query: queryOf(input.query), limit: PICKER_LIMIT }),
    );
    return { repositoryId: input.repositoryId, branches: listing.items, truncated: listing.truncated, limit: PICKER_LIMIT, actedAs: choice.actedAs };
  }

  async #host<T>(tenant: TenantRecord, choice: CredentialChoice, call: () => Promise<Listing<T>>): Promise<Listing<T>> {
    try {
      return await call();
    } catch (error) {
      throw await this.gitActions.hostFailureFor(error, tenant, choice);
    }
  }
}
