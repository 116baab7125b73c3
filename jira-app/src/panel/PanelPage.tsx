import { useEffect, useReducer, useRef, useState, type JSX, type RefObject } from 'react';
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Select, { CreatableSelect } from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { ApiProblem, Cancelled, type Problem } from '../api/client';
import { issueContext, openInJira } from '../api/context';
import { git, me, type BranchOption, type IssueDevelopment, type ProviderKind, type Target } from '../api/patgate';
import { Busy, FieldError, placeProblem, ProblemMessage, problemOf, space, TextInput, tk } from '../common/ui';
import { branchNameProblem, carriesIssueKey, renderBranchName, suggestBranchName, type BranchNaming } from './branch-name';
import {
  actionReducer,
  EDITING,
  INITIAL_PANEL_STATE,
  PAT_CODES,
  panelReducer,
  type DevelopmentList,
  type IssueFacts,
  type PanelIntegration,
  type PanelState,
  type ReadyAnswer,
  type Refusal,
  type RepositoryList,
  type RepositoryStep,
} from './panel-state';
import { capitalised, integrationLabel, pullRequestNoun, pullRequestReference, repositoryExample } from './words';

interface Option {
  readonly label: string;
  readonly value: string;
}

const newKey = (): string => crypto.randomUUID();

/** Moves focus to an element once it is shown (WAI-ARIA: a result or refusal takes the focus of the control that caused it). */
const useFocusOnShow = <T extends HTMLElement>(shown: unknown): RefObject<T | null> => {
  const ref = useRef<T>(null);
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown]);
  return ref;
};

/**
 * The issue panel (docs/architecture.md §11): one state machine (panel-state.ts), each screen one
 * of its states. Opening it costs one API call (the user's integrations, their permission in the
 * issue's project); readiness is asked per repository, then that repository's branches; the issue's
 * branches and pull requests are read when asked for.
 */
export const PanelPage = (): JSX.Element => {
  const [state, dispatch] = useReducer(panelReducer, INITIAL_PANEL_STATE);

  // One API call on open: the integrations with the user's permission in the issue's project and where each may be used.
  useEffect(() => {
    issueContext()
      .then(async (context) => {
        if (!context) throw new Error('This panel opens on an issue.');
        dispatch({ type: 'opened', issue: context, answer: await me.integrationsFor(context.issueKey) });
      })
      .catch((error: unknown) => dispatch({ type: 'open-failed', message: problemOf(error).detail }));
  }, []);

  const step = state.kind === 'open' && state.view.kind === 'repositories' ? state.view.step : undefined;
  const issueKey = state.kind === 'open' ? state.issue.issueKey : '';
  const integrationId = state.kind === 'open' ? state.integrationId : '';
  const checking = step?.kind === 'checking' ? step.repositoryId : undefined;
  const loadingBranches = step?.kind === 'loading-branches' ? step.repositoryId : undefined;
  const [cancels, setCancels] = useState<AbortController>();

  // Readiness of the chosen repository, then (ready) its branches: each a transition of the machine.
  useEffect(() => {
    if (!checking) return undefined;
    const controller = new AbortController();
    setCancels(controller);
    git
      .readiness({ issueKey, integrationId, repositoryId: checking }, { signal: controller.signal })
      .then((readiness) => dispatch({ type: 'readiness-answered', repositoryId: checking, readiness }))
      .catch((error: unknown) => {
        if (!(error instanceof Cancelled)) dispatch({ type: 'readiness-failed', repositoryId: checking, problem: problemOf(error) });
      });
    return () => controller.abort();
  }, [checking, issueKey, integrationId]);

  useEffect(() => {
    if (!loadingBranches) return undefined;
    const controller = new AbortController();
    setCancels(controller);
    git
      .branches(issueKey, integrationId, loadingBranches, '', { signal: controller.signal })
      .then((branches) => dispatch({ type: 'branches-listed', repositoryId: loadingBranches, branches }))
      .catch((error: unknown) => {
        if (!(error instanceof Cancelled)) dispatch({ type: 'branches-failed', repositoryId: loadingBranches, problem: problemOf(error) });
      });
    return () => controller.abort();
  }, [loadingBranches, issueKey, integrationId]);

  if (state.kind === 'loading') return <Spinner label="Loading" />;
  if (state.kind === 'load-failed') return <ProblemMessage title="The Git panel could not load" messages={[state.message]} />;
  if (state.kind === 'no-permission') return <NotHere title="No git actions on this issue" text={state.message} />;
  if (state.kind === 'no-integrations') return <p style={{ padding: space('100') }}>No git integrations yet. A Jira admin adds them in Manage Git repositories.</p>;

  const item = state.integrations.find((i) => i.integrationId === state.integrationId);
  const integrationOptions: Option[] = state.integrations.map((i) => ({ value: i.integrationId, label: integrationLabel(i.name, i.provider) }));
  const cancel = (): void => {
    cancels?.abort();
    dispatch({ type: 'repository-chosen', repositoryId: undefined });
  };

  return (
    <div style={{ padding: space('100'), color: tk('color.text') }}>
      <h1 className="visually-hidden" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>
        Git for {state.issue.issueKey}
      </h1>
      <div>
        <Label htmlFor="integration">Integration</Label>
        <Select<Option>
          inputId="integration"
          options={integrationOptions}
          value={integrationOptions.find((o) => o.value === state.integrationId) ?? null}
          onChange={(option) => option && dispatch({ type: 'integration-chosen', integrationId: option.value })}
          formatOptionLabel={(option) => <span title={option.label} style={{ overflowWrap: 'anywhere' }}>{option.label}</span>}
        />
      </div>
      {item ? <IntegrationScreen state={state} item={item} dispatch={dispatch} onCancel={cancel} /> : null}
      {item && state.view.kind !== 'unavailable' ? <OnThisIssue issue={state.issue} item={item} development={state.development} step={step} dispatch={dispatch} /> : null}
    </div>
  );
};

type OpenState = Extract<PanelState, { kind: 'open' }>;
type Dispatch = (event: Parameters<typeof panelReducer>[1]) => void;

const IntegrationScreen = ({ state, item, dispatch, onCancel }: { state: OpenState; item: PanelIntegration; dispatch: Dispatch; onCancel: () => void }): JSX.Element => {
  const { view } = state;
  if (view.kind === 'unavailable') {
    return <NotHere title={`${item.name} is not available here`} text={`${item.name} is not available in ${state.issue.projectKey}: your Jira administrator limited it to other projects.`} />;
  }
  if (view.kind === 'setup-required') return <SetupRequired item={item} refusal={view.refusal} />;
  return (
    <>
      <RepositoryPicker issue={state.issue} item={item} list={view.list} step={view.step} dispatch={dispatch} />
      <RepositoryScreen issue={state.issue} item={item} step={view.step} dispatch={dispatch} onCancel={onCancel} />
    </>
  );
};

const RepositoryPicker = ({ issue, item, list, step, dispatch }: { issue: IssueFacts; item: PanelIntegration; list: RepositoryList; step: RepositoryStep; dispatch: Dispatch }): JSX.Element => {
  const repositoryId = step.kind === 'choose' ? undefined : step.repositoryId;
  const listed = list.status === 'listed' || list.status === 'refused' ? list.options : [];
  const options: Option[] = listed.map((r) => ({ value: r.id, label: r.name }));
  const example = repositoryExample(item.provider);
  const load = async (query: string): Promise<void> => {
    if (list.status === 'refused' || list.status === 'listing') return;
    dispatch({ type: 'repositories-listing' });
    try {
      dispatch({ type: 'repositories-listed', options: await git.repositories(issue.issueKey, item.integrationId, query) });
    } catch (error) {
      dispatch({ type: 'repositories-refused', problem: problemOf(error) });
    }
  };
  // The list needs the user's own token: the repositories an override exempts can still be picked or typed.
  const refusal =
    list.status === 'refused' && (step.kind === 'choose' || step.kind === 'checking')
      ? PAT_CODES.includes(list.problem.code)
        ? `${list.problem.detail} You can still type a repository that needs no token of yours${options.length ? `, such as ${options.map((o) => o.value).join(', ')}` : ''}.`
        : `${list.problem.detail} Type the repository instead (e.g. ${example}).`
      : undefined;
  return (
    <div style={{ marginBlockStart: space('200') }}>
      <Label htmlFor="repository">Repository</Label>
      <CreatableSelect<Option>
        inputId="repository"
        options={options}
        value={repositoryId ? (options.find((o) => o.value === repositoryId) ?? { value: repositoryId, label: repositoryId }) : null}
        onMenuOpen={() => void load('')}
        onChange={(option) => dispatch({ type: 'repository-chosen', repositoryId: option?.value })}
        formatCreateLabel={(text) => `Use "${text}"`}
        formatOptionLabel={(option) => <span title={option.label} style={{ overflowWrap: 'anywhere' }}>{option.label}</span>}
        placeholder={`Choose or type a repository (${example})`}
        aria-describedby={refusal ? 'repository-error' : undefined}
      />
      <FieldError id="repository-error" message={refusal} />
    </div>
  );
};

const RepositoryScreen = ({ issue, item, step, dispatch, onCancel }: { issue: IssueFacts; item: PanelIntegration; step: RepositoryStep; dispatch: Dispatch; onCancel: () => void }): JSX.Element | null => {
  switch (step.kind) {
    case 'choose':
      return null;
    case 'checking':
      return <Busy label="Checking whom this would act as…" onCancel={onCancel} />;
    case 'loading-branches':
      return <Busy label={`Reading the branches of ${step.repositoryId}…`} onCancel={onCancel} />;
    case 'setup-required':
      return <SetupRequired key={step.repositoryId} item={item} refusal={step.refusal} repositoryId={step.repositoryId} focus />;
    case 'host-refused':
      return <HostRefused key={step.repositoryId} repositoryId={step.repositoryId} problem={step.problem} onRetry={() => dispatch({ type: 'repository-chosen', repositoryId: step.repositoryId })} />;
    case 'ready':
      return (
        <Ready
          key={step.repositoryId}
          target={{ issueKey: issue.issueKey, integrationId: item.integrationId, repositoryId: step.repositoryId }}
          issue={issue}
          item={item}
          readiness={step.readiness}
          branches={step.branches}
          onRefused={(problem) => dispatch({ type: 'action-refused', repositoryId: step.repositoryId, problem })}
        />
      );
  }
};

/** Refused before anything is picked: no permission in the issue's project, or the integration is not associated with it. */
const NotHere = ({ title, text }: { title: string; text: string }): JSX.Element => (
  <div data-testid="not-available" role="alert" style={{ marginBlockStart: space('200') }}>
    <SectionMessage appearance="warning" title={title}>
      <p>{text}</p>
    </SectionMessage>
  </div>
);

/** A failed branch list or readiness (revoked token, host down): the host's refusal in place, never "Ready". */
const HostRefused = ({ repositoryId, problem, onRetry }: { repositoryId: string; problem: Problem; onRetry: () => void }): JSX.Element => {
  const ref = useFocusOnShow<HTMLDivElement>(true);
  return (
    <div ref={ref} tabIndex={-1} data-testid="host-refused" role="alert" style={{ marginBlockStart: space('200') }}>
      <SectionMessage appearance="error" title={`${repositoryId}: not available`}>
        <p>{problem.detail}</p>
        <div style={{ marginBlockStart: space('100') }}>
          <Button onClick={onRetry}>Try again</Button>
        </div>
      </SectionMessage>
    </div>
  );
};

const SetupRequired = ({ item, refusal, repositoryId, focus = false }: { item: PanelIntegration; refusal: Refusal; repositoryId?: string; focus?: boolean }): JSX.Element => {
  const ref = useFocusOnShow<HTMLDivElement>(focus);
  const unsupported = refusal.code === 'PAT_NOT_SUPPORTED';
  const title = unsupported
    ? 'Branch and pull-request actions are unavailable'
    : refusal.code === 'PAT_EXPIRED'
      ? 'Your personal access token has expired'
      : refusal.code === 'PAT_INVALID'
        ? `${item.name} no longer accepts your token`
        : 'Setup required';
  const where = repositoryId ? `${repositoryId} on ${item.name}` : item.name;
  const text = unsupported
    ? `Your Jira admin requires personal access tokens for ${where}, and TFS 2013 and 2015 have none. Ask your admin to turn the requirement off or upgrade the server.`
    : `${capitalised(where)} requires your own personal access token for branches and ${pullRequestNoun(item.provider)}s, so the host records you as the author. Create one on the host, then save it in Personal settings.`;
  return (
    <div ref={ref} tabIndex={-1} data-testid="setup-required" style={{ marginBlockStart: space('200') }}>
      <SectionMessage appearance={unsupported ? 'error' : 'warning'} title={title}>
        <p>{text}</p>
        {unsupported ? null : (
          <div style={{ display: 'flex', gap: space('150'), alignItems: 'center', flexWrap: 'wrap', marginBlockStart: space('100') }}>
            <Button appearance="primary" onClick={() => void openInJira(refusal.setupUrl ?? item.setupUrl)}>
              Open Personal settings
            </Button>
            <a href={refusal.newTokenUrl ?? item.newTokenUrl} target="_blank" rel="noopener noreferrer" data-testid="panel-new-token">
              New token
            </a>
          </div>
        )}
      </SectionMessage>
    </div>
  );
};

type Action = 'branch' | 'pull-request' | 'delete';

interface ReadyProps {
  readonly target: Target;
  readonly issue: IssueFacts;
  readonly item: PanelIntegration;
  readonly readiness: ReadyAnswer;
  readonly branches: readonly BranchOption[];
  readonly onRefused: (problem: Problem) => void;
}

const Ready = ({ target, issue, item, readiness, branches, onRefused }: ReadyProps): JSX.Element => {
  const [action, setAction] = useState<Action>();
  const [lastBranch, setLastBranch] = useState<string>();
  const [known, setKnown] = useState<readonly BranchOption[]>(branches);
  const asWhom = readiness.actedAs.credential === 'user-pat' ? `as ${readiness.actedAs.login ?? 'you'}, with your token` : "as the integration's service account";
  // Readiness carries the warning when it acts with the user's token; the cached integrations list carries the same one.
  const warning = readiness.warning ?? (readiness.actedAs.credential === 'user-pat' ? item.warning : undefined);
  const noun = pullRequestNoun(item.provider);

  const refresh = (): void => {
    git.branches(target.issueKey, target.integrationId, target.repositoryId, '').then(
      (list) => setKnown([...list.filter((b) => b.isDefault), ...list.filter((b) => !b.isDefault)]),
      () => undefined,
    );
  };

  return (
    <div style={{ marginBlockStart: space('200') }}>
      <p data-testid="acts-as">
        Ready: acts <strong>{asWhom}</strong>.
      </p>
      {warning ? (
        <div style={{ marginBlockStart: space('100') }}>
          <SectionMessage appearance="warning">
            <p>{warning}</p>
          </SectionMessage>
        </div>
      ) : null}
      <div role="group" aria-label="Git actions" style={{ display: 'flex', gap: space('100'), flexWrap: 'wrap', marginBlockStart: space('150') }}>
        <Button appearance={action === 'branch' ? 'primary' : 'default'} onClick={() => setAction('branch')} aria-pressed={action === 'branch'}>
          Create branch
        </Button>
        <Button appearance={action === 'pull-request' ? 'primary' : 'default'} onClick={() => setAction('pull-request')} aria-pressed={action === 'pull-request'}>
          {`Create ${noun}`}
        </Button>
        <Button appearance={action === 'delete' ? 'primary' : 'default'} onClick={() => setAction('delete')} aria-pressed={action === 'delete'}>
          Delete branch
        </Button>
      </div>
      {action ? (
        <ActionForm
          key={action}
          action={action}
          target={target}
          issue={issue}
          item={item}
          readiness={readiness}
          branches={known}
          lastBranch={lastBranch}
          onDone={(branchName) => {
            if (action === 'branch') setLastBranch(branchName);
            refresh();
          }}
          onRefused={onRefused}
        />
      ) : null}
    </div>
  );
};

interface ActionFormProps {
  readonly action: Action;
  readonly target: Target;
  readonly issue: IssueFacts;
  readonly item: PanelIntegration;
  readonly readiness: ReadyAnswer;
  readonly branches: readonly BranchOption[];
  readonly lastBranch?: string;
  readonly onDone: (branchName: string) => void;
  readonly onRefused: (problem: Problem) => void;
}

/** The admin's template when the integration has one (h/admin adds `branchNaming`), else the plain suggestion. */
const suggestedName = (item: PanelIntegration, issue: IssueFacts): string => {
  const naming = (item as PanelIntegration & { branchNaming?: BranchNaming }).branchNaming;
  return naming ? renderBranchName(naming, issue) : suggestBranchName(issue.issueKey, issue.summary);
};

const ActionForm = ({ action, target, issue, item, readiness, branches, lastBranch, onDone, onRefused }: ActionFormProps): JSX.Element => {
  const defaultBranch = branches.find((b) => b.isDefault)?.name;
  const issueBranches = branches.filter((b) => !b.isDefault && (carriesIssueKey(b.name, issue.issueKey) || b.name === lastBranch)).map((b) => b.name);
  const [branchName, setBranchName] = useState(action === 'branch' ? suggestedName(item, issue) : action === 'pull-request' ? (lastBranch ?? issueBranches[0] ?? '') : '');
  const [fromRef, setFromRef] = useState<string>(readiness.defaultSourceBranch ?? defaultBranch ?? '');
  const [targetBranch, setTargetBranch] = useState<string>(readiness.defaultSourceBranch ?? defaultBranch ?? '');
  const [title, setTitle] = useState(`${issue.issueKey} ${issue.summary ?? ''}`.trim());
  const [phase, send] = useReducer(actionReducer, EDITING);
  const busy = useRef<AbortController | undefined>(undefined);
  // One key per intended action: a double click or a retry of the same request creates one thing.
  const key = useRef(newKey());
  const form = useRef<HTMLFormElement>(null);
  const noun = pullRequestNoun(item.provider);

  // Opening the form moves focus into it (its first field).
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input:not([type=hidden]), button')?.focus();
  }, []);

  // After an answer, focus goes to what it concerns: the first field in error, else the message.
  useEffect(() => {
    if (phase.kind === 'editing') {
      const first = Object.keys(phase.errors)[0];
      if (first) form.current?.querySelector<HTMLElement>(`#${first}`)?.focus();
      else if (phase.general.length) form.current?.querySelector<HTMLElement>('[data-testid="action-general"]')?.focus();
    }
    if (phase.kind === 'done' || phase.kind === 'failed' || phase.kind === 'confirming') form.current?.querySelector<HTMLElement>('[data-focus-target]')?.focus();
  }, [phase]);

  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    const nameProblem = branchNameProblem(branchName);
    if (action === 'branch' && nameProblem) found.branchName = `The branch name ${nameProblem}.`;
    if (action === 'delete' && !branchName) found.branchName = 'Choose the branch to delete.';
    if (action === 'branch' && !fromRef) found.fromRef = 'Choose the branch to start from.';
    if (action === 'pull-request') {
      if (nameProblem) found.sourceBranch = `The source branch ${nameProblem}.`;
      if (!targetBranch) found.targetBranch = 'Choose the target branch.';
      else if (targetBranch === branchName) found.targetBranch = 'Source and target must differ.';
      if (!title.trim()) found.title = 'Enter a title.';
    }
    return found;
  };

  const run = async (): Promise<void> => {
    const found = validate();
    if (Object.keys(found).length) return send({ type: 'invalid', errors: found });
    if (action === 'delete' && phase.kind !== 'confirming') return send({ type: 'confirm' });
    const controller = new AbortController();
    busy.current = controller;
    send({ type: 'start' });
    try {
      const options = { signal: controller.signal };
      const done =
        action === 'branch'
          ? await git.createBranch(target, { branchName, fromRef }, key.current, options)
          : action === 'pull-request'
            ? await git.createPullRequest(target, { sourceBranch: branchName, targetBranch, title: title.trim() }, key.current, options)
            : await git.deleteBranch(target, branchName, key.current, options);
      key.current = newKey();
      send({ type: 'succeeded', result: done, branchName });
      onDone(branchName);
    } catch (error) {
      if (error instanceof Cancelled) return send({ type: 'cancelled' });
      const p = problemOf(error);
      if (error instanceof ApiProblem && PAT_CODES.includes(p.code)) return onRefused(p);
      if (p.code === 'VALIDATION_FAILED') {
        const placed = placeProblem(p, ['branchName', 'fromRef', 'sourceBranch', 'targetBranch', 'title']);
        send({ type: 'invalid', errors: placed.fields, general: placed.general });
      } else send({ type: 'failed', problem: p });
    } finally {
      busy.current = undefined;
    }
  };

  const errors = phase.kind === 'editing' ? phase.errors : {};
  const options = (names: readonly string[]): Option[] => names.map((name) => ({ value: name, label: name === defaultBranch ? `${name} (default)` : name }));
  const allBranches = options(branches.map((b) => b.name));
  const option = (value: string): Option | null => (value ? (allBranches.find((o) => o.value === value) ?? { value, label: value }) : null);
  const verb = action === 'branch' ? 'Create branch' : action === 'pull-request' ? `Create ${noun}` : 'Delete branch';
  const working = phase.kind === 'working';
  return (
    <form
      ref={form}
      noValidate
      aria-label={verb}
      onSubmit={(event) => {
        event.preventDefault();
        if (!working) void run();
      }}
      style={{ marginBlockStart: space('200') }}
    >
      {action === 'branch' ? (
        <>
          <TextInput id="branchName" label="Branch name" value={branchName} onChange={setBranchName} error={errors.branchName} required />
          <BranchPicker id="fromRef" label="From" options={allBranches} value={option(fromRef)} onChange={(v) => setFromRef(v ?? '')} error={errors.fromRef} />
        </>
      ) : null}
      {action === 'pull-request' ? (
        <>
          <BranchPicker id="sourceBranch" label="Source branch" options={options(issueBranches).concat(allBranches.filter((o) => !issueBranches.includes(o.value)))} value={option(branchName)} onChange={(v) => setBranchName(v ?? '')} error={errors.sourceBranch} />
          <BranchPicker id="targetBranch" label="Target branch" options={allBranches} value={option(targetBranch)} onChange={(v) => setTargetBranch(v ?? '')} error={errors.targetBranch} />
          <TextInput id="title" label="Title" value={title} onChange={setTitle} error={errors.title} required />
        </>
      ) : null}
      {action === 'delete' ? (
        issueBranches.length ? (
          <BranchPicker id="branchName" label={`Branch of ${issue.issueKey} to delete`} options={options(issueBranches)} value={option(branchName)} onChange={(v) => setBranchName(v ?? '')} error={errors.branchName} creatable={false} />
        ) : (
          <p data-testid="no-issue-branches" style={{ marginBlockStart: space('150') }}>
            {target.repositoryId} has no branch of {issue.issueKey}.
          </p>
        )
      ) : null}
      {phase.kind === 'confirming' ? (
        <p role="alert" tabIndex={-1} data-focus-target style={{ marginBlockStart: space('150') }}>
          Delete <strong>{branchName}</strong> on the host? Commits only on it are lost. Press Delete branch again to confirm.
        </p>
      ) : null}
      {action === 'delete' && !issueBranches.length ? null : (
        <div style={{ display: 'flex', gap: space('100'), marginBlockStart: space('200') }}>
          <Button type="submit" appearance={action === 'delete' ? 'danger' : 'primary'} isDisabled={working}>
            {verb}
          </Button>
        </div>
      )}
      {working ? <Busy label="Working with the host…" onCancel={() => busy.current?.abort()} /> : null}
      {phase.kind === 'editing' && phase.general.length ? (
        <div tabIndex={-1} data-testid="action-general">
          <ProblemMessage title="Not done" messages={phase.general} />
        </div>
      ) : null}
      {phase.kind === 'failed' ? <ActionProblem problem={phase.problem} onRetry={() => void run()} /> : null}
      {phase.kind === 'done' ? <ActionResult action={action} kind={item.provider} branchName={phase.branchName} result={phase.result} /> : null}
    </form>
  );
};

const ActionResult = ({ action, kind, branchName, result }: { action: Action; kind: ProviderKind; branchName: string; result: { url?: string; id?: string | number; actedAs?: { credential: string; login?: string } } }): JSX.Element => {
  const noun = pullRequestNoun(kind);
  const reference = result.id === undefined ? '' : pullRequestReference(kind, String(result.id));
  const title = action === 'branch' ? `Branch ${branchName} created` : action === 'pull-request' ? `${capitalised(noun)} ${reference} created`.replace('  ', ' ') : `Branch ${branchName} deleted`;
  return (
    <div role="status" tabIndex={-1} data-focus-target data-testid="action-result" style={{ marginBlockStart: space('150') }}>
      <SectionMessage appearance="success" title={title}>
        <p>
          {result.actedAs ? `As ${result.actedAs.credential === 'user-pat' ? (result.actedAs.login ?? 'you') : 'the service account'}. ` : ''}
          {result.url && action !== 'delete' ? (
            <a href={result.url} target="_blank" rel="noopener noreferrer">
              {action === 'pull-request' ? `Open ${reference} on the host` : 'Open on the host'}
            </a>
          ) : null}
        </p>
      </SectionMessage>
    </div>
  );
};

const BranchPicker = (props: { id: string; label: string; options: Option[]; value: Option | null; onChange: (value: string | undefined) => void; error?: string; creatable?: boolean }): JSX.Element => {
  const common = {
    inputId: props.id,
    options: props.options,
    value: props.value,
    onChange: (option: Option | null) => props.onChange(option?.value),
    formatOptionLabel: (option: Option) => (
      <span title={option.label} style={{ overflowWrap: 'anywhere' }}>
        {option.label}
      </span>
    ),
    'aria-describedby': props.error ? `${props.id}-error` : undefined,
  };
  return (
    <div style={{ marginBlockStart: space('200') }}>
      <Label htmlFor={props.id}>{props.label}</Label>
      {props.creatable === false ? (
        <Select<Option> {...common} placeholder="Choose a branch" />
      ) : (
        <CreatableSelect<Option> {...common} formatCreateLabel={(text) => `Use "${text}"`} placeholder="Choose or type a branch" />
      )}
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
};

/** Refusals of an action, each with what the user can do about it. */
const ActionProblem = ({ problem, onRetry }: { problem: Problem; onRetry: () => void }): JSX.Element => {
  const url = typeof problem.url === 'string' ? problem.url : undefined;
  const text = problem.code === 'HOST_RATE_LIMITED' ? `The host is rate limiting requests. Try again${problem.retryAfterSeconds ? ` in ${problem.retryAfterSeconds} seconds` : ' shortly'}.` : problem.detail;
  const retry = problem.code === 'HOST_UNAVAILABLE' || problem.code === 'HOST_TIMEOUT' || problem.code === 'HOST_RATE_LIMITED';
  return (
    <div role="alert" tabIndex={-1} data-focus-target data-testid="action-problem" style={{ marginBlockStart: space('150') }}>
      <SectionMessage appearance={problem.code === 'CONFLICT' ? 'warning' : 'error'} title={problem.code === 'CONFLICT' ? 'Already exists' : 'Not done'}>
        <p>{text}</p>
        {url ? (
          <a href={url} target="_blank" rel="noopener noreferrer">
            Open it on the host
          </a>
        ) : null}
        {retry ? (
          <div style={{ marginBlockStart: space('100') }}>
            <Button onClick={onRetry}>Retry</Button>
          </div>
        ) : null}
      </SectionMessage>
    </div>
  );
};

// --- "On this issue": the issue's branches and pull requests, asked for on demand ---

const who = (by: { credential: string; login?: string } | undefined, author: string | undefined): string | undefined => {
  if (by) return by.credential === 'user-pat' ? `by ${by.login ?? 'a user'} (own token)` : 'by the integration account';
  return author ? `by ${author}` : undefined;
};

const OnThisIssue = ({ issue, item, development, step, dispatch }: { issue: IssueFacts; item: PanelIntegration; development: DevelopmentList; step: RepositoryStep | undefined; dispatch: Dispatch }): JSX.Element => {
  const repositoryId = step && step.kind !== 'choose' ? step.repositoryId : undefined;
  const noun = pullRequestNoun(item.provider);
  const heading = useRef<HTMLHeadingElement>(null);
  const reading = useRef<AbortController | undefined>(undefined);
  const load = async (): Promise<void> => {
    const controller = new AbortController();
    reading.current = controller;
    dispatch({ type: 'development-requested' });
    try {
      dispatch({ type: 'development-listed', integrationId: item.integrationId, development: await git.development(issue.issueKey, item.integrationId, repositoryId, { signal: controller.signal }) });
    } catch (error) {
      if (error instanceof Cancelled) dispatch({ type: 'development-cancelled' });
      else dispatch({ type: 'development-failed', integrationId: item.integrationId, problem: problemOf(error) });
    }
  };
  useEffect(() => {
    if (development.status === 'listed' || development.status === 'failed') heading.current?.focus();
  }, [development.status]);
  return (
    <section aria-labelledby="on-this-issue" data-testid="on-this-issue" style={{ marginBlockStart: space('300'), borderBlockStart: `1px solid ${tk('color.border')}`, paddingBlockStart: space('150') }}>
      <h2 id="on-this-issue" ref={heading} tabIndex={-1} style={{ font: tk('font.heading.small') }}>
        On {issue.issueKey}
      </h2>
      {development.status === 'loading' ? <Busy label={`Reading the branches and ${noun}s of ${issue.issueKey}…`} onCancel={() => reading.current?.abort()} /> : null}
      {development.status === 'failed' ? <ProblemMessage title="Not listed" messages={[development.problem.detail]} testId="development-problem" /> : null}
      {development.status === 'listed' ? <DevelopmentLists development={development.development} item={item} /> : null}
      <div style={{ marginBlockStart: space('100') }}>
        <Button appearance="subtle" onClick={() => void load()} isDisabled={development.status === 'loading'}>
          {development.status === 'hidden' ? `Show branches and ${noun}s` : 'Refresh'}
        </Button>
      </div>
    </section>
  );
};

// A link inside a line of text is underlined: colour alone does not set it apart (WCAG 1.4.1, axe link-in-text-block).
const LINK = { textDecoration: 'underline' } as const;

const STATE_WORDS: Record<string, string> = { open: 'open', merged: 'merged', declined: 'declined', closed: 'closed' };

const DevelopmentLists = ({ development, item }: { development: IssueDevelopment; item: PanelIntegration }): JSX.Element => {
  const noun = pullRequestNoun(item.provider);
  const refused = development.repositories.filter((r) => r.read === 'refused');
  const empty = development.branches.length === 0 && development.pullRequests.length === 0;
  return (
    <div data-testid="development">
      {empty ? <p>No branches or {noun}s of this issue yet.</p> : null}
      {development.branches.length ? (
        <>
          <h3 style={{ font: tk('font.heading.small'), fontSize: 14, marginBlockStart: space('150') }}>Branches</h3>
          <ul data-testid="development-branches" style={{ paddingInlineStart: space('200') }}>
            {development.branches.map((b) => (
              <li key={`${b.repositoryId}/${b.name}`} style={{ overflowWrap: 'anywhere' }}>
                {b.url ? (
                  <a href={b.url} target="_blank" rel="noopener noreferrer" style={LINK}>
                    {b.name}
                  </a>
                ) : (
                  b.name
                )}{' '}
                <span style={{ color: tk('color.text.subtle') }}>
                  in {b.repositoryId}
                  {who(b.createdBy, undefined) ? `, ${who(b.createdBy, undefined) ?? ''}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {development.pullRequests.length ? (
        <>
          <h3 style={{ font: tk('font.heading.small'), fontSize: 14, marginBlockStart: space('150') }}>{capitalised(noun)}s</h3>
          <ul data-testid="development-pull-requests" style={{ paddingInlineStart: space('200') }}>
            {development.pullRequests.map((p) => (
              <li key={`${p.repositoryId}/${p.id}`} style={{ overflowWrap: 'anywhere' }}>
                {p.url ? (
                  <a href={p.url} target="_blank" rel="noopener noreferrer" style={LINK}>
                    {p.reference}
                  </a>
                ) : (
                  p.reference
                )}{' '}
                {p.title} <span style={{ color: tk('color.text.subtle') }}>({[p.state ? STATE_WORDS[p.state] : undefined, who(p.createdBy, p.author)].filter(Boolean).join(', ') || p.repositoryId})</span>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {refused.map((r) => (
        <p key={r.repositoryId} role="alert" data-testid="development-refused" style={{ marginBlockStart: space('100') }}>
          {r.repositoryId}: {'message' in r ? r.message : ''}
        </p>
      ))}
    </div>
  );
};
