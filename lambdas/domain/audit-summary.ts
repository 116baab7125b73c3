import { branchNamingLabel } from './branch-name';
import type { IntegrationRecord, RepositoryOverrideRecord } from './records';
import { scopeOf, type ProjectRef, type ProjectScope } from './project-association';

/**
 * "What changed" as people read it in the audit log (docs/architecture.md §5): computed at write time
 * from the records before and after, stored in the entry, never a secret (a credential is only "replaced").
 */
const onOff = (value: boolean | undefined): string => (value ? 'on' : 'off');
const requirement = (value: boolean | null | undefined): string => (value === true ? 'required' : value === false ? 'not required' : 'inherit');

export const projectsLabel = (scope: ProjectScope | readonly ProjectRef[] | undefined): string => {
  const resolved = scopeOf(scope);
  return resolved === 'all' ? 'all' : resolved.map((p) => p.key).join(', ');
};

/** The settings a summary names (jira-app/src/admin/saved-summary.ts confirms a save in the same words). */
export type SummarisedIntegration = Pick<IntegrationRecord, 'name' | 'baseUrl' | 'region' | 'tfsVersion' | 'requireUserPat' | 'projects' | 'branchNaming'>;

const change = (what: string, from: string, to: string): string[] => (from === to ? [] : [`${what}: ${from} → ${to}`]);

/** An integration as created: each setting once. */
export const integrationCreatedSummary = (record: SummarisedIntegration): string[] => [
  `Require User PAT: ${onOff(record.requireUserPat)}`,
  `Projects: ${projectsLabel(record.projects)}`,
  ...(record.branchNaming ? [`Branch names: ${branchNamingLabel(record.branchNaming)}`] : []),
];

/** An integration's change: one line per setting that differs; a new service credential is only "replaced". */
export const integrationChangeSummary = (previous: SummarisedIntegration, next: SummarisedIntegration, credentialReplaced: boolean): string[] => [
  ...change('Name', previous.name, next.name),
  ...change('Base URL', previous.baseUrl ?? 'none', next.baseUrl ?? 'none'),
  ...change('Region', previous.region ?? 'none', next.region ?? 'none'),
  ...change('TFS version', previous.tfsVersion ?? 'none', next.tfsVersion ?? 'none'),
  ...change('Require User PAT', onOff(previous.requireUserPat), onOff(next.requireUserPat)),
  ...change('Projects', projectsLabel(previous.projects), projectsLabel(next.projects)),
  ...change('Branch names', branchNamingLabel(previous.branchNaming), branchNamingLabel(next.branchNaming)),
  ...(credentialReplaced ? ['Service credential: replaced'] : []),
];

type OverrideState = Pick<RepositoryOverrideRecord, 'requireUserPat' | 'projects' | 'defaultSourceBranch'> | undefined;

/** A repository override's change (`next` undefined: removed): `override acme/web: inherit → not required`. */
export const overrideChangeSummary = (repositoryId: string, previous: OverrideState, next: OverrideState): string[] => [
  ...change(`override ${repositoryId}`, requirement(previous?.requireUserPat), requirement(next?.requireUserPat)),
  ...change(`override ${repositoryId} projects`, previous?.projects ? projectsLabel(previous.projects) : 'the integration\'s', next?.projects ? projectsLabel(next.projects) : 'the integration\'s'),
  ...change(`override ${repositoryId} default source branch`, previous?.defaultSourceBranch ?? 'the host\'s default', next?.defaultSourceBranch ?? 'the host\'s default'),
];
