/**
 * The API's input rules (lambdas/domain/integration-schemas.ts), mirrored for the browser so a form
 * never sends what the API would refuse. Copied rather than imported: zod would add ~25 KB gzipped to
 * every page. test/unit/jira-app-rules.test.ts runs both over the same samples to keep them in step.
 * Each rule answers an error message, or undefined when the value is fine.
 */
import { branchNameProblem, branchTemplateProblem, issueTypeNameProblem, issueTypePrefixProblem } from '../../../lambdas/domain/branch-name';

export type Rule = (value: string) => string | undefined;

// eslint-disable-next-line no-control-regex -- names and ids must not carry control characters
const NO_CONTROL_OR_HASH = /^[^\u0000-\u001f#]+$/;
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

export const nameRule: Rule = (value) => {
  const trimmed = value.trim();
  if (trimmed.length === 0) return 'Enter a name.';
  if (trimmed.length > 100) return 'At most 100 characters.';
  if (!NO_CONTROL_OR_HASH.test(trimmed)) return 'No control characters or #.';
  return undefined;
};

export const tokenRule: Rule = (value) => {
  if (value.length === 0) return 'Paste the token.';
  if (value.length < 8) return 'A token has at least 8 characters.';
  if (value.length > 1024) return 'At most 1024 characters.';
  if (!PRINTABLE_ASCII.test(value)) return 'Printable ASCII without spaces.';
  return undefined;
};

export const accessKeyIdRule: Rule = (value) =>
  /^(AKIA|ASIA)[A-Z0-9]{16}$/.test(value) ? undefined : 'An IAM access key id (AKIA… or ASIA…, 20 characters).';

export const secretAccessKeyRule: Rule = (value) => (value.length === 40 ? undefined : 'A secret access key has 40 characters.');

export const usernameRule: Rule = (value) => (value.length === 0 ? 'Enter the user name.' : value.length > 256 ? 'At most 256 characters.' : undefined);

export const passwordRule: Rule = (value) => (value.length === 0 ? 'Enter the password.' : value.length > 1024 ? 'At most 1024 characters.' : undefined);

export const regionRule: Rule = (value) => (/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(value) ? undefined : 'An AWS region such as eu-west-1.');

/** The API checks more (https only, no private or metadata address after DNS); this catches typos early. */
export const baseUrlRule: Rule = (value) => {
  if (value.trim() === '') return 'Enter the base URL.';
  if (value.length > 2048) return 'At most 2048 characters.';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return 'A full URL such as https://git.example.com.';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'An https URL.';
  if (url.username || url.password) return 'No user name or password in the URL.';
  return undefined;
};

export const repositoryIdRule: Rule = (value) => {
  if (value.length === 0) return 'Enter a repository.';
  if (value.length > 300) return 'At most 300 characters.';
  if (!NO_CONTROL_OR_HASH.test(value)) return 'No control characters or #.';
  return undefined;
};

/** A date from a date input (yyyy-mm-dd), sent as the end of that day in UTC; must lie in the future. */
export const expiryDateRule = (now: Date): Rule => (value) => {
  if (value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T23:59:59Z`))) return 'A date such as 2027-01-31.';
  if (Date.parse(`${value}T23:59:59Z`) <= now.getTime()) return 'That date has passed: the token has expired.';
  return undefined;
};

export const expiryDateToIso = (value: string): string | undefined => (value === '' ? undefined : `${value}T23:59:59Z`);

export type Errors = Record<string, string>;

/** Runs rules over named values; answers only the failures. */
export const check = (pairs: readonly (readonly [field: string, value: string, rule: Rule])[]): Errors => {
  const errors: Errors = {};
  for (const [field, value, rule] of pairs) {
    const message = rule(value);
    if (message) errors[field] = message;
  }
  return errors;
};

/**
 * Branch naming (docs/architecture.md §5). The checks are pure functions shared with the API's zod
 * schemas (lambdas/domain/branch-name.ts, no zod inside), so page and API cannot drift apart.
 */
const sentence = (problem: string | undefined, what: string): string | undefined => (problem ? `${what} ${problem}.` : undefined);

/** A branch name template such as `{issueType}/{issueKey}-{summary}`. */
export const branchTemplateRule: Rule = (value) => sentence(branchTemplateProblem(value), 'The template');

/** An issue type's prefix (`bugfix`). */
export const issueTypePrefixRule: Rule = (value) => sentence(issueTypePrefixProblem(value), 'The prefix');

/** An issue type's name as Jira shows it (`Bug`). */
export const issueTypeNameRule: Rule = (value) => sentence(issueTypeNameProblem(value), 'The issue type');

/** A repository's default source branch (`develop`); empty: the host's default branch. */
export const sourceBranchRule: Rule = (value) => (value === '' ? undefined : sentence(branchNameProblem(value), 'The branch name'));
