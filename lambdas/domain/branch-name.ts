/**
 * `git check-ref-format --branch` rules, checked before any host call: no component starting
 * with '.' or ending with '.lock', no '..', no ASCII control characters, space, ~ ^ : ? * [ \,
 * no leading or trailing '/', no '//', not ending with '.', no '@{', not '@' alone, not starting with '-'.
 */
export const branchNameProblem = (name: string): string | undefined => {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 250) return 'must be at most 250 characters';
  if (name === '@') return 'must not be "@"';
  if (name.startsWith('-')) return 'must not start with "-"';
  if (name.startsWith('/') || name.endsWith('/')) return 'must not start or end with "/"';
  if (name.includes('//')) return 'must not contain "//"';
  if (name.includes('..')) return 'must not contain ".."';
  if (name.includes('@{')) return 'must not contain "@{"';
  if (name.endsWith('.')) return 'must not end with "."';
  // eslint-disable-next-line no-control-regex -- git forbids control characters in ref names
  if (/[\u0000-\u0020\u007f~^:?*[\\]/.test(name)) return 'must not contain spaces, control characters or any of ~ ^ : ? * [ \\';
  for (const component of name.split('/')) {
    if (component.startsWith('.')) return 'no path component may start with "."';
    if (component.endsWith('.lock')) return 'no path component may end with ".lock"';
  }
  return undefined;
};

/**
 * Whether a branch name or a title carries the issue key, as Jira's development panel matches them:
 * case-insensitively, and `ABC-12` is not `ABC-123`. The issue panel bundles this file too.
 */
export const carriesIssueKey = (text: string, issueKey: string): boolean => {
  const escaped = issueKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^0-9])`, 'i').test(text);
};
