import { parseWorkflow, type Diagnostic, type FieldCatalog, type Workflow } from '@accord/engine';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { useStore } from 'zustand';
import { CommentsContext, type CommentsValue, type NodeComment } from '../editor/comments-context';
import { ConflictDialog } from '../editor/conflict-dialog';
import { useDraftSync } from '../editor/draft-sync';
import { DraftNotice } from '../editor/draft-notice';
import { EvidenceContext, useEditorEvidence } from '../editor/evidence/evidence-context';
import { EditorLayout } from '../editor/editor-layout';
import { serverOnlyDiagnostics, useLiveValidation } from '../editor/live-validation';
import { NewFieldProvider } from '../editor/new-field';
import { ProposeDialog } from '../editor/propose-dialog';
import { createEditorStore, EditorStoreContext } from '../editor/store';
import { Toolbar } from '../editor/toolbar';
import { WorkflowContextProvider } from '../editor/workflow-context';
import '../editor/editor.css';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { usePermissions } from '../pages/use-permissions';

/** Groups comments by the node they are about. */
export function commentsByNode(comments: readonly NodeComment[] | undefined) {
  const map = new Map<string, NodeComment[]>();
  for (const c of comments ?? []) {
    if (!c.node_id) continue;
    const list = map.get(c.node_id);
    if (list) list.push(c);
    else map.set(c.node_id, [c]);
  }
  return map;
}

/** `/workflows/:workflowId`: the draft of a workflow in the editor. */
export function EditorPage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  const draft = useQuery(
    trpc.draft.get.queryOptions({ workflowId }, { staleTime: Infinity, gcTime: 0 }),
  );
  // The workspace's live catalog: asked again when the tab comes back into focus, so a field
  // added in another tab (the Fields page, a teammate) shows in the pickers.
  const catalog = useQuery(
    trpc.fields.catalog.queryOptions(undefined, { refetchOnWindowFocus: 'always' }),
  );
  const parsed = useMemo(
    () => (draft.data ? parseWorkflow(draft.data.document) : undefined),
    [draft.data],
  );
  const error = workflow.error ?? draft.error ?? catalog.error;
  if (error)
    return (
      <main className="page">
        <h1>This workflow cannot be opened</h1>
        <p className="error">{error.message}</p>
      </main>
    );
  // The signed-in user's permissions decide, on the editor's first render, whether it is read only.
  if (!workflow.data || !draft.data || !parsed || !me.data)
    return <p className="page muted">Opening the workflow…</p>;
  if (!catalog.data)
    return (
      <p className="page muted" data-testid="catalog-loading">
        Loading the workspace’s fields…
      </p>
    );
  if (!parsed.ok)
    return (
      <main className="page">
        <h1>The draft is not a readable workflow</h1>
        <ul>
          {parsed.errors.slice(0, 10).map((e, i) => (
            <li key={i}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      </main>
    );
  return (
    <LoadedEditor
      key={workflowId}
      workflow={workflow.data}
      doc={parsed.workflow}
      revision={draft.data.revision}
      diagnostics={draft.data.diagnostics}
      catalog={catalog.data.catalog}
    />
  );
}

function LoadedEditor(props: {
  workflow: RouterOutputs['workflows']['get'];
  doc: Workflow;
  revision: number;
  /** What the server said about the draft as loaded (its `field-changed` warnings are kept). */
  diagnostics: readonly Diagnostic[];
  catalog: FieldCatalog;
}) {
  const workflowId = props.workflow.id;
  const { catalog } = props;
  const { can } = usePermissions();
  const canEdit = can('draft.save') && !props.workflow.archived_at;
  const canComment = can('comments.add');
  const [store] = useState(() => {
    const created = createEditorStore(props.doc, { readOnly: !canEdit });
    created.getState().setServerDiagnostics(serverOnlyDiagnostics(props.diagnostics));
    return created;
  });
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  const comments = useQuery(trpc.comments.list.queryOptions({ workflowId }));
  const addComment = useMutation(
    trpc.comments.add.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries(trpc.comments.list.queryFilter({ workflowId })),
    }),
  );
  const sync = useDraftSync({
    store,
    workflowId,
    revision: props.revision,
    enabled: canEdit,
    catalog,
  });
  useLiveValidation(store, catalog);
  const evidence = useEditorEvidence(workflowId, sync.status.revision);
  const [proposing, setProposing] = useState(false);
  const { mutateAsync } = addComment;
  const commentsValue = useMemo<CommentsValue>(
    () => ({
      byNode: commentsByNode(comments.data),
      add: canComment
        ? async (nodeId, body) => {
            await mutateAsync({ workflowId, nodeId, body });
          }
        : undefined,
    }),
    [comments.data, canComment, mutateAsync, workflowId],
  );
  const { save } = sync;
  const onSave = useCallback(() => void save(), [save]);
  const stages = useStore(store, (s) => s.doc.stages);
  const scores = useStore(store, (s) => s.doc.scores);
  return (
    <EditorStoreContext.Provider value={store}>
      <WorkflowContextProvider stages={stages} scores={scores} catalog={catalog}>
        <NewFieldProvider enabled={canEdit && can('fields.add')}>
          <CommentsContext.Provider value={commentsValue}>
            <EvidenceContext.Provider value={evidence}>
              <ReactFlowProvider>
                <EditorLayout
                  onSave={onSave}
                  banner={
                    props.workflow.archived_at ? (
                      <p className="banner">
                        This workflow is archived: unarchive it to edit the draft.
                      </p>
                    ) : !canEdit ? (
                      <p className="banner" data-testid="read-only-banner">
                        {canComment
                          ? 'You can read this draft and comment; marketing, sales and admins edit it.'
                          : 'This draft is read-only for you; marketing, sales and admins edit it.'}
                      </p>
                    ) : (
                      <DraftNotice sync={sync} />
                    )
                  }
                  toolbar={(actions) => (
                    <Toolbar
                      workflow={props.workflow}
                      versions={versions.data}
                      status={canEdit ? sync.status : null}
                      onSave={onSave}
                      {...actions}
                      onPropose={canEdit ? () => setProposing(true) : undefined}
                    />
                  )}
                >
                  <ConflictDialog sync={sync} />
                  <ProposeDialog
                    workflowId={workflowId}
                    open={proposing}
                    onOpenChange={setProposing}
                    flush={sync.save}
                    onFocusNode={(id) => store.getState().focusNode(id)}
                  />
                </EditorLayout>
              </ReactFlowProvider>
            </EvidenceContext.Provider>
          </CommentsContext.Provider>
        </NewFieldProvider>
      </WorkflowContextProvider>
    </EditorStoreContext.Provider>
  );
}
