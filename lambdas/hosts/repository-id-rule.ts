import { validationFailed, type AppError } from '../domain/errors';

/**
 * How one host family names a repository. `canonical` is the one spelling patgate stores and looks
 * overrides up under: surrounding whitespace stripped, case folded where the host folds it; it throws
 * VALIDATION_FAILED for an id the host would never accept. `resolvedByHost` families have spellings
 * only the host can match (GitLab numeric id vs path, Azure DevOps GUID vs name): their actions ask
 * the host (GitProvider.resolveRepository) for every canonical spelling of the repository.
 */
export interface RepositoryIdRule {
  canonical(raw: string): string;
  readonly resolvedByHost: boolean;
}

export const invalidRepositoryId = (message: string): AppError => validationFailed([{ field: 'repositoryId', message }], 'The repository id is not valid.');

/** Leading and trailing whitespace (what a pasted id drags along) is never part of an id. */
export const trimmed = (raw: string): string => raw.trim();
