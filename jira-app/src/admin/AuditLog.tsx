import { useEffect, useState, type JSX } from 'react';
import Button from '@atlaskit/button/new';
import DynamicTable from '@atlaskit/dynamic-table';
import Lozenge from '@atlaskit/lozenge';
import { admin, type AuditEntry, type AuditPage, type IntegrationView } from '../api/patgate';
import { ProblemMessage, problemOf, space, tk } from '../common/ui';

const PAGE_SIZE = 10;

const asWhom = (entry: AuditEntry): string =>
  entry.actedAs ? `${entry.actedAs.credential === 'user-pat' ? 'user PAT' : 'service account'}${entry.actedAs.login ? ` (${entry.actedAs.login})` : ''}` : '—';

/** Who did what, as whom: newest first, a page at a time. */
export const AuditLog = ({ integrations, integrationId, version }: { integrations: readonly IntegrationView[]; integrationId?: string; version: number }): JSX.Element => {
  const [page, setPage] = useState<AuditPage>();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [problem, setProblem] = useState<string>();
  const cursor = cursors[cursors.length - 1];

  useEffect(() => setCursors([undefined]), [integrationId, version]);

  useEffect(() => {
    let live = true;
    admin
      .audit({ integrationId, limit: PAGE_SIZE, cursor })
      .then((next) => live && (setPage(next), setProblem(undefined)))
      .catch((error: unknown) => live && setProblem(problemOf(error).detail));
    return () => {
      live = false;
    };
  }, [integrationId, cursor, version]);

  const nameOf = (id?: string): string => (id ? (integrations.find((i) => i.id === id)?.name ?? id) : '—');
  const rows = (page?.entries ?? []).map((e) => ({
    key: e.id,
    cells: [
      { key: 'at', content: new Date(e.at).toISOString().replace('T', ' ').slice(0, 16) },
      { key: 'who', content: e.actorAccountId },
      { key: 'what', content: `${e.action}${e.issueKey ? ` · ${e.issueKey}` : ''}` },
      { key: 'where', content: `${nameOf(e.integrationId)}${e.repositoryId ? ` · ${e.repositoryId}` : ''}` },
      // Computed by the API when the entry was written (docs/architecture.md §5): what changed, never a secret.
      {
        key: 'changed',
        content: e.summary?.length ? (
          <ul data-testid={`audit-summary-${e.id}`} style={{ margin: 0, paddingInlineStart: space('200') }}>
            {e.summary.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        ) : (
          '—'
        ),
      },
      { key: 'as', content: asWhom(e) },
      {
        key: 'outcome',
        content: <Lozenge appearance={e.outcome === 'success' ? 'success' : e.outcome === 'refused' ? 'moved' : 'removed'}>{e.code ? `${e.outcome} · ${e.code}` : e.outcome}</Lozenge>,
      },
    ],
  }));

  return (
    <section aria-labelledby="audit-title" style={{ marginBlockStart: space('400') }}>
      <h2 id="audit-title" style={{ font: tk('font.heading.medium') }}>
        Audit log{integrationId ? ` · ${nameOf(integrationId)}` : ''}
      </h2>
      <ProblemMessage title="The audit log could not be loaded" messages={problem ? [problem] : []} />
      <DynamicTable
        label="Audit log"
        head={{
          cells: [
            { key: 'at', content: 'When (UTC)' },
            { key: 'who', content: 'Who' },
            { key: 'what', content: 'What' },
            { key: 'where', content: 'Integration' },
            { key: 'changed', content: 'What changed' },
            { key: 'as', content: 'As whom' },
            { key: 'outcome', content: 'Outcome' },
          ],
        }}
        rows={rows}
        isLoading={!page && !problem}
        emptyView={<p>Nothing recorded yet.</p>}
      />
      <div style={{ display: 'flex', gap: space('100') }}>
        <Button isDisabled={cursors.length < 2} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Newer
        </Button>
        <Button isDisabled={!page?.nextCursor} onClick={() => page?.nextCursor && setCursors((c) => [...c, page.nextCursor])}>
          Older
        </Button>
      </div>
    </section>
  );
};
