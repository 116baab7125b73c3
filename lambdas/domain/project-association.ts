import { AppError } from './errors';

/**
 * A Jira project as patgate stores it: Jira's numeric id (stable; what decides) and the key it had
 * when the admin named it (what is shown; a key can change, an id never does).
 */
export interface ProjectRef {
  readonly id: string;
  readonly key: string;
}

/** Which Jira projects may reach an integration or one of its repositories: `all`, or these. */
export type ProjectScope = 'all' | readonly ProjectRef[];

/** An integration stored before project association has none: every project, as before. */
export const scopeOf = (projects: ProjectScope | undefined): ProjectScope => projects ?? 'all';

const idsOf = (scope: readonly ProjectRef[]): Set<string> => new Set(scope.map((p) => p.id));

/**
 * docs/architecture.md §3 step 0: whether an issue's project may reach a repository. The
 * integration's scope holds, and an override's scope (if any) narrows it further. Pure.
 */
export const projectAssociated = (integration: ProjectScope | undefined, override: ProjectScope | undefined, projectId: string): boolean => {
  const scopes = [scopeOf(integration), scopeOf(override)];
  return scopes.every((scope) => scope === 'all' || idsOf(scope).has(projectId));
};

/** The projects an override's scope names that its integration's scope does not: empty when it only narrows. */
export const widenedProjects = (integration: ProjectScope | undefined, override: ProjectScope | undefined): readonly string[] => {
  // An override without projects inherits its integration's: it narrows nothing and widens nothing.
  if (override === undefined) return [];
  const outer = scopeOf(integration);
  const inner = override;
  if (outer === 'all') return [];
  if (inner === 'all') return ['all projects'];
  const allowed = idsOf(outer);
  return inner.filter((p) => !allowed.has(p.id)).map((p) => p.key);
};

/** An override may narrow its integration's projects, never widen them: 400 on `field` otherwise. */
export const requireNarrowing = (integration: ProjectScope | undefined, override: ProjectScope | undefined, field: string): void => {
  const wider = widenedProjects(integration, override);
  if (wider.length === 0) return;
  throw new AppError('VALIDATION_FAILED', 'A repository may only narrow its integration\'s projects, never widen them.', {
    errors: [{ field, message: `not among the integration's projects: ${wider.join(', ')}` }],
  });
};

/** How the admin page shows a scope: `all` or the keys. */
export const scopeLabel = (scope: ProjectScope | undefined): string => {
  const resolved = scopeOf(scope);
  return resolved === 'all' ? 'all' : resolved.map((p) => p.key).join(', ');
};

/** The refusal for an issue whose project may not reach the integration or repository (docs/architecture.md §3 step 0). */
export const notAssociated = (integrationName: string, projectKey: string, repository?: string): AppError =>
  new AppError(
    'FORBIDDEN',
    repository
      ? `${integrationName} does not allow ${repository} from project ${projectKey}: your Jira administrator limited it to other projects.`
      : `${integrationName} is not available in project ${projectKey}: your Jira administrator limited it to other projects.`,
    { extensions: { reason: 'project-not-associated', projectKey } },
  );
