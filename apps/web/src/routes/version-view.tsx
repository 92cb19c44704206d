import { parseWorkflow, type FieldCatalog, type Workflow } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useStore } from 'zustand';
import { CommentsContext } from '../editor/comments-context';
import { EditorLayout } from '../editor/editor-layout';
import { StagesScoresDialog } from '../editor/stages-scores-dialog';
import { useLiveValidation } from '../editor/live-validation';
import { createEditorStore, EditorStoreContext } from '../editor/store';
import { WorkflowContextProvider } from '../editor/workflow-context';
import '../editor/editor.css';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { commentsByNode } from './editor';

type Version = RouterOutputs['versions']['get'];

/** `/workflows/:workflowId/versions/:versionId/view`: a version, read only. */
export function VersionViewPage() {
  const { versionId = '' } = useParams();
  const trpc = useTRPC();
  const version = useQuery(trpc.versions.get.queryOptions({ versionId }));
  // The catalog the version pinned: a field changed since reads as it did when it was proposed.
  const catalog = useQuery(trpc.versions.catalog.queryOptions({ versionId }));
  const parsed = useMemo(
    () => (version.data ? parseWorkflow(version.data.document) : undefined),
    [version.data],
  );
  const error = version.error ?? catalog.error;
  if (error)
    return (
      <main className="page">
        <h1>This version cannot be opened</h1>
        <p className="error">{error.message}</p>
      </main>
    );
  if (!version.data || !parsed) return <p className="page muted">Opening the version…</p>;
  if (!catalog.data)
    return (
      <p className="page muted" data-testid="catalog-loading">
        Loading the fields this version reads…
      </p>
    );
  if (!parsed.ok)
    return (
      <main className="page">
        <h1>This version is not a readable workflow</h1>
      </main>
    );
  return (
    <LoadedVersion
      key={versionId}
      version={version.data}
      doc={parsed.workflow}
      catalog={catalog.data.catalog}
    />
  );
}

function LoadedVersion({
  version,
  doc,
  catalog,
}: {
  version: Version;
  doc: Workflow;
  catalog: FieldCatalog;
}) {
  const [store] = useState(() => createEditorStore(doc, { readOnly: true }));
  const trpc = useTRPC();
  const comments = useQuery(
    trpc.comments.list.queryOptions({ workflowId: version.workflow_id, versionId: version.id }),
  );
  useLiveValidation(store, catalog);
  const stages = useStore(store, (s) => s.doc.stages);
  const scores = useStore(store, (s) => s.doc.scores);
  const commentsValue = useMemo(() => ({ byNode: commentsByNode(comments.data) }), [comments.data]);
  const [stagesOpen, setStagesOpen] = useState(false);
  return (
    <EditorStoreContext.Provider value={store}>
      <WorkflowContextProvider stages={stages} scores={scores} catalog={catalog}>
        <CommentsContext.Provider value={commentsValue}>
          <ReactFlowProvider>
            <EditorLayout
              toolbar={(actions) => (
                <div className="editor-toolbar" role="toolbar" aria-label="Version">
                  <div className="toolbar-title">
                    <Link to="/workflows" className="muted small">
                      Workflows
                    </Link>
                    <span className="muted small"> / </span>
                    <Link to={`/workflows/${version.workflow_id}`} className="muted small">
                      {version.workflowName}
                    </Link>
                    <span className="muted small"> / </span>
                    <h1 data-testid="version-title">Version {version.number}</h1>
                    <span className={`pill status-${version.status}`}>{version.status}</span>
                  </div>
                  <span className="pill">Read only</span>
                  <span className="muted small version-meta" title={version.change_note}>
                    by {version.authorName} on {new Date(version.created_at).toLocaleDateString()}
                    {version.change_note ? ` · “${version.change_note}”` : ''}
                  </span>
                  <div className="toolbar-group">
                    <button
                      type="button"
                      className="tool-button"
                      aria-label="Fit the workflow in view"
                      onClick={actions.onFitView}
                    >
                      ⤢
                    </button>
                    <button
                      type="button"
                      className="tool-button"
                      aria-label="Keyboard shortcuts"
                      onClick={actions.onHelp}
                    >
                      ?
                    </button>
                  </div>
                  <button type="button" onClick={() => setStagesOpen(true)}>
                    Stages &amp; scores
                  </button>
                  <StagesScoresDialog open={stagesOpen} onOpenChange={setStagesOpen} />
                  {version.status !== 'published' && (
                    <Link
                      className="button"
                      to={`/workflows/${version.workflow_id}/simulate?candidate=${version.id}&baseline=live`}
                    >
                      Simulate against live
                    </Link>
                  )}
                  <Link className="button" to={`/workflows/${version.workflow_id}`}>
                    Open the draft
                  </Link>
                </div>
              )}
            />
          </ReactFlowProvider>
        </CommentsContext.Provider>
      </WorkflowContextProvider>
    </EditorStoreContext.Provider>
  );
}
