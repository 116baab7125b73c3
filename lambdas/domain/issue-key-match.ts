/**
 * Whether a branch name or a title carries the issue key, as Jira's development panel matches them:
 * case-insensitively, and `ABC-12` is not `ABC-123`. Free of zod: the issue panel bundles it too.
 */
export const carriesIssueKey = (text: string, issueKey: string): boolean => {
  const escaped = issueKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^0-9])`, 'i').test(text);
};
