import type { JiraRestClient } from '../../lambdas/jira/jira-rest-client';
import { issueLinks, remoteLinkGlobalId, remoteLinkRequest, type LinkedItem } from '../../lambdas/services/issue-links';
import { noTelemetry, useTelemetry } from '../../lambdas/observability/telemetry';

const place = { integrationId: 'int12345', integrationName: 'GitHub Acme', repository: 'acme/web' };
const branch = (overrides: Partial<Extract<LinkedItem, { kind: 'branch' }>> = {}): LinkedItem => ({
  kind: 'branch',
  place,
  branchName: 'ABC-1-fix-login',
  url: 'https://github.com/acme/web/tree/ABC-1-fix-login',
  actedAs: { credential: 'user-pat', login: 'octocat' },
  ...overrides,
});

describe('remote link request', () => {
  it('names the branch and who acted: the user\'s login with their own token, or the integration account', () => {
    expect(remoteLinkRequest(branch())).toMatchObject({ object: { title: 'Branch ABC-1-fix-login created by octocat (own token)', url: 'https://github.com/acme/web/tree/ABC-1-fix-login', summary: 'GitHub Acme: acme/web', icon: { url16x16: 'https://github.com/favicon.ico' } } });
    expect(remoteLinkRequest(branch({ actedAs: { credential: 'service-account' } }))).toMatchObject({ object: { title: 'Branch ABC-1-fix-login created by the integration account' } });
    const pr: LinkedItem = { kind: 'pull-request', place, pullRequestId: '42', title: 'ABC-1 fix', url: 'https://github.com/acme/web/pull/42', actedAs: { credential: 'user-pat', login: 'octocat' } };
    expect(remoteLinkRequest(pr)).toMatchObject({ object: { title: 'Pull request 42 "ABC-1 fix" opened by octocat (own token)', status: { resolved: false } } });
  });

  it('keeps every field within Jira\'s 255 characters, whatever the branch name or title', () => {
    const body = remoteLinkRequest(branch({ branchName: `b/${'x'.repeat(300)}`, place: { ...place, repository: 'r'.repeat(300) } })) as { globalId: string; object: { title: string; summary: string } };
    expect(body.globalId.length).toBeLessThanOrEqual(255);
    expect(body.object.title.length).toBe(255);
    expect(body.object.title.endsWith('…')).toBe(true);
    expect(body.object.summary.length).toBe(255);
  });

  it('globalId: the same for the same integration, repository and branch (so a retry updates), different otherwise, URL-safe', () => {
    const id = remoteLinkGlobalId('branch', place, 'main');
    expect(remoteLinkGlobalId('branch', { integrationId: 'int12345', repository: 'acme/web' }, 'main')).toBe(id);
    expect(new Set([id, remoteLinkGlobalId('branch', { ...place, repository: 'acme/api' }, 'main'), remoteLinkGlobalId('branch', { ...place, integrationId: 'int99999' }, 'main'), remoteLinkGlobalId('branch', place, 'dev'), remoteLinkGlobalId('pull-request', place, 'main')]).size).toBe(5);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    // Repository and branch are hashed apart: ("a/b", "c") and ("a", "b/c") are different items.
    expect(remoteLinkGlobalId('branch', { ...place, repository: 'a/b' }, 'c')).not.toBe(remoteLinkGlobalId('branch', { ...place, repository: 'a' }, 'b/c'));
  });
});

describe('issueLinks is best effort', () => {
  // A stand-in Jira client: what the real clients cannot be made to do on demand (throw something
  // that is not an AppError). The simulator-backed story test covers real 500s and refusals.
  const throwing: JiraRestClient = { send: () => Promise.reject(new TypeError('boom')) };
  const refusing: JiraRestClient = { send: () => Promise.resolve({ status: 400, body: { errorMessages: [], errors: { title: 'bad' } } }) };

  it('never throws; each failed call is counted once as JiraCallFailed(remotelink)', async () => {
    const counted: string[] = [];
    const previous = useTelemetry({ ...noTelemetry, jiraCallFailed: (op) => counted.push(op) });
    try {
      await expect(issueLinks.upsert(throwing, 'ABC-1', branch())).resolves.toBeUndefined();
      await expect(issueLinks.upsert(refusing, 'ABC-1', branch())).resolves.toBeUndefined();
      await expect(issueLinks.remove(throwing, 'ABC-1', place, 'main')).resolves.toBeUndefined();
      expect(counted).toEqual(['remotelink', 'remotelink', 'remotelink']);
      // A host answer without a web URL is not linked at all (nothing to count).
      await issueLinks.upsert(throwing, 'ABC-1', branch({ url: 'javascript:alert(1)' }));
      expect(counted).toHaveLength(3);
    } finally {
      useTelemetry(previous);
    }
  });
});
