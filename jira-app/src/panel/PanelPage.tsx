import { useCallback, useEffect, useMemo, useRef, useState, type JSX } from 'react';
import Button from '@atlaskit/button/new';
import { Label } from '@atlaskit/form';
import SectionMessage from '@atlaskit/section-message';
import Select, { CreatableSelect } from '@atlaskit/select';
import Spinner from '@atlaskit/spinner';
import { ApiProblem, Cancelled, type Problem } from '../api/client';
import { issueContext, openInJira, type IssueContext } from '../api/context';
import { git, me, type BranchOption, type GitResult, type MyIntegrationsForIssue, type MyIntegrationView, type Readiness, type Target } from '../api/patgate';
import { KIND_LABELS } from '../common/kinds';
import { Busy, FieldError, placeProblem, ProblemMessage, problemOf, space, TextInput, tk } from '../common/ui';
import { branchNameProblem, suggestBranchName } from './branch-name';

interface Option {
  readonly label: string;
  readonly value: string;
}

const PAT_CODES = ['PAT_REQUIRED', 'PAT_EXPIRED', 'PAT_INVALID', 'PAT_NOT_SUPPORTED'];
const newKey = (): string => crypto.randomUUID();

/**
 * The issue panel: pick an integration and a repository; readiness first (set up your token, or
 * "acts as …"), then create a branch, open a pull request or delete a branch. Opening it costs one
 * API call (the user's integrations, kept for the page's life); everything else follows a choice.
 */
export const PanelPage = (): JSX.Element => {
  const [issue, setIssue] = useState<IssueContext>();
  const [items, setItems] = useState<MyIntegrationsForIssue['integrations']>();
  const [access, setAccess] = useState<MyIntegrationsForIssue['issue']>();
  const [loadProblem, setLoadProblem] = useState<string>();
  const [integrationId, setIntegrationId] = useState<string>();
  const [repositoryId, setRepositoryId] = useState<string>();
  const [readiness, setReadiness] = useState<Readiness>();
  const [checking, setChecking] = useState(false);
  const [repoOptions, setRepoOptions] = useState<Option[]>([]);
  const [repoProblem, setRepoProblem] = useState<string>();

  // One API call on open: the integrations with the user's permission in the issue's project and where each may be used.
  useEffect(() => {
    issueContext()
      .then(async (context) => {
        if (!context) throw new Error('This panel opens on an issue.');
        setIssue(context);
        const answer = await me.integrationsFor(context.issueKey);
        setAccess(answer.issue);
        setItems(answer.integrations);
        setIntegrationId((answer.integrations.find((i) => i.availableInProject) ?? answer.integrations[0])?.integrationId);
      })
      .catch((error: unknown) => setLoadProblem(problemOf(error).detail));
  }, []);

  const item = items?.find((i) => i.integrationId === integrationId);
  const target: Target | undefined = issue && integrationId && repositoryId ? { issueKey: issue.issueKey, integrationId, repositoryId } : undefined;

  // Known without asking: the policy is on for every repository and the user has no usable token.
  const knownRefusal: Readiness | undefined = useMemo(() => {
    if (!item || !item.requireUserPat || item.repositoryOverrides.some((o) => !o.requireUserPat)) return undefined;
    if (!item.patSupported) return { status: 'refused', code: 'PAT_NOT_SUPPORTED', message: '' };
    if (item.status === 'valid' || item.status === 'expiring') return undefined;
    return { status: 'refused', code: item.status === 'expired' ? 'PAT_EXPIRED' : item.status === 'invalid' ? 'PAT_INVALID' : 'PAT_REQUIRED', message: '' };
  }, [item]);

  const check = useCallback(async (next: Target) => {
    setChecking(true);
    try {
      setReadiness(await git.readiness(next));
    } catch (error) {
      const problem = problemOf(error);
      setReadiness(PAT_CODES.includes(problem.code) ? refusalOf(problem) : undefined);
      if (!PAT_CODES.includes(problem.code)) setRepoProblem(problem.detail);
    } finally {
      setChecking(false);
    }
  }, []);

  const loadRepositories = async (query: string): Promise<void> => {
    if (!integrationId) return;
    try {
      const repositories = await git.repositories(issue?.issueKey ?? '', integrationId, query);
      setRepoOptions(repositories.map((r) => ({ value: r.id, label: r.name })));
      setRepoProblem(undefined);
    } catch (error) {
      const problem = problemOf(error);
      if (PAT_CODES.includes(problem.code)) setReadiness(refusalOf(problem));
      else setRepoProblem(`${problem.detail} Type the repository instead (e.g. owner/name).`);
    }
  };

  const chooseRepository = (id: string | undefined): void => {
    setRepositoryId(id);
    setReadiness(undefined);
    setRepoProblem(undefined);
    if (id && issue && integrationId) void check({ issueKey: issue.issueKey, integrationId, repositoryId: id });
  };

  const refusal = readiness?.status === 'refused' ? readiness : knownRefusal;
  const integrationOptions: Option[] = (items ?? []).map((i) => ({ value: i.integrationId, label: `${i.name} (${KIND_LABELS[i.provider]})` }));

  if (loadProblem) return <ProblemMessage title="The Git panel could not load" messages={[loadProblem]} />;
  if (!items || !issue) return <Spinner label="Loading" />;
  if (items.length === 0) return <p style={{ padding: space('100') }}>No git integrations yet. A Jira admin adds them in Manage Git repositories.</p>;
  if (access && !access.viewDevTools) return <NotHere title="No git actions on this issue" text={access.message ?? `You need View Development Tools in ${access.projectKey}.`} />;
  const unavailable = item && !item.availableInProject;

  return (
    <div style={{ padding: space('100'), color: tk('color.text') }}>
      <h1 className="visually-hidden" style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>
        Git for {issue.issueKey}
      </h1>
      <div>
        <Label htmlFor="integration">Integration</Label>
        <Select<Option>
          inputId="integration"
          options={integrationOptions}
          value={integrationOptions.find((o) => o.value === integrationId) ?? null}
          onChange={(option) => {
            setIntegrationId(option?.value);
            setRepositoryId(undefined);
            setReadiness(undefined);
            setRepoOptions([]);
          }}
        />
      </div>
      {unavailable ? (
        <NotHere title={`${item.name} is not available here`} text={`${item.name} is not available in ${access?.projectKey ?? 'this project'}: your Jira administrator limited it to other projects.`} />
      ) : refusal && item ? (
        <SetupRequired item={item} refusal={refusal} />
      ) : (
        <>
          <div style={{ marginBlockStart: space('200') }}>
            <Label htmlFor="repository">Repository</Label>
            <CreatableSelect<Option>
              inputId="repository"
              options={repoOptions}
              value={repositoryId ? (repoOptions.find((o) => o.value === repositoryId) ?? { value: repositoryId, label: repositoryId }) : null}
              onMenuOpen={() => void loadRepositories('')}
              onInputChange={(query, meta) => {
                if (meta.action === 'input-change' && query.length > 1) void loadRepositories(query);
              }}
              onChange={(option) => chooseRepository(option?.value)}
              formatCreateLabel={(text) => `Use "${text}"`}
              placeholder="Choose or type a repository"
              aria-describedby={repoProblem ? 'repository-error' : undefined}
            />
            <FieldError id="repository-error" message={repoProblem} />
          </div>
          {checking ? <Busy label="Checking whom this would act as…" /> : null}
          {readiness?.status === 'ready' && target && item ? <Ready target={target} issue={issue} item={item} readiness={readiness} onRefused={(p) => setReadiness(refusalOf(p))} /> : null}
        </>
      )}
    </div>
  );
};

/** Refused before anything is picked: no permission in the issue's project, or the integration is not associated with it. */
const NotHere = ({ title, text }: { title: string; text: string }): JSX.Element => (
  <div data-testid="not-available" role="alert" style={{ marginBlockStart: space('200') }}>
    <SectionMessage appearance="warning" title={title}>
      <p>{text}</p>
    </SectionMessage>
  </div>
);

const refusalOf = (problem: Problem): Readiness => ({
  status: 'refused',
  code: problem.code,
  message: problem.detail,
  ...(typeof problem.setupUrl === 'string' ? { setupUrl: problem.setupUrl } : {}),
  ...(typeof problem.newTokenUrl === 'string' ? { newTokenUrl: problem.newTokenUrl } : {}),
});

const SetupRequired = ({ item, refusal }: { item: MyIntegrationView; refusal: Extract<Readiness, { status: 'refused' }> }): JSX.Element => {
  const unsupported = refusal.code === 'PAT_NOT_SUPPORTED';
  const title = unsupported
    ? 'Branch and pull-request actions are unavailable'
    : refusal.code === 'PAT_EXPIRED'
      ? 'Your personal access token has expired'
      : refusal.code === 'PAT_INVALID'
        ? `${item.name} no longer accepts your token`
        : 'Setup required';
  const text = unsupported
    ? `Your Jira admin requires personal access tokens for ${item.name}, and TFS 2013 and 2015 have none. Ask your admin to turn the requirement off or upgrade the server.`
    : `${item.name} requires your own personal access token for branches and pull requests, so the host records you as the author. Create one on the host, then save it in Personal settings.`;
  return (
    <div data-testid="setup-required" style={{ marginBlockStart: space('200') }}>
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

const Ready = ({ target, issue, item, readiness, onRefused }: { target: Target; issue: IssueContext; item: MyIntegrationView; readiness: Extract<Readiness, { status: 'ready' }>; onRefused: (problem: Problem) => void }): JSX.Element => {
  const [action, setAction] = useState<Action>();
  const [branches, setBranches] = useState<BranchOption[]>();
  const [lastBranch, setLastBranch] = useState<string>();
  const asWhom =
    readiness.actedAs.credential === 'user-pat' ? `as ${readiness.actedAs.login ?? 'you'}, with your token` : "as the integration's service account";
  // Readiness carries the warning when it acts with the user's token; the cached integrations list carries the same one.
  const warning = readiness.warning ?? (readiness.actedAs.credential === 'user-pat' ? item.warning : undefined);

  const loadBranches = useCallback(async () => {
    try {
      const list = await git.branches(target.issueKey, target.integrationId, target.repositoryId, '');
      setBranches([...list.filter((b) => b.isDefault), ...list.filter((b) => !b.isDefault)]);
    } catch {
      setBranches([]);
    }
  }, [target.integrationId, target.repositoryId]);

  const choose = (next: Action): void => {
    setAction(next);
    if (!branches) void loadBranches();
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
        <Button appearance={action === 'branch' ? 'primary' : 'default'} onClick={() => choose('branch')} aria-pressed={action === 'branch'}>
          Create branch
        </Button>
        <Button appearance={action === 'pull-request' ? 'primary' : 'default'} onClick={() => choose('pull-request')} aria-pressed={action === 'pull-request'}>
          Create pull request
        </Button>
        <Button appearance={action === 'delete' ? 'primary' : 'default'} onClick={() => choose('delete')} aria-pressed={action === 'delete'}>
          Delete branch
        </Button>
      </div>
      {action ? (
        <ActionForm
          key={action}
          action={action}
          target={target}
          issue={issue}
          branches={branches}
          lastBranch={lastBranch}
          onDone={(result, branchName) => {
            if (branchName) setLastBranch(branchName);
            void loadBranches();
            return result;
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
  readonly issue: IssueContext;
  readonly branches?: BranchOption[];
  readonly lastBranch?: string;
  readonly onDone: (result: GitResult, branchName?: string) => void;
  readonly onRefused: (problem: Problem) => void;
}

const ActionForm = ({ action, target, issue, branches, lastBranch, onDone, onRefused }: ActionFormProps): JSX.Element => {
  const defaultBranch = branches?.find((b) => b.isDefault)?.name;
  const [branchName, setBranchName] = useState(action === 'branch' ? suggestBranchName(issue.issueKey, issue.summary) : (lastBranch ?? ''));
  const [fromRef, setFromRef] = useState<string>();
  const [targetBranch, setTargetBranch] = useState<string>();
  const [title, setTitle] = useState(`${issue.issueKey} ${issue.summary ?? ''}`.trim());
  const [confirming, setConfirming] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string[]>([]);
  const [problem, setProblem] = useState<Problem>();
  const [result, setResult] = useState<GitResult>();
  const [busy, setBusy] = useState<AbortController>();
  // One key per intended action: a double click or a retry of the same request creates one thing.
  const key = useRef(newKey());

  const source = fromRef ?? defaultBranch ?? '';
  const into = targetBranch ?? defaultBranch ?? '';
  const branchOptions: Option[] = (branches ?? []).map((b) => ({ value: b.name, label: b.isDefault ? `${b.name} (default)` : b.name }));
  const option = (value: string): Option | null => (value ? (branchOptions.find((o) => o.value === value) ?? { value, label: value }) : null);

  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    const nameProblem = branchNameProblem(branchName);
    if ((action !== 'pull-request') && nameProblem) found.branchName = `The branch name ${nameProblem}.`;
    if (action === 'branch' && !source) found.fromRef = 'Choose the branch to start from.';
    if (action === 'pull-request') {
      const sourceProblem = branchNameProblem(branchName);
      if (sourceProblem) found.sourceBranch = `The source branch ${sourceProblem}.`;
      if (!into) found.targetBranch = 'Choose the target branch.';
      if (into && into === branchName) found.targetBranch = 'Source and target must differ.';
      if (!title.trim()) found.title = 'Enter a title.';
    }
    return found;
  };

  const run = async (): Promise<void> => {
    const found = validate();
    setErrors(found);
    setGeneral([]);
    setProblem(undefined);
    if (Object.keys(found).length) return;
    if (action === 'delete' && !confirming) {
      setConfirming(true);
      return;
    }
    setConfirming(false);
    const controller = new AbortController();
    setBusy(controller);
    try {
      const done =
        action === 'branch'
          ? await git.createBranch(target, { branchName, fromRef: source }, key.current, { signal: controller.signal })
          : action === 'pull-request'
            ? await git.createPullRequest(target, { sourceBranch: branchName, targetBranch: into, title: title.trim() }, key.current, { signal: controller.signal })
            : await git.deleteBranch(target, branchName, key.current, { signal: controller.signal });
      setResult(done);
      key.current = newKey();
      onDone(done, action === 'branch' ? branchName : undefined);
    } catch (error) {
      if (error instanceof Cancelled) return;
      const p = problemOf(error);
      if (error instanceof ApiProblem && PAT_CODES.includes(p.code)) return onRefused(p);
      if (p.code === 'VALIDATION_FAILED') {
        const placed = placeProblem(p, ['branchName', 'fromRef', 'sourceBranch', 'targetBranch', 'title']);
        setErrors(placed.fields);
        setGeneral(placed.general);
      } else setProblem(p);
    } finally {
      setBusy(undefined);
    }
  };

  const verb = action === 'branch' ? 'Create branch' : action === 'pull-request' ? 'Create pull request' : 'Delete branch';
  return (
    <form
      noValidate
      aria-label={verb}
      onSubmit={(event) => {
        event.preventDefault();
        if (!busy) void run();
      }}
      style={{ marginBlockStart: space('200') }}
    >
      {action === 'branch' ? (
        <>
          <TextInput id="branchName" label="Branch name" value={branchName} onChange={setBranchName} error={errors.branchName} required />
          <BranchPicker id="fromRef" label="From" options={branchOptions} value={option(source)} onChange={setFromRef} error={errors.fromRef} loading={!branches} />
        </>
      ) : null}
      {action === 'pull-request' ? (
        <>
          <BranchPicker id="sourceBranch" label="Source branch" options={branchOptions} value={option(branchName)} onChange={(v) => setBranchName(v ?? '')} error={errors.sourceBranch} loading={!branches} />
          <BranchPicker id="targetBranch" label="Target branch" options={branchOptions} value={option(into)} onChange={setTargetBranch} error={errors.targetBranch} loading={!branches} />
          <TextInput id="title" label="Title" value={title} onChange={setTitle} error={errors.title} required />
        </>
      ) : null}
      {action === 'delete' ? <BranchPicker id="branchName" label="Branch to delete" options={branchOptions.filter((o) => o.value !== defaultBranch)} value={option(branchName)} onChange={(v) => setBranchName(v ?? '')} error={errors.branchName} loading={!branches} /> : null}
      {confirming ? (
        <p role="alert" style={{ marginBlockStart: space('150') }}>
          Delete <strong>{branchName}</strong> on the host? Commits only on it are lost. Press Delete branch again to confirm.
        </p>
      ) : null}
      <div style={{ display: 'flex', gap: space('100'), marginBlockStart: space('200') }}>
        <Button type="submit" appearance={action === 'delete' ? 'danger' : 'primary'} isDisabled={Boolean(busy)}>
          {verb}
        </Button>
      </div>
      {busy ? <Busy label="Working with the host…" onCancel={() => busy.abort()} /> : null}
      <ProblemMessage title="Not done" messages={general} />
      {problem ? <ActionProblem problem={problem} onRetry={() => void run()} /> : null}
      {result ? (
        <div role="status" data-testid="action-result" style={{ marginBlockStart: space('150') }}>
          <SectionMessage appearance="success" title={action === 'branch' ? `Branch ${branchName} created` : action === 'pull-request' ? 'Pull request created' : `Branch ${branchName} deleted`}>
            <p>
              {result.actedAs ? `As ${result.actedAs.credential === 'user-pat' ? (result.actedAs.login ?? 'you') : 'the service account'}. ` : ''}
              {result.url && action !== 'delete' ? (
                <a href={result.url} target="_blank" rel="noopener noreferrer">
                  Open on the host
                </a>
              ) : null}
            </p>
          </SectionMessage>
        </div>
      ) : null}
    </form>
  );
};

const BranchPicker = (props: { id: string; label: string; options: Option[]; value: Option | null; onChange: (value: string | undefined) => void; error?: string; loading: boolean }): JSX.Element => (
  <div style={{ marginBlockStart: space('200') }}>
    <Label htmlFor={props.id}>{props.label}</Label>
    <CreatableSelect<Option>
      inputId={props.id}
      options={props.options}
      value={props.value}
      onChange={(option) => props.onChange(option?.value)}
      formatCreateLabel={(text) => `Use "${text}"`}
      placeholder={props.loading ? 'Loading branches… or type one' : 'Choose or type a branch'}
      aria-describedby={props.error ? `${props.id}-error` : undefined}
    />
    <FieldError id={`${props.id}-error`} message={props.error} />
  </div>
);

/** Refusals of an action, each with what the user can do about it. */
const ActionProblem = ({ problem, onRetry }: { problem: Problem; onRetry: () => void }): JSX.Element => {
  const url = typeof problem.url === 'string' ? problem.url : undefined;
  const text =
    problem.code === 'CONFLICT'
      ? problem.detail
      : problem.code === 'HOST_RATE_LIMITED'
        ? `The host is rate limiting requests. Try again${problem.retryAfterSeconds ? ` in ${problem.retryAfterSeconds} seconds` : ' shortly'}.`
        : problem.code === 'FORBIDDEN'
          ? problem.detail
          : problem.detail;
  const retry = problem.code === 'HOST_UNAVAILABLE' || problem.code === 'HOST_TIMEOUT' || problem.code === 'HOST_RATE_LIMITED';
  return (
    <div role="alert" data-testid="action-problem" style={{ marginBlockStart: space('150') }}>
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
