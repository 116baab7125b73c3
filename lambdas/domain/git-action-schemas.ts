import * as z from 'zod';
import { branchNameProblem } from './branch-name';
import { integrationIdSchema, repositoryIdSchema } from './integration-schemas';
import { issueKeySchema } from './issue-key';

/** Request bodies of the git actions (POST/DELETE /api/git/...): the route table and the service parse with these. */
const branchName = z.string().superRefine((value, ctx) => {
  const problem = branchNameProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `not a valid git branch name: ${problem}` });
});
const target = { integrationId: integrationIdSchema, repositoryId: repositoryIdSchema, issueKey: issueKeySchema };

export const createBranchSchema = z.strictObject({ ...target, branchName, fromRef: branchName });
export const deleteBranchSchema = z.strictObject({ ...target, branchName });
export const createPullRequestSchema = z.strictObject({
  ...target,
  sourceBranch: branchName,
  targetBranch: branchName,
  title: z.string().trim().min(1).max(255),
  description: z.string().max(10_000).optional(),
});
