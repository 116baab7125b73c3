import { router, view } from '@forge/bridge';

/**
 * What the host page tells the app: the integration a deep link asks to focus (`?integrationId=`,
 * or Connect's `ac.integrationId`) and the product context (the issue for the issue panel).
 */
export const focusedIntegrationId = async (): Promise<string | undefined> => {
  try {
    const history = await view.createHistory();
    const params = new URLSearchParams(history.location.search);
    return params.get('integrationId') ?? params.get('ac.integrationId') ?? undefined;
  } catch {
    return undefined;
  }
};

export interface IssueContext {
  readonly issueKey: string;
  readonly summary?: string;
}

export const issueContext = async (): Promise<IssueContext | undefined> => {
  const context = (await view.getContext()) as { extension?: { issue?: { key?: string; summary?: string } } };
  const issue = context.extension?.issue;
  return issue?.key ? { issueKey: issue.key, ...(issue.summary ? { summary: issue.summary } : {}) } : undefined;
};

/** Opens a page of the user's Jira (e.g. the setupUrl of Personal settings) in the same tab. */
export const openInJira = (url: string): Promise<void> => router.navigate(url);
