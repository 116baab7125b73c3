import * as z from 'zod';

/**
 * A Jira issue key (`ABC-123`): project key, then the issue number. Shared by the request
 * authenticator (which resolves the project from it) and the git-action schemas.
 */
export const ISSUE_KEY_PATTERN = /^([A-Z][A-Z0-9_]{0,49})-([1-9][0-9]{0,9})$/;

export const issueKeySchema = z.string().regex(ISSUE_KEY_PATTERN, 'an issue key like ABC-123');
