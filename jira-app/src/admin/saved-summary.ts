import { branchNamingLabel } from '../../../lambdas/domain/branch-name';
import type { IntegrationView } from '../api/patgate';

/**
 * What an Add or Update saved, as the confirmation says it: the same words as the audit entry the API
 * wrote (lambdas/domain/audit-summary.ts), computed here from the views before and after (the page
 * bundles may not import that server module; test/unit/audit-summary.test.ts checks both read alike).
 */
const onOff = (value: boolean): string => (value ? 'on' : 'off');
const projectsOf = (view: IntegrationView): string => (view.projects === 'all' ? 'all' : view.projects.map((p) => p.key).join(', '));
const change = (what: string, from: string, to: string): string[] => (from === to ? [] : [`${what}: ${from} → ${to}`]);

export const savedSummary = (before: IntegrationView | undefined, after: IntegrationView): string[] => {
  if (!before) {
    return [`Require User PAT: ${onOff(after.requireUserPat)}`, `Projects: ${projectsOf(after)}`, ...(after.branchNaming ? [`Branch names: ${branchNamingLabel(after.branchNaming)}`] : [])];
  }
  return [
    ...change('Name', before.name, after.name),
    ...change('Base URL', before.baseUrl ?? 'none', after.baseUrl ?? 'none'),
    ...change('Region', before.region ?? 'none', after.region ?? 'none'),
    ...change('TFS version', before.tfsVersion ?? 'none', after.tfsVersion ?? 'none'),
    ...change('Require User PAT', onOff(before.requireUserPat), onOff(after.requireUserPat)),
    ...change('Projects', projectsOf(before), projectsOf(after)),
    ...change('Branch names', branchNamingLabel(before.branchNaming), branchNamingLabel(after.branchNaming)),
    ...(before.serviceCredential.setAt !== after.serviceCredential.setAt ? ['Service credential: replaced'] : []),
  ];
};
