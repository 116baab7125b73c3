import { isAppError } from '../../lambdas/domain/errors';
import { projectAssociated, requireNarrowing, scopeLabel, widenedProjects, type ProjectScope } from '../../lambdas/domain/project-association';

const DEMO = { id: '10001', key: 'DEMO' };
const OPS = { id: '10002', key: 'OPS' };
const PROJ = { id: '10003', key: 'PROJ' };

const scopes: Record<string, ProjectScope | undefined> = { 'absent (older item)': undefined, all: 'all', 'DEMO': [DEMO], 'DEMO, OPS': [DEMO, OPS] };

describe('project association (docs/architecture.md §3 step 0)', () => {
  // Every combination of integration scope × override scope × issue project, against the rule stated plainly.
  const allows = (scope: ProjectScope | undefined, projectId: string): boolean => scope === undefined || scope === 'all' || scope.some((p) => p.id === projectId);
  for (const [integrationName, integration] of Object.entries(scopes)) {
    for (const [overrideName, override] of Object.entries(scopes)) {
      for (const project of [DEMO, OPS, PROJ]) {
        it(`integration ${integrationName}, override ${overrideName}, issue in ${project.key}`, () => {
          expect(projectAssociated(integration, override, project.id)).toBe(allows(integration, project.id) && allows(override, project.id));
        });
      }
    }
  }

  it('an override may narrow, never widen', () => {
    expect(widenedProjects('all', [DEMO])).toEqual([]);
    expect(widenedProjects([DEMO, OPS], [DEMO])).toEqual([]);
    expect(widenedProjects([DEMO], undefined)).toEqual([]);
    expect(widenedProjects([DEMO], [DEMO, OPS])).toEqual(['OPS']);
    expect(widenedProjects([DEMO], 'all')).toEqual(['all projects']);
    expect(() => requireNarrowing([DEMO], [DEMO], 'projects')).not.toThrow();
    let thrown: unknown;
    try {
      requireNarrowing([DEMO], [OPS], 'projects');
    } catch (error) {
      thrown = error;
    }
    expect(isAppError(thrown) && [thrown.status, thrown.code, thrown.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: 'projects', message: expect.stringContaining('OPS') }]]);
  });

  it('ids decide, keys are shown', () => {
    expect(projectAssociated([{ id: DEMO.id, key: 'OLDKEY' }], undefined, DEMO.id)).toBe(true);
    expect(scopeLabel(undefined)).toBe('all');
    expect(scopeLabel([DEMO, OPS])).toBe('DEMO, OPS');
  });
});
