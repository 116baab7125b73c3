import { invalidRepositoryId, trimmed, type RepositoryIdRule } from '../repository-id-rule';

/**
 * AWS CodeCommit: the repository name. API Reference (`CreateRepository`, `UpdateRepositoryName`):
 * 1-100 characters of pattern `[\w.-]+`, the suffix `.git` prohibited. Names are case-sensitive
 * (CodeCommit User Guide, "Quotas"), so the canonical id keeps its case: `Web` and `web` may be two
 * repositories.
 */
const NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export const codeCommitRepositoryId: RepositoryIdRule = {
  resolvedByHost: false,
  canonical(raw) {
    const name = trimmed(raw);
    if (!NAME.test(name) || /\.git$/i.test(name)) throw invalidRepositoryId('CodeCommit repositories are named by 1-100 letters, digits, . _ -');
    return name;
  },
};
