import type { Problem } from '../api/client';
import type { BranchOption, GitResult, IssueDevelopment, MyIntegrationsForIssue, Readiness, RepositoryOption } from '../api/patgate';

/**
 * The issue panel as one state machine (docs/architecture.md §11): a reducer over the states a
 * person can be in. Each screen renders exactly one state; what cannot be true together cannot be
 * written down (a "Ready" with a failed branch list, "setup required" for a repository the API said
 * needs no token). Pure: no React, no I/O, so every transition is unit-tested.
 */

export type PanelIntegration = MyIntegrationsForIssue['integrations'][number];
export type Refusal = Extract<Readiness, { status: 'refused' }>;
export type ReadyAnswer = Extract<Readiness, { status: 'ready' }>;

export interface IssueFacts {
  readonly issueKey: string;
  readonly projectKey: string;
  readonly summary?: string;
  readonly issueType?: string;
}

/** The policy's refusals that a user's own token (or the admin) can lift: shown as "Setup required". */
export const PAT_CODES: readonly string[] = ['PAT_REQUIRED', 'PAT_EXPIRED', 'PAT_INVALID', 'PAT_NOT_SUPPORTED'];

/** The repository picker's list. Refused (e.g. PAT_REQUIRED to list with the service account): the repositories an override exempts can still be typed. */
export type RepositoryList =
  | { readonly status: 'not-asked' }
  | { readonly status: 'listing' }
  | { readonly status: 'listed'; readonly options: readonly RepositoryOption[] }
  | { readonly status: 'refused'; readonly problem: Problem; readonly options: readonly RepositoryOption[] };

/** One repository's answer: readiness, then its branches. Only `ready` holds a branch list, and only a listed one. */
export type RepositoryStep =
  | { readonly kind: 'choose' }
  | { readonly kind: 'checking'; readonly repositoryId: string }
  | { readonly kind: 'loading-branches'; readonly repositoryId: string; readonly readiness: ReadyAnswer }
  | { readonly kind: 'ready'; readonly repositoryId: string; readonly readiness: ReadyAnswer; readonly branches: readonly BranchOption[] }
  | { readonly kind: 'setup-required'; readonly repositoryId: string; readonly refusal: Refusal }
  | { readonly kind: 'host-refused'; readonly repositoryId: string; readonly problem: Problem };

/** The chosen integration: not here, every repository needs setup, or pick a repository. */
export type IntegrationView =
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'setup-required'; readonly refusal: Refusal }
  | { readonly kind: 'repositories'; readonly list: RepositoryList; readonly step: RepositoryStep };

/** The issue's branches and pull requests ("On this issue"), asked for on demand. */
export type DevelopmentList =
  | { readonly status: 'hidden' }
  | { readonly status: 'loading' }
  | { readonly status: 'listed'; readonly development: IssueDevelopment }
  | { readonly status: 'failed'; readonly problem: Problem };

export type PanelState =
  | { readonly kind: 'loading' }
  | { readonly kind: 'load-failed'; readonly message: string }
  | { readonly kind: 'no-permission'; readonly issue: IssueFacts; readonly message: string }
  | { readonly kind: 'no-integrations'; readonly issue: IssueFacts }
  | {
      readonly kind: 'open';
      readonly issue: IssueFacts;
      readonly integrations: readonly PanelIntegration[];
      readonly integrationId: string;
      readonly view: IntegrationView;
      readonly development: DevelopmentList;
    };

export type PanelEvent =
  | { readonly type: 'opened'; readonly issue: { readonly issueKey: string; readonly summary?: string }; readonly answer: MyIntegrationsForIssue }
  | { readonly type: 'open-failed'; readonly message: string }
  | { readonly type: 'integration-chosen'; readonly integrationId: string }
  | { readonly type: 'repositories-listing' }
  | { readonly type: 'repositories-listed'; readonly options: readonly RepositoryOption[] }
  | { readonly type: 'repositories-refused'; readonly problem: Problem }
  | { readonly type: 'repository-chosen'; readonly repositoryId: string | undefined }
  | { readonly type: 'readiness-answered'; readonly repositoryId: string; readonly readiness: Readiness }
  | { readonly type: 'readiness-failed'; readonly repositoryId: string; readonly problem: Problem }
  | { readonly type: 'branches-listed'; readonly repositoryId: string; readonly branches: readonly BranchOption[] }
  | { readonly type: 'branches-failed'; readonly repositoryId: string; readonly problem: Problem }
  | { readonly type: 'action-refused'; readonly repositoryId: string; readonly problem: Problem }
  | { readonly type: 'development-requested' }
  | { readonly type: 'development-cancelled' }
  | { readonly type: 'development-listed'; readonly integrationId: string; readonly development: IssueDevelopment }
  | { readonly type: 'development-failed'; readonly integrationId: string; readonly problem: Problem };

export const INITIAL_PANEL_STATE: PanelState = { kind: 'loading' };

export const refusalOf = (problem: Problem): Refusal => ({
  status: 'refused',
  code: problem.code,
  message: problem.detail,
  ...(typeof problem.setupUrl === 'string' ? { setupUrl: problem.setupUrl } : {}),
  ...(typeof problem.newTokenUrl === 'string' ? { newTokenUrl: problem.newTokenUrl } : {}),
});

const usableToken = (item: PanelIntegration): boolean => item.status === 'valid' || item.status === 'expiring';

/**
 * What the integration shows before any repository is named. "Setup required" for the whole
 * integration only when no repository can be acted on without the user's own token: the policy is
 * on, no override turns it off, and the user has no usable token. Otherwise readiness is per repository.
 */
export const integrationView = (item: PanelIntegration): IntegrationView => {
  if (!item.availableInProject) return { kind: 'unavailable' };
  const exempted = item.repositoryOverrides.some((o) => !o.requireUserPat);
  if (item.requireUserPat && !exempted) {
    if (!item.patSupported) return { kind: 'setup-required', refusal: { status: 'refused', code: 'PAT_NOT_SUPPORTED', message: '' } };
    if (!usableToken(item)) {
      const code = item.status === 'expired' ? 'PAT_EXPIRED' : item.status === 'invalid' ? 'PAT_INVALID' : 'PAT_REQUIRED';
      return { kind: 'setup-required', refusal: { status: 'refused', code, message: '' } };
    }
  }
  return { kind: 'repositories', list: { status: 'not-asked' }, step: { kind: 'choose' } };
};

/** The repositories an override exempts from the user-token requirement: typeable even when the list is refused. */
export const exemptedRepositories = (item: PanelIntegration): RepositoryOption[] =>
  item.repositoryOverrides.filter((o) => !o.requireUserPat).map((o) => ({ id: o.repositoryId, name: o.repositoryId }));

const stepOf = (state: PanelState): RepositoryStep | undefined => (state.kind === 'open' && state.view.kind === 'repositories' ? state.view.step : undefined);
const currentRepository = (state: PanelState): string | undefined => {
  const step = stepOf(state);
  return step && step.kind !== 'choose' ? step.repositoryId : undefined;
};

/** Replaces the repository step (only while the integration lists repositories). */
const withStep = (state: PanelState, step: RepositoryStep): PanelState =>
  state.kind === 'open' && state.view.kind === 'repositories' ? { ...state, view: { ...state.view, step } } : state;

const withList = (state: PanelState, list: RepositoryList): PanelState =>
  state.kind === 'open' && state.view.kind === 'repositories' ? { ...state, view: { ...state.view, list } } : state;

/** A refusal of the policy (PAT_*) is setup for that repository; anything else is the host's (or API's) refusal, shown in place. */
const refusedStep = (repositoryId: string, problem: Problem): RepositoryStep =>
  PAT_CODES.includes(problem.code) ? { kind: 'setup-required', repositoryId, refusal: refusalOf(problem) } : { kind: 'host-refused', repositoryId, problem };

export const panelReducer = (state: PanelState, event: PanelEvent): PanelState => {
  switch (event.type) {
    case 'opened': {
      const { answer } = event;
      const issue: IssueFacts = {
        issueKey: event.issue.issueKey,
        projectKey: answer.issue.projectKey,
        // The page's context is fresher than the API's (cached a few minutes with the issue's location).
        ...(event.issue.summary ?? answer.issue.summary ? { summary: event.issue.summary ?? answer.issue.summary } : {}),
        ...(answer.issue.issueType ? { issueType: answer.issue.issueType } : {}),
      };
      // No permission wins over everything else: nothing of the integrations is shown.
      if (!answer.issue.viewDevTools) return { kind: 'no-permission', issue, message: answer.issue.message ?? `You need View Development Tools in ${answer.issue.projectKey}.` };
      const first = answer.integrations.find((i) => i.availableInProject) ?? answer.integrations[0];
      if (!first) return { kind: 'no-integrations', issue };
      return { kind: 'open', issue, integrations: answer.integrations, integrationId: first.integrationId, view: integrationView(first), development: { status: 'hidden' } };
    }
    case 'open-failed':
      return { kind: 'load-failed', message: event.message };
    case 'integration-chosen': {
      if (state.kind !== 'open') return state;
      const item = state.integrations.find((i) => i.integrationId === event.integrationId);
      if (!item) return state;
      return { ...state, integrationId: item.integrationId, view: integrationView(item), development: { status: 'hidden' } };
    }
    case 'repositories-listing':
      return state.kind === 'open' && state.view.kind === 'repositories' && state.view.list.status !== 'listed' ? withList(state, { status: 'listing' }) : state;
    case 'repositories-listed':
      return withList(state, { status: 'listed', options: event.options });
    case 'repositories-refused': {
      if (state.kind !== 'open') return state;
      const item = state.integrations.find((i) => i.integrationId === state.integrationId);
      return withList(state, { status: 'refused', problem: event.problem, options: item ? exemptedRepositories(item) : [] });
    }
    case 'repository-chosen':
      return withStep(state, event.repositoryId ? { kind: 'checking', repositoryId: event.repositoryId } : { kind: 'choose' });
    case 'readiness-answered': {
      const step = stepOf(state);
      if (step?.kind !== 'checking' || step.repositoryId !== event.repositoryId) return state;
      return withStep(
        state,
        event.readiness.status === 'ready'
          ? { kind: 'loading-branches', repositoryId: event.repositoryId, readiness: event.readiness }
          : { kind: 'setup-required', repositoryId: event.repositoryId, refusal: event.readiness },
      );
    }
    case 'readiness-failed': {
      const step = stepOf(state);
      if (step?.kind !== 'checking' || step.repositoryId !== event.repositoryId) return state;
      return withStep(state, refusedStep(event.repositoryId, event.problem));
    }
    case 'branches-listed': {
      const step = stepOf(state);
      if ((step?.kind !== 'loading-branches' && step?.kind !== 'ready') || step.repositoryId !== event.repositoryId) return state;
      const branches = [...event.branches.filter((b) => b.isDefault), ...event.branches.filter((b) => !b.isDefault)];
      return withStep(state, { kind: 'ready', repositoryId: step.repositoryId, readiness: step.readiness, branches });
    }
    case 'branches-failed': {
      const step = stepOf(state);
      if ((step?.kind !== 'loading-branches' && step?.kind !== 'ready') || step.repositoryId !== event.repositoryId) return state;
      // A failed branch list is never "Ready": the host's refusal is shown in its place.
      return withStep(state, refusedStep(event.repositoryId, event.problem));
    }
    case 'action-refused':
      return currentRepository(state) === event.repositoryId ? withStep(state, refusedStep(event.repositoryId, event.problem)) : state;
    case 'development-requested':
      return state.kind === 'open' && state.view.kind !== 'unavailable' ? { ...state, development: { status: 'loading' } } : state;
    case 'development-cancelled':
      return state.kind === 'open' && state.development.status === 'loading' ? { ...state, development: { status: 'hidden' } } : state;
    case 'development-listed':
      return state.kind === 'open' && state.integrationId === event.integrationId && state.development.status === 'loading'
        ? { ...state, development: { status: 'listed', development: event.development } }
        : state;
    case 'development-failed':
      return state.kind === 'open' && state.integrationId === event.integrationId && state.development.status === 'loading'
        ? { ...state, development: { status: 'failed', problem: event.problem } }
        : state;
  }
};

// --- One git action's form: editing, confirming a delete, working (cancellable), done or refused ---

export type FieldErrors = Readonly<Record<string, string>>;

export type ActionPhase =
  | { readonly kind: 'editing'; readonly errors: FieldErrors; readonly general: readonly string[] }
  | { readonly kind: 'confirming' }
  | { readonly kind: 'working' }
  | { readonly kind: 'done'; readonly result: GitResult; readonly branchName: string }
  | { readonly kind: 'failed'; readonly problem: Problem };

export type ActionEvent =
  | { readonly type: 'invalid'; readonly errors: FieldErrors; readonly general?: readonly string[] }
  | { readonly type: 'confirm' }
  | { readonly type: 'start' }
  | { readonly type: 'succeeded'; readonly result: GitResult; readonly branchName: string }
  | { readonly type: 'failed'; readonly problem: Problem }
  | { readonly type: 'cancelled' };

export const EDITING: ActionPhase = { kind: 'editing', errors: {}, general: [] };

export const actionReducer = (phase: ActionPhase, event: ActionEvent): ActionPhase => {
  switch (event.type) {
    case 'invalid':
      return { kind: 'editing', errors: event.errors, general: event.general ?? [] };
    case 'confirm':
      return phase.kind === 'working' ? phase : { kind: 'confirming' };
    case 'start':
      return phase.kind === 'working' ? phase : { kind: 'working' };
    case 'succeeded':
      return phase.kind === 'working' ? { kind: 'done', result: event.result, branchName: event.branchName } : phase;
    case 'failed':
      return phase.kind === 'working' ? { kind: 'failed', problem: event.problem } : phase;
    case 'cancelled':
      return phase.kind === 'working' ? EDITING : phase;
  }
};
