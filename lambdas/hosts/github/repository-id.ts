import { invalidRepositoryId, trimmed, type RepositoryIdRule } from '../repository-id-rule';

/**
 * GitHub.com and GitHub Enterprise Server: `owner/repo`.
 * - Case-insensitive: `GET /repos/ACME/Web` serves `acme/web` (GitHub REST docs, "Repositories": the
 *   owner and repo parameters are "not case sensitive"), so the canonical id is lower-cased.
 * - Owner (user or organisation login): 1-39 of letters, digits and single hyphens, not starting with
 *   a hyphen (GitHub sign-up rules). Repository: 1-100 of letters, digits, `.`, `_`, `-`; not `.` or
 *   `..` (GitHub "Creating a new repository": other characters are replaced, so they never name one).
 */
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPOSITORY = /^[A-Za-z0-9._-]{1,100}$/;

export const gitHubRepositoryId: RepositoryIdRule = {
  resolvedByHost: false,
  canonical(raw) {
    const parts = trimmed(raw).split('/');
    const [owner = '', repository = ''] = parts;
    if (parts.length !== 2 || !OWNER.test(owner) || !REPOSITORY.test(repository) || repository === '.' || repository === '..') {
      throw invalidRepositoryId('GitHub repositories are named owner/repository');
    }
    return `${owner}/${repository}`.toLowerCase();
  },
};
