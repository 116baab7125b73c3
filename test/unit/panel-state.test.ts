import type { Problem } from '../../jira-app/src/api/client';
import type { IssueDevelopment, MyIntegrationsForIssue } from '../../jira-app/src/api/patgate';
import {
  actionReducer,
  EDITING,
  INITIAL_PANEL_STATE,
  integrationView,
  panelReducer,
  type ActionPhase,
  type PanelEvent,
  type PanelIntegration,
  type PanelState,
} from '../../jira-app/src/panel/panel-state';

/** The issue panel's state machine (docs/architecture.md §11), every transition as a pure function. */

const integration = (fields: Partial<PanelIntegration> = {}): PanelIntegration => ({
  integrationId: 'int-1',
  name: 'GitHub (acme)',
  provider: 'github',
  requireUserPat: false,
  repositoryOverrides: [],
  patSupported: true,
  status: 'missing',
  newTokenUrl: 'https://github.example/settings/tokens/new',
  setupUrl: 'https://site.example/settings',
  availableInProject: true,
  ...fields,
});

const answer = (integrations: PanelIntegration[], issue: Partial<MyIntegrationsForIssue['issue']> = {}): MyIntegrationsForIssue => ({
  integrations,
  issue: { issueKey: 'DEMO-1', projectKey: 'DEMO', projectId: '10000', viewDevTools: true, ...issue },
});

const problem = (code: string, detail = `${code} detail`): Problem => ({ status: 400, code, detail });
const run = (events: PanelEvent[], from: PanelState = INITIAL_PANEL_STATE): PanelState => events.reduce(panelReducer, from);
const opened = (integrations: PanelIntegration[], issue: Partial<MyIntegrationsForIssue['issue']> = {}): PanelEvent => ({ type: 'opened', issue: { issueKey: 'DEMO-1', summary: 'Fix login timeout' }, answer: answer(integrations, issue) });
const stepOf = (state: PanelState) => (state.kind === 'open' && state.view.kind === 'repositories' ? state.view.step : undefined);
const ready = { status: 'ready', actedAs: { credential: 'service-account' } } as const;

describe('opening the panel', () => {
  it('no View Development Tools: says so and nothing else, even with integrations (and before "no integrations")', () => {
    const state = run([opened([integration()], { viewDevTools: false, message: 'You need View Development Tools in DEMO.' })]);
    expect(state).toEqual({ kind: 'no-permission', issue: { issueKey: 'DEMO-1', projectKey: 'DEMO', summary: 'Fix login timeout' }, message: 'You need View Development Tools in DEMO.' });
    expect(run([opened([], { viewDevTools: false })]).kind).toBe('no-permission');
  });

  it('no integrations; a failed open; the first integration available in the project is chosen', () => {
    expect(run([opened([])]).kind).toBe('no-integrations');
    expect(run([{ type: 'open-failed', message: 'down' }])).toEqual({ kind: 'load-failed', message: 'down' });
    const state = run([opened([integration({ integrationId: 'a', availableInProject: false }), integration({ integrationId: 'b' })])]);
    expect(state.kind === 'open' && state.integrationId).toBe('b');
  });

  it('the issue\'s type from the API; its summary from the page context when it has one, else the API\'s', () => {
    const state = run([opened([integration()], { summary: 'From Jira', issueType: 'Bug' })]);
    expect(state.kind === 'open' && state.issue).toEqual({ issueKey: 'DEMO-1', projectKey: 'DEMO', summary: 'Fix login timeout', issueType: 'Bug' });
    const apiOnly = run([{ type: 'opened', issue: { issueKey: 'DEMO-1' }, answer: answer([integration()], { summary: 'From Jira' }) }]);
    expect(apiOnly.kind === 'open' && apiOnly.issue.summary).toBe('From Jira');
  });
});

describe('integrationView: setup for the whole integration only when no repository can do without the user\'s token', () => {
  it('policy on, no token, no override: setup required (PAT_REQUIRED / PAT_EXPIRED / PAT_INVALID by token status)', () => {
    expect(integrationView(integration({ requireUserPat: true }))).toMatchObject({ kind: 'setup-required', refusal: { code: 'PAT_REQUIRED' } });
    expect(integrationView(integration({ requireUserPat: true, status: 'expired' }))).toMatchObject({ refusal: { code: 'PAT_EXPIRED' } });
    expect(integrationView(integration({ requireUserPat: true, status: 'invalid' }))).toMatchObject({ refusal: { code: 'PAT_INVALID' } });
    expect(integrationView(integration({ requireUserPat: true, patSupported: false }))).toMatchObject({ refusal: { code: 'PAT_NOT_SUPPORTED' } });
  });

  it('a "Not required" override: the user picks a repository instead (readiness per repository)', () => {
    const view = integrationView(integration({ requireUserPat: true, repositoryOverrides: [{ repositoryId: 'acme/web', requireUserPat: false }] }));
    expect(view).toEqual({ kind: 'repositories', list: { status: 'not-asked' }, step: { kind: 'choose' } });
  });

  it('a valid or expiring token, or the policy off: repositories; not associated: unavailable', () => {
    expect(integrationView(integration({ requireUserPat: true, status: 'valid' })).kind).toBe('repositories');
    expect(integrationView(integration({ requireUserPat: true, status: 'expiring' })).kind).toBe('repositories');
    expect(integrationView(integration()).kind).toBe('repositories');
    expect(integrationView(integration({ availableInProject: false })).kind).toBe('unavailable');
  });
});

describe('one repository: readiness, then its branches', () => {
  const overridden = integration({ requireUserPat: true, repositoryOverrides: [{ repositoryId: 'acme/web', requireUserPat: false }, { repositoryId: 'acme/strict', requireUserPat: true }] });
  const start = run([opened([overridden])]);

  it('the list refused for want of a token offers the exempted repositories to type', () => {
    const state = run([{ type: 'repositories-listing' }, { type: 'repositories-refused', problem: problem('PAT_REQUIRED') }], start);
    expect(state.kind === 'open' && state.view.kind === 'repositories' && state.view.list).toEqual({ status: 'refused', problem: problem('PAT_REQUIRED'), options: [{ id: 'acme/web', name: 'acme/web' }] });
  });

  it('listed repositories; a listing already there is not reset by a new search', () => {
    const listed = run([{ type: 'repositories-listed', options: [{ id: 'acme/web', name: 'acme/web' }] }, { type: 'repositories-listing' }], start);
    expect(listed.kind === 'open' && listed.view.kind === 'repositories' && listed.view.list.status).toBe('listed');
  });

  it('ready, service account → loading its branches → Ready with the default branch first', () => {
    const state = run(
      [
        { type: 'repository-chosen', repositoryId: 'acme/web' },
        { type: 'readiness-answered', repositoryId: 'acme/web', readiness: ready },
        { type: 'branches-listed', repositoryId: 'acme/web', branches: [{ name: 'DEMO-1-x', isDefault: false }, { name: 'main', isDefault: true }] },
      ],
      start,
    );
    expect(stepOf(state)).toEqual({ kind: 'ready', repositoryId: 'acme/web', readiness: ready, branches: [{ name: 'main', isDefault: true }, { name: 'DEMO-1-x', isDefault: false }] });
  });

  it('a failed branch list is never Ready: the host\'s refusal in place; a PAT refusal is setup for that repository', () => {
    const loading = run([{ type: 'repository-chosen', repositoryId: 'acme/web' }, { type: 'readiness-answered', repositoryId: 'acme/web', readiness: ready }], start);
    expect(stepOf(loading)?.kind).toBe('loading-branches');
    expect(stepOf(panelReducer(loading, { type: 'branches-failed', repositoryId: 'acme/web', problem: problem('HOST_UNAVAILABLE') }))).toEqual({ kind: 'host-refused', repositoryId: 'acme/web', problem: problem('HOST_UNAVAILABLE') });
    expect(stepOf(panelReducer(loading, { type: 'branches-failed', repositoryId: 'acme/web', problem: problem('PAT_INVALID') }))).toMatchObject({ kind: 'setup-required', repositoryId: 'acme/web', refusal: { code: 'PAT_INVALID' } });
  });

  it('readiness refused for this repository: setup for it; readiness failing otherwise: the refusal in place', () => {
    const checking = run([{ type: 'repository-chosen', repositoryId: 'acme/strict' }], start);
    expect(stepOf(checking)).toEqual({ kind: 'checking', repositoryId: 'acme/strict' });
    const refused = { status: 'refused', code: 'PAT_REQUIRED', message: 'Needs your token' } as const;
    expect(stepOf(panelReducer(checking, { type: 'readiness-answered', repositoryId: 'acme/strict', readiness: refused }))).toEqual({ kind: 'setup-required', repositoryId: 'acme/strict', refusal: refused });
    expect(stepOf(panelReducer(checking, { type: 'readiness-failed', repositoryId: 'acme/strict', problem: problem('FORBIDDEN') }))?.kind).toBe('host-refused');
    expect(stepOf(panelReducer(checking, { type: 'readiness-failed', repositoryId: 'acme/strict', problem: problem('PAT_EXPIRED') }))?.kind).toBe('setup-required');
  });

  it('answers for another repository than the one shown are ignored (stale requests)', () => {
    const checking = run([{ type: 'repository-chosen', repositoryId: 'acme/web' }], start);
    expect(panelReducer(checking, { type: 'readiness-answered', repositoryId: 'acme/old', readiness: ready })).toBe(checking);
    expect(panelReducer(checking, { type: 'branches-listed', repositoryId: 'acme/web', branches: [] })).toBe(checking);
    expect(panelReducer(checking, { type: 'action-refused', repositoryId: 'acme/old', problem: problem('PAT_INVALID') })).toBe(checking);
  });

  it('an action refused for the token sends the repository to setup; clearing the repository returns to choose', () => {
    const readyState = run(
      [
        { type: 'repository-chosen', repositoryId: 'acme/web' },
        { type: 'readiness-answered', repositoryId: 'acme/web', readiness: ready },
        { type: 'branches-listed', repositoryId: 'acme/web', branches: [] },
      ],
      start,
    );
    expect(stepOf(panelReducer(readyState, { type: 'action-refused', repositoryId: 'acme/web', problem: problem('PAT_INVALID') }))?.kind).toBe('setup-required');
    expect(stepOf(panelReducer(readyState, { type: 'repository-chosen', repositoryId: undefined }))).toEqual({ kind: 'choose' });
  });

  it('choosing another integration starts over there (and hides its development list)', () => {
    const two = run([opened([integration({ integrationId: 'a' }), integration({ integrationId: 'b', requireUserPat: true })]), { type: 'repository-chosen', repositoryId: 'x/y' }, { type: 'development-requested' }]);
    const state = panelReducer(two, { type: 'integration-chosen', integrationId: 'b' });
    expect(state.kind === 'open' && [state.integrationId, state.view.kind, state.development.status]).toEqual(['b', 'setup-required', 'hidden']);
    expect(panelReducer(two, { type: 'integration-chosen', integrationId: 'nope' })).toBe(two);
  });

  it('events that make no sense in a state leave it as it is', () => {
    const noPermission = run([opened([integration()], { viewDevTools: false })]);
    for (const event of [{ type: 'repository-chosen', repositoryId: 'a/b' }, { type: 'development-requested' }, { type: 'integration-chosen', integrationId: 'int-1' }] as PanelEvent[]) {
      expect(panelReducer(noPermission, event)).toBe(noPermission);
    }
    const setup = run([opened([integration({ requireUserPat: true })])]);
    expect(panelReducer(setup, { type: 'repository-chosen', repositoryId: 'a/b' })).toBe(setup);
  });
});

describe('the issue\'s development list', () => {
  const development: IssueDevelopment = { issueKey: 'DEMO-1', integrationId: 'int-1', pullRequestNoun: 'pull request', branches: [], pullRequests: [], repositories: [], hostCalls: 0 };
  const start = run([opened([integration()])]);

  it('hidden → loading → listed or failed; an answer for another integration is dropped', () => {
    const loading = panelReducer(start, { type: 'development-requested' });
    expect(loading.kind === 'open' && loading.development).toEqual({ status: 'loading' });
    expect(panelReducer(loading, { type: 'development-listed', integrationId: 'int-1', development })).toMatchObject({ development: { status: 'listed', development } });
    expect(panelReducer(loading, { type: 'development-failed', integrationId: 'int-1', problem: problem('HOST_UNAVAILABLE') })).toMatchObject({ development: { status: 'failed' } });
    expect(panelReducer(loading, { type: 'development-listed', integrationId: 'other', development })).toBe(loading);
    expect(panelReducer(start, { type: 'development-listed', integrationId: 'int-1', development })).toBe(start);
    // A slow host: Cancel goes back to the button; a late answer is then dropped.
    const cancelled = panelReducer(loading, { type: 'development-cancelled' });
    expect(cancelled.kind === 'open' && cancelled.development).toEqual({ status: 'hidden' });
    expect(panelReducer(cancelled, { type: 'development-listed', integrationId: 'int-1', development })).toBe(cancelled);
    expect(panelReducer(start, { type: 'development-cancelled' })).toBe(start);
  });
});

describe('an action form', () => {
  const result = { url: 'https://h/x', id: '12' };
  it('editing → working → done, or failed; cancelled goes back to editing', () => {
    const working = actionReducer(EDITING, { type: 'start' });
    expect(working).toEqual({ kind: 'working' });
    expect(actionReducer(working, { type: 'succeeded', result, branchName: 'b' })).toEqual({ kind: 'done', result, branchName: 'b' });
    expect(actionReducer(working, { type: 'failed', problem: problem('HOST_UNAVAILABLE') })).toEqual({ kind: 'failed', problem: problem('HOST_UNAVAILABLE') });
    expect(actionReducer(working, { type: 'cancelled' })).toBe(EDITING);
  });

  it('a second start while working (double click) changes nothing; results outside working are dropped', () => {
    const working: ActionPhase = { kind: 'working' };
    expect(actionReducer(working, { type: 'start' })).toBe(working);
    expect(actionReducer(working, { type: 'confirm' })).toBe(working);
    expect(actionReducer(EDITING, { type: 'succeeded', result, branchName: 'b' })).toBe(EDITING);
    expect(actionReducer(EDITING, { type: 'failed', problem: problem('X') })).toBe(EDITING);
    expect(actionReducer(EDITING, { type: 'cancelled' })).toBe(EDITING);
  });

  it('invalid input and delete confirmation', () => {
    expect(actionReducer(EDITING, { type: 'invalid', errors: { title: 'Enter a title.' } })).toEqual({ kind: 'editing', errors: { title: 'Enter a title.' }, general: [] });
    expect(actionReducer(EDITING, { type: 'confirm' })).toEqual({ kind: 'confirming' });
    expect(actionReducer({ kind: 'confirming' }, { type: 'start' })).toEqual({ kind: 'working' });
  });
});
