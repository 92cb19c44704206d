import { describeWorkflow } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { formatTime } from '../pages/format';
import { useVersionDocument } from '../pages/use-version-document';

/**
 * `/workflows/:workflowId/versions/:versionId/agreement`: the version in plain language, as the
 * document both leaders sign, with who proposed, signed and published it. Prints cleanly.
 */
export function AgreementPage() {
  const { workflowId = '', versionId = '' } = useParams();
  const trpc = useTRPC();
  const { version, workflow, parsed } = useVersionDocument(versionId);
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  const listed = versions.data?.find((v) => v.id === versionId);
  // The agreement reads as the version's own catalog defines its fields (pinned when proposed).
  const catalog = useQuery(trpc.versions.catalog.queryOptions({ versionId }));
  const agreement = useMemo(
    () => (workflow && catalog.data ? describeWorkflow(workflow, catalog.data.catalog) : undefined),
    [workflow, catalog.data],
  );

  if (version.error) return <p className="page error">{version.error.message}</p>;
  if (parsed && !parsed.ok)
    return <p className="page error">This version is not a readable workflow document.</p>;
  if (!version.data || !agreement) return <p className="page muted">Loading…</p>;
  const v = version.data;
  const signatures = listed?.approvals ?? [];
  return (
    <main className="page agreement">
      <div className="page-head no-print">
        <Link to={`/workflows/${workflowId}/versions`}>← All versions</Link>
        <span className="spacer" />
        <Link to={`/workflows/${workflowId}/versions/compare?b=${versionId}`}>
          Compare with another version
        </Link>
        <button onClick={() => window.print()}>Print</button>
      </div>
      <article className="card agreement-doc">
        <header>
          <p className="muted small">Lead qualification agreement · {v.workflowName}</p>
          <h1>
            Version {v.number} <span className={`badge status-${v.status}`}>{v.status}</span>
          </h1>
          <p className="change-note">{v.change_note}</p>
        </header>
        {agreement.sections.map((section) => (
          <section key={section.heading} data-stage={section.stage ?? undefined}>
            <h2>{section.heading}</h2>
            <ul>
              {section.lines.map((line, i) => (
                <li key={i} className={line.startsWith('  ') ? 'sub' : undefined}>
                  {line.trim()}
                </li>
              ))}
            </ul>
          </section>
        ))}
        <section className="signatures" aria-label="Signatures">
          <h2>Signatures</h2>
          <table className="data-table">
            <tbody>
              <tr>
                <th>Proposed</th>
                <td>{v.authorName}</td>
                <td>{formatTime(v.created_at)}</td>
                <td />
              </tr>
              {signatures.map((a) => (
                <tr key={a.id}>
                  <th>
                    {a.decision === 'reject'
                      ? 'Rejected'
                      : a.counts
                        ? 'Signed'
                        : 'Approved, does not count'}
                  </th>
                  <td>
                    {a.userName} <span className="muted">({a.role})</span>
                  </td>
                  <td>{formatTime(a.created_at)}</td>
                  <td className="muted">
                    {a.decision === 'approve' && !a.counts && 'The author’s own approval. '}
                    {a.comment}
                  </td>
                </tr>
              ))}
              {!listed && (
                <tr>
                  <td colSpan={4} className="muted">
                    Loading the signatures…
                  </td>
                </tr>
              )}
              {listed && signatures.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    Not signed yet: it needs one marketing and one sales approval.
                  </td>
                </tr>
              )}
              {(listed?.publications ?? []).map((p) => (
                <tr key={p.id}>
                  <th>{p.kind === 'rollback' ? 'Live again' : 'Published'}</th>
                  <td>{p.publishedByName}</td>
                  <td>{formatTime(p.published_at)}</td>
                  <td className="muted">{p.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small muted">Document hash {v.compiled_hash}</p>
        </section>
      </article>
    </main>
  );
}
