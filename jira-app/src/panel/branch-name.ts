import { branchNameProblem } from '../../../lambdas/domain/branch-name';

export { branchNameProblem };

/**
 * `ABC-123` + "Fix login timeout" → `ABC-123-fix-login-timeout`: lower-case words of the summary,
 * ASCII letters and digits joined by '-', at most 60 characters, cut at a word boundary, always a
 * name `git check-ref-format --branch` accepts.
 */
export const suggestBranchName = (issueKey: string, summary = '', max = 60): string => {
  const slug = summary
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const key = issueKey.replace(/[^A-Za-z0-9-]/g, '').slice(0, max) || 'branch';
  if (!slug) return key;
  let name = `${key}-${slug}`;
  if (name.length > max) {
    const cut = name.slice(0, max + 1);
    name = cut.includes('-', key.length + 1) ? cut.slice(0, cut.lastIndexOf('-')) : cut.slice(0, max);
  }
  return name.replace(/-+$/, '');
};
