import { createHash } from 'node:crypto';
import type { JiraRestClient } from '../jira/jira-rest-client';
import { logger } from '../observability/logger';
import { telemetry } from '../observability/telemetry';

/** Who the host saw acting (the `actedAs` of a git action's answer). */
export interface LinkActor {
  readonly credential: 'user-pat' | 'service-account';
  readonly login?: string;
}

/** Where a branch or pull request lives: the integration and the repository under its canonical id. */
export interface LinkPlace {
  readonly integrationId: string;
  readonly integrationName: string;
  readonly repository: string;
}

/** Something a git action made on the host that the issue should show. */
export type LinkedItem =
  | { readonly kind: 'branch'; readonly place: LinkPlace; readonly branchName: string; readonly url: string; readonly actedAs: LinkActor }
  | { readonly kind: 'pull-request'; readonly place: LinkPlace; readonly pullRequestId: string; readonly title: string; readonly url: string; readonly actedAs: LinkActor };

/** Jira keeps globalId, title, relationship and the application's name and type to 255 characters. */
const MAX_FIELD = 255;

const clip = (text: string, max = MAX_FIELD): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/**
 * The remote link's `globalId`: one per integration, repository (canonical id) and branch name or
 * pull-request id, so the same item posted again updates its link (Jira upserts by globalId) and a
 * deleted branch's link is found again. Hashed: fixed length under Jira's 255, and only characters
 * that need no escaping in the `?globalId=` of a delete.
 */
export const remoteLinkGlobalId = (kind: LinkedItem['kind'], place: Pick<LinkPlace, 'integrationId' | 'repository'>, name: string): string => {
  const digest = createHash('sha256').update(`${place.integrationId}\u0000${place.repository}\u0000${name}`).digest('base64url');
  return `patgate-${kind}-${place.integrationId}-${digest}`;
};

const who = (actedAs: LinkActor): string =>
  actedAs.credential === 'user-pat' ? (actedAs.login ? `${actedAs.login} (own token)` : 'the user (own token)') : 'the integration account';

/** The body of `POST /rest/api/3/issue/{key}/remotelink` (RemoteIssueLinkRequest in Jira's platform OpenAPI). */
export const remoteLinkRequest = (item: LinkedItem): Record<string, unknown> => {
  const isBranch = item.kind === 'branch';
  const title = isBranch ? `Branch ${item.branchName} created by ${who(item.actedAs)}` : `Pull request ${item.pullRequestId} "${item.title}" opened by ${who(item.actedAs)}`;
  return {
    globalId: remoteLinkGlobalId(item.kind, item.place, isBranch ? item.branchName : item.pullRequestId),
    application: { type: 'patgate.git', name: 'patgate' },
    relationship: 'git',
    object: {
      url: item.url,
      title: clip(title),
      summary: clip(`${item.place.integrationName}: ${item.place.repository}`),
      icon: { title: isBranch ? 'Branch' : 'Pull request', url16x16: new URL('/favicon.ico', item.url).href },
      ...(isBranch ? {} : { status: { resolved: false } }),
    },
  };
};

const failed = (operation: 'create' | 'delete', detail: Record<string, unknown>): void => {
  logger.warn('Jira remote link not written; the git action stands', { operation, ...detail });
  telemetry.jiraCallFailed('remotelink');
};

const isWebUrl = (value: string): boolean => {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * Shows git actions on the Jira issue as remote links, as the app (the app system token).
 * Best effort: neither function throws;
 * a failed Jira call is logged and counted (`JiraCallFailed`, operation `remotelink`), and the
 * git action's answer does not change. Each is one Jira call (the client's 3 s deadline).
 */
export const issueLinks = {
  /** Creates the item's link on the issue, or updates it when one with its globalId exists. */
  async upsert(jira: JiraRestClient, issueKey: string, item: LinkedItem): Promise<void> {
    if (!isWebUrl(item.url)) return;
    try {
      const answer = await jira.send('POST', `/rest/api/3/issue/${encodeURIComponent(issueKey)}/remotelink`, { body: remoteLinkRequest(item) });
      if (answer.status !== 200 && answer.status !== 201) failed('create', { status: answer.status });
    } catch (error) {
      failed('create', { error: (error as Error).name, code: (error as { code?: string }).code });
    }
  },

  /**
   * Removes a deleted branch's link: it would lead to a page the host no longer has, and the audit
   * log keeps who deleted it. A link that is already gone (404) is the wanted state.
   */
  async remove(jira: JiraRestClient, issueKey: string, place: Pick<LinkPlace, 'integrationId' | 'repository'>, branchName: string): Promise<void> {
    try {
      const answer = await jira.send('DELETE', `/rest/api/3/issue/${encodeURIComponent(issueKey)}/remotelink`, { query: { globalId: remoteLinkGlobalId('branch', place, branchName) } });
      if (answer.status !== 204 && answer.status !== 404) failed('delete', { status: answer.status });
    } catch (error) {
      failed('delete', { error: (error as Error).name, code: (error as { code?: string }).code });
    }
  },
};
