import { integrationChangeSummary, integrationCreatedSummary, overrideChangeSummary } from '../../lambdas/domain/audit-summary';
import type { IntegrationRecord } from '../../lambdas/domain/records';
import { integrationView } from '../../lambdas/services/integration-service';
import { savedSummary } from '../../jira-app/src/admin/saved-summary';

/** The audit entry (written by the API) and the admin page's confirmation (computed from views) say one thing in the same words. */
const record = (changes: Partial<IntegrationRecord> = {}): IntegrationRecord => ({
  tenant: 't',
  id: 'abcdef0123456789abcd',
  name: 'GitHub (acme)',
  provider: 'github',
  requireUserPat: false,
  projects: 'all',
  serviceCredential: { kind: 'token', ciphertext: 'c', hint: '…abcd', setAt: '2026-12-01T00:00:00Z' },
  version: 1,
  createdAt: '2026-12-01T00:00:00Z',
  createdBy: 'admin',
  updatedAt: '2026-12-01T00:00:00Z',
  updatedBy: 'admin',
  ...changes,
});

const naming = { template: '{issueType}/{issueKey}-{summary}', issueTypePrefixes: { Bug: 'bugfix' } };

describe('what changed, in the audit and on the admin page', () => {
  it.each([
    ['the policy', record(), record({ requireUserPat: true }), false, ['Require User PAT: off → on']],
    ['the name and projects', record(), record({ name: 'GitHub (corp)', projects: [{ id: '10000', key: 'DEMO' }] }), false, ['Name: GitHub (acme) → GitHub (corp)', 'Projects: all → DEMO']],
    ['branch names set', record(), record({ branchNaming: naming }), false, ['Branch names: default → {issueType}/{issueKey}-{summary} (Bug → bugfix)']],
    ['branch names cleared', record({ branchNaming: naming }), record(), false, ['Branch names: {issueType}/{issueKey}-{summary} (Bug → bugfix) → default']],
    ['the credential, never its value', record(), record({ serviceCredential: { kind: 'token', ciphertext: 'd', hint: '…wxyz', setAt: '2026-12-02T00:00:00Z' } }), true, ['Service credential: replaced']],
    ['nothing', record(), record(), false, []],
  ])('%s', (_what, before, after, replaced, lines) => {
    expect(integrationChangeSummary(before, after, replaced)).toEqual(lines);
    expect(savedSummary(integrationView(before, []), integrationView(after, []))).toEqual(lines);
    expect(JSON.stringify(lines)).not.toMatch(/ciphertext|wxyz/);
  });

  it('a new integration', () => {
    const created = record({ requireUserPat: true, branchNaming: naming });
    expect(integrationCreatedSummary(created)).toEqual(['Require User PAT: on', 'Projects: all', 'Branch names: {issueType}/{issueKey}-{summary} (Bug → bugfix)']);
    expect(savedSummary(undefined, integrationView(created, []))).toEqual(integrationCreatedSummary(created));
  });

  it('a repository override: requirement, projects and source branch', () => {
    expect(overrideChangeSummary('acme/web', undefined, { requireUserPat: false })).toEqual(['override acme/web: inherit → not required']);
    expect(overrideChangeSummary('acme/web', { requireUserPat: false }, { requireUserPat: false, projects: [{ id: '1', key: 'DEMO' }], defaultSourceBranch: 'develop' })).toEqual([
      'override acme/web projects: the integration\'s → DEMO',
      'override acme/web default source branch: the host\'s default → develop',
    ]);
    expect(overrideChangeSummary('acme/web', { requireUserPat: true }, undefined)).toEqual(['override acme/web: required → inherit']);
  });
});
