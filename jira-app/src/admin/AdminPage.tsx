import { lazy, Suspense, useCallback, useEffect, useRef, useState, type JSX, type RefObject } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import Spinner from '@atlaskit/spinner';
import { focusedIntegrationId } from '../api/context';
import { admin, ifMatchOf, type IntegrationView } from '../api/patgate';
import { KIND_LABELS } from '../common/kinds';
import { Page, PageHeader, ProblemMessage, problemOf, space, tk } from '../common/ui';
import { AuditLog } from './AuditLog';

// The editor (its selects, checkbox and rules) loads when an admin adds or edits an integration,
// not with the page: what the page downloads on open stays under its budget (docs/benchmarks.md).
const IntegrationForm = lazy(async () => ({ default: (await import('./IntegrationForm')).IntegrationForm }));
const Overrides = lazy(async () => ({ default: (await import('./Overrides')).Overrides }));

type Editing = { mode: 'create' } | { mode: 'edit'; view: IntegrationView; ifMatch: string } | undefined;

/** Manage Git repositories: integrations, the Require User PAT policy, per-repository overrides, audit. */
export const AdminPage = (): JSX.Element => {
  const [integrations, setIntegrations] = useState<IntegrationView[]>();
  const [loadProblem, setLoadProblem] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [auditVersion, setAuditVersion] = useState(0);
  const editorRef = useRef<HTMLDivElement>(null);

  const load = useCallback(async () => {
    try {
      setIntegrations(await admin.list());
      setLoadProblem(undefined);
    } catch (error) {
      setLoadProblem(problemOf(error).detail);
    }
  }, []);

  const open = useCallback(async (id: string) => {
    try {
      const result = await admin.get(id);
      setEditing({ mode: 'edit', view: result.body, ifMatch: ifMatchOf(result) });
    } catch (error) {
      setLoadProblem(problemOf(error).detail);
    }
  }, []);

  useEffect(() => {
    void load();
    void focusedIntegrationId().then((id) => (id ? open(id) : undefined));
  }, [load, open]);

  const saved = (view: IntegrationView, ifMatch: string): void => {
    setEditing({ mode: 'edit', view, ifMatch });
    setAuditVersion((v) => v + 1);
    void load();
  };

  const rows = (integrations ?? []).map((i) => ({
    key: i.id,
    cells: [
      { key: 'name', content: <span data-testid={`row-name-${i.id}`}>{i.name}</span> },
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
      <ProblemMessage title="Something went wrong" messages={loadProblem ? [loadProblem] : []} />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBlockEnd: space('150') }}>
        <h2 style={{ font: tk('font.heading.medium') }}>Integrations</h2>
        <Button appearance="primary" onClick={() => setEditing({ mode: 'create' })}>
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
      ) : loadProblem ? null : (
        <Spinner label="Loading integrations" />
      )}
      <div ref={editorRef}>
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
                onCancel={() => setEditing(undefined)}
              />
              <Overrides
                view={editing.view}
                onChanged={() => {
                  setAuditVersion((v) => v + 1);
                  void open(editing.view.id);
                  void load();
                }}
              />
            </>
          ) : null}
          {editing ? <FocusHeading within={editorRef} target={editing.mode === 'edit' ? editing.view.id : 'create'} /> : null}
        </Suspense>
      </div>
      <AuditLog integrations={integrations ?? []} integrationId={editing?.mode === 'edit' ? editing.view.id : undefined} version={auditVersion} />
    </Page>
  );
};

/** Moves focus to the editor's heading once the (lazily loaded) editor is on screen, and whenever it shows another integration. */
const FocusHeading = ({ within, target }: { within: RefObject<HTMLDivElement | null>; target: string }): null => {
  useEffect(() => {
    within.current?.querySelector<HTMLElement>('h2')?.focus();
  }, [within, target]);
  return null;
};

/** A count the API reports (token holders, tokens expiring within 7 days: never who). */
const count = (value: number | undefined): string => (typeof value === 'number' ? String(value) : '—');
