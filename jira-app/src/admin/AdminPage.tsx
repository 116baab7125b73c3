import { lazy, Suspense, useCallback, useEffect, useState, type JSX } from 'react';
import { serviceCredentialNotice } from '../common/service-credential';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { focusedIntegrationId } from '../api/context';
import { admin, ifMatchOf, type IntegrationView } from '../api/patgate';
import { KIND_LABELS } from '../common/kinds';
import SectionMessage from '@atlaskit/section-message';
import { savedSummary } from './saved-summary';
import { Page, PageHeader, ProblemMessage, problemOf, ResultMessage, space, tk } from '../common/ui';
import { AuditLog } from './AuditLog';

// The editor (its selects, checkbox and rules) loads when an admin adds or edits an integration,
// not with the page: what the page downloads on open stays under its budget (docs/benchmarks.md).
const IntegrationForm = lazy(async () => ({ default: (await import('./IntegrationForm')).IntegrationForm }));
const Overrides = lazy(async () => ({ default: (await import('./Overrides')).Overrides }));

type Editing = { mode: 'create' } | { mode: 'edit'; view: IntegrationView; ifMatch: string } | undefined;

/** What the page can show once it asked the API: exactly one of these (a 403 shows nothing but its message). */
type Listing =
  | { readonly kind: 'loading' }
  | { readonly kind: 'forbidden'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'ready'; readonly integrations: IntegrationView[] };

/** Where focus goes once the (lazily loaded) editor is on screen: its heading on open, the result message after a save. */
interface FocusTarget {
  readonly id: string;
  readonly scroll: boolean;
  readonly n: number;
}

/** Manage Git repositories: integrations, the Require User PAT policy, per-repository overrides, audit. */
export const AdminPage = (): JSX.Element => {
  const [listing, setListing] = useState<Listing>({ kind: 'loading' });
  const [problem, setProblem] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [auditVersion, setAuditVersion] = useState(0);
  const [result, setResult] = useState<{ title: string; lines: string[] }>();
  const [focus, setFocus] = useState<FocusTarget>();
  const focusOn = useCallback((id: string, scroll = false) => setFocus((f) => ({ id, scroll, n: (f?.n ?? 0) + 1 })), []);

  const load = useCallback(async (): Promise<boolean> => {
    try {
      setListing({ kind: 'ready', integrations: await admin.list() });
      return true;
    } catch (error) {
      const { status, detail } = problemOf(error);
      // Not a Jira administrator: the page has nothing else to offer (issue 22).
      setListing(status === 403 ? { kind: 'forbidden', message: detail } : { kind: 'failed', message: detail });
      return false;
    }
  }, []);

  const open = useCallback(
    async (id: string, scroll = false) => {
      try {
        const answer = await admin.get(id);
        setResult(undefined);
        setEditing({ mode: 'edit', view: answer.body, ifMatch: ifMatchOf(answer) });
        focusOn('integration-form-title', scroll);
      } catch (error) {
        setProblem(problemOf(error).detail);
      }
    },
    [focusOn],
  );

  /** The open integration read again after an override changed: focus stays where the override form put it. */
  const refresh = useCallback(async (id: string) => {
    try {
      const answer = await admin.get(id);
      setEditing({ mode: 'edit', view: answer.body, ifMatch: ifMatchOf(answer) });
    } catch (error) {
      setProblem(problemOf(error).detail);
    }
  }, []);

  useEffect(() => {
    void Promise.all([load(), focusedIntegrationId()]).then(([loaded, id]) => (loaded && id ? open(id, true) : undefined));
  }, [load, open]);

  const saved = (view: IntegrationView, ifMatch: string): void => {
    const before = editing?.mode === 'edit' ? editing.view : undefined;
    const lines = savedSummary(before, view);
    setResult({ title: before ? `Updated ${view.name}` : `Added ${view.name}`, lines: lines.length ? lines : ['Nothing changed.'] });
    setEditing({ mode: 'edit', view, ifMatch });
    setAuditVersion((v) => v + 1);
    focusOn('save-result');
    void load();
  };

  if (listing.kind === 'forbidden') {
    return (
      <Page>
        <PageHeader title="Manage Git repositories" />
        <div data-testid="not-admin">
          <SectionMessage appearance="warning" title="Only Jira administrators can manage Git repositories">
            <p>{listing.message} Ask a Jira administrator to connect git hosts or change the Require User PAT policy. Your own tokens are in Personal settings.</p>
          </SectionMessage>
        </div>
      </Page>
    );
  }
  const integrations = listing.kind === 'ready' ? listing.integrations : undefined;
  const loadProblem = listing.kind === 'failed' ? listing.message : problem;

  const rows = (integrations ?? []).map((i) => ({
    key: i.id,
    cells: [
      {
        key: 'name',
        content: (
          <span data-testid={`row-name-${i.id}`}>
            {i.name}
            {((notice) =>
              notice ? (
                <span data-testid={`row-credential-${i.id}`}>
                  {' '}
                  <Lozenge appearance={notice.appearance}>{notice.text}</Lozenge>
                </span>
              ) : null)(serviceCredentialNotice(i.serviceCredential.expiresAt, new Date()))}
          </span>
        ),
      },
      { key: 'kind', content: KIND_LABELS[i.provider] + (i.tfsVersion ? ` ${i.tfsVersion}` : '') },
      {
        key: 'policy',
        content: (
          <span data-testid={`row-policy-${i.id}`} data-required={i.requireUserPat ? 'true' : 'false'}>
            <Lozenge appearance={i.requireUserPat ? 'success' : 'default'}>{i.requireUserPat ? 'required' : 'not required'}</Lozenge>
            {i.repositories.length ? <span>{` · ${i.repositories.length} override${i.repositories.length === 1 ? '' : 's'}`}</span> : null}
          </span>
        ),
      },
      { key: 'projects', content: <span data-testid={`row-projects-${i.id}`}>{i.projects === 'all' ? 'Projects: all' : `Projects: ${i.projects.map((p) => p.key).join(', ')}`}</span> },
      { key: 'holders', content: <span data-testid={`row-holders-${i.id}`}>{count(i.tokenHolders)}</span> },
      {
        key: 'expiring',
        content: (
          <span data-testid={`row-expiring-${i.id}`}>
            {i.tokensExpiringWithin7Days ? <Lozenge appearance="moved">{String(i.tokensExpiringWithin7Days)}</Lozenge> : count(i.tokensExpiringWithin7Days)}
          </span>
        ),
      },
      {
        key: 'actions',
        content: (
          <Button appearance="subtle" onClick={() => void open(i.id)} aria-label={`Edit ${i.name}`}>
            Edit
          </Button>
        ),
      },
    ],
  }));

  return (
    <Page>
      <PageHeader title="Manage Git repositories">
        Connect git hosts to Jira. With <strong>Require User PAT</strong> on, branches and pull requests are created with each person&apos;s own personal access
        token, so the host records the real author; without it, the integration&apos;s service account acts.
      </PageHeader>
      <ProblemMessage title="The integrations could not be loaded" messages={loadProblem ? [loadProblem] : []} />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBlockEnd: space('150') }}>
        <h2 style={{ font: tk('font.heading.medium') }}>Integrations</h2>
        <Button
          appearance="primary"
          isDisabled={!integrations}
          onClick={() => {
            setResult(undefined);
            setEditing({ mode: 'create' });
            focusOn('integration-form-title');
          }}
        >
          Add integration
        </Button>
      </div>
      {integrations ? (
        <DynamicTable
          label="Integrations"
          head={{
            cells: [
              { key: 'name', content: 'Name' },
              { key: 'kind', content: 'Kind' },
              { key: 'policy', content: 'Require User PAT' },
              { key: 'projects', content: 'Projects' },
              { key: 'holders', content: 'Token holders' },
              { key: 'expiring', content: 'Expiring within 7 days' },
              { key: 'actions', content: <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)' }}>Actions</span> },
            ],
          }}
          rows={rows}
          emptyView={<p>No integrations yet. Add one to connect a git host.</p>}
        />
      ) : listing.kind === 'failed' ? null : (
        <Spinner label="Loading integrations" />
      )}
      {result ? (
        <ResultMessage id="save-result" testId="save-result">
          <p>
            <strong>{result.title}.</strong>
          </p>
          <ul>
            {result.lines.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </ResultMessage>
      ) : null}
      <div>
        <Suspense fallback={editing ? <Spinner label="Loading the editor" /> : null}>
          {editing?.mode === 'create' ? <IntegrationForm key="create" mode="create" onSaved={saved} onCancel={() => setEditing(undefined)} /> : null}
          {editing?.mode === 'edit' ? (
            <>
              <IntegrationForm
                key={`${editing.view.id}:${editing.ifMatch}`}
                mode="edit"
                view={editing.view}
                ifMatch={editing.ifMatch}
                onSaved={saved}
                onReload={() => void open(editing.view.id)}
                onCancel={() => {
                  setResult(undefined);
                  setEditing(undefined);
                }}
              />
              <Overrides
                view={editing.view}
                onChanged={() => {
                  setAuditVersion((v) => v + 1);
                  void refresh(editing.view.id);
                  void load();
                }}
              />
            </>
          ) : null}
          {focus ? <FocusWhenShown target={focus} /> : null}
        </Suspense>
      </div>
      {integrations ? <AuditLog integrations={integrations} integrationId={editing?.mode === 'edit' ? editing.view.id : undefined} version={auditVersion} /> : null}
    </Page>
  );
};

/**
 * Moves focus once the (lazily loaded) editor is on screen: rendered inside its Suspense boundary, so
 * the effect runs only after the editor is committed. A deep link also scrolls the card into view.
 */
const FocusWhenShown = ({ target }: { target: FocusTarget }): null => {
  useEffect(() => {
    const element = document.getElementById(target.id);
    if (target.scroll) element?.scrollIntoView({ block: 'start' });
    element?.focus({ preventScroll: target.scroll });
  }, [target]);
  return null;
};

/** A count the API reports (token holders, tokens expiring within 7 days: never who). */
const count = (value: number | undefined): string => (typeof value === 'number' ? String(value) : '—');
