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
 * A team's branch naming (docs/architecture.md §5): a template such as `{issueType}/{issueKey}-{summary}`
 * and issue type → prefix mapping (`Bug` → `bugfix`), stored in the integration item and rendered by the
 * issue panel. Here beside git's rules because this file is the one the pages may import (pure, zod-free):
 * the admin page runs these very checks (jira-app/src/common/rules.ts).
 */
export interface BranchNaming {
  readonly template: string;
  readonly issueTypePrefixes: Readonly<Record<string, string>>;
}

export const BRANCH_TEMPLATE_PLACEHOLDERS = ['issueKey', 'issueType', 'summary'] as const;
export const BRANCH_TEMPLATE_MAX = 100;
export const ISSUE_TYPE_PREFIXES_MAX = 30;
export const ISSUE_TYPE_NAME_MAX = 60;
export const PREFIX_MAX = 40;

// Sample values that pass git's rules on their own: the literal parts of a template decide whether its rendering does.
const SAMPLES: Readonly<Record<(typeof BRANCH_TEMPLATE_PLACEHOLDERS)[number], string>> = { issueKey: 'ABC-1', issueType: 'story', summary: 'fix-login' };

/** What is wrong with a template, or undefined: known placeholders only, `{issueKey}` present, bounded, and git's ref rules. */
export const branchTemplateProblem = (template: string): string | undefined => {
  if (template.length === 0) return 'must not be empty';
  if (template.length > BRANCH_TEMPLATE_MAX) return `must be at most ${BRANCH_TEMPLATE_MAX} characters`;
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1] ?? '').find((name) => !(BRANCH_TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name));
  if (unknown !== undefined) return `unknown placeholder {${unknown}}: use {issueKey}, {issueType} or {summary}`;
  const rendered = template.replace(/\{(issueKey|issueType|summary)\}/g, (_all, name: keyof typeof SAMPLES) => SAMPLES[name]);
  if (/[{}]/.test(rendered)) return 'a { or } outside a placeholder';
  if (!template.includes('{issueKey}')) return 'must contain {issueKey}, so the branch can be found from its issue';
  const problem = branchNameProblem(rendered);
  return problem ? `its branch names ${problem}` : undefined;
};

/** An issue type's prefix: itself a branch name component or path (`bugfix`, `team/fix`). */
export const issueTypePrefixProblem = (prefix: string): string | undefined => {
  if (prefix.length > PREFIX_MAX) return `must be at most ${PREFIX_MAX} characters`;
  if (/[{}]/.test(prefix)) return 'must not contain { or }';
  return branchNameProblem(prefix);
};

// eslint-disable-next-line no-control-regex -- Jira issue type names never hold control characters
const ISSUE_TYPE_NAME = /^[^\u0000-\u001f\u007f]+$/;

/** An issue type's name as Jira shows it (`Bug`, `Story`, a team's own type). */
export const issueTypeNameProblem = (name: string): string | undefined => {
  if (name.trim().length === 0) return 'must not be empty';
  if (name.length > ISSUE_TYPE_NAME_MAX) return `must be at most ${ISSUE_TYPE_NAME_MAX} characters`;
  if (!ISSUE_TYPE_NAME.test(name)) return 'must not contain control characters';
  return undefined;
};

/** How a branch naming reads in the audit log: the template, then the mapping. */
export const branchNamingLabel = (naming: BranchNaming | undefined): string => {
  if (!naming) return 'default';
  const prefixes = Object.entries(naming.issueTypePrefixes).map(([type, prefix]) => `${type} → ${prefix}`);
  return prefixes.length ? `${naming.template} (${prefixes.join(', ')})` : naming.template;
};

/**
 * Whether a branch name or a title carries the issue key, as Jira's development panel matches them:
 * case-insensitively, and `ABC-12` is not `ABC-123`. The issue panel bundles this file too.
 */
export const carriesIssueKey = (text: string, issueKey: string): boolean => {
  const escaped = issueKey.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^0-9])`, 'i').test(text);
};
