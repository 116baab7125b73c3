import { branchNameProblem, carriesIssueKey } from '../../../lambdas/domain/branch-name';

export { branchNameProblem, carriesIssueKey };

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

/** The admin's branch-name template for an integration (`GET /api/me/integrations`, per integration). */
export interface BranchNaming {
  /** Placeholders `{issueKey}`, `{issueType}`, `{summary}`; e.g. `{issueType}/{issueKey}-{summary}`. */
  readonly template: string;
  /** Issue type name → prefix (Bug → `bugfix`); an unmapped type renders as its name, slugged. */
  readonly issueTypePrefixes: Readonly<Record<string, string>>;
}

const SUMMARY_MAX = 50;
const NAME_MAX = 200;

/** Lower-case ASCII words joined by '-' (accents dropped), trimmed of '-'. */
export const slug = (text: string): string =>
  text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** The summary's slug cut to 50 characters at a '-' boundary (a single longer word is cut hard). */
export const summarySlug = (summary: string, max = SUMMARY_MAX): string => {
  const full = slug(summary);
  if (full.length <= max) return full;
  const cut = full.slice(0, max + 1);
  const boundary = cut.lastIndexOf('-');
  return (boundary > 0 ? cut.slice(0, boundary) : full.slice(0, max)).replace(/-+$/, '');
};

/**
 * Renders the admin's template for an issue, then makes it a name git accepts (the same rules as a
 * typed one, `branchNameProblem`): characters git refuses become '-', empty path parts and a leading
 * or trailing '/', '.' or '-' go. Answers the plain suggestion when the template renders to nothing usable.
 */
export const renderBranchName = (naming: BranchNaming, issue: { issueKey: string; issueType?: string; summary?: string }): string => {
  const type = issue.issueType ?? '';
  const prefix = naming.issueTypePrefixes[type] ?? slug(type);
  const rendered = naming.template
    .replaceAll('{issueKey}', issue.issueKey)
    .replaceAll('{issueType}', prefix)
    .replaceAll('{summary}', summarySlug(issue.summary ?? ''));
  const cleaned = rendered
    // eslint-disable-next-line no-control-regex -- git refuses control characters in ref names
    .replace(/[\u0000-\u0020\u007f~^:?*[\\]+/g, '-')
    .replace(/@\{/g, '-')
    .replace(/\.{2,}/g, '.')
    .split('/')
    .map((part) => part.replace(/^[.-]+|[.-]+$/g, '').replace(/\.lock$/i, '').replace(/-{2,}/g, '-'))
    .filter((part) => part !== '')
    .join('/')
    .slice(0, NAME_MAX)
    .replace(/[/.-]+$/, '');
  return cleaned && !branchNameProblem(cleaned) ? cleaned : suggestBranchName(issue.issueKey, issue.summary);
};
