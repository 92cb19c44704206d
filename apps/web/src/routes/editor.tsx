import { readWorkflow } from '@accord/collab';
import type { FieldCatalog, Workflow } from '@accord/engine';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { useStore } from 'zustand';
import { PresenceAvatars, PresenceHint } from '../editor/collab/presence-bar';
import {
  SharedDraftContext,
  useSharedDraft,
  useSharedDraftBinding,
} from '../editor/collab/shared-draft';
import type { SharedDraftSession } from '../editor/collab/shared-draft-session';
import { CommentsContext, type CommentsValue, type NodeComment } from '../editor/comments-context';
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

/** How long the draft stays unchanged before its server diagnostics are asked again. */
const DIAGNOSTICS_REFRESH_MS = 1_500;

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

/**
 * `/workflows/:workflowId`: the draft of a workflow in the editor, shared live with everyone
 * else who has it open (see `useSharedDraft`).
 */
export function EditorPage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  // The workspace's live catalog: asked again when the tab comes back into focus, so a field
  // added in another tab (the Fields page, a teammate) shows in the pickers.
  const catalog = useQuery(
    trpc.fields.catalog.queryOptions(undefined, { refetchOnWindowFocus: 'always' }),
  );
  const error = workflow.error ?? catalog.error;
  if (error)
    return (
      <main className="page">
        <h1>This workflow cannot be opened</h1>
        <p className="error">{error.message}</p>
      </main>
    );
  // The signed-in user's permissions decide, on the editor's first render, whether it is read only.
  if (!workflow.data || !me.data) return <p className="page muted">Opening the workflow…</p>;
  if (!catalog.data)
    return (
      <p className="page muted" data-testid="catalog-loading">
        Loading the workspace’s fields…
      </p>
    );
  return (
    <SharedEditor
      key={workflowId}
      workflow={workflow.data}
      me={me.data}
      catalog={catalog.data.catalog}
    />
  );
}

/** Joins the shared draft and opens the editor once the server's copy has arrived. */
function SharedEditor(props: {
  workflow: RouterOutputs['workflows']['get'];
  me: { id: string; name: string; role: string };
  catalog: FieldCatalog;
}) {
  const workflowId = props.workflow.id;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const onComments = useCallback(
    () => void queryClient.invalidateQueries(trpc.comments.list.queryFilter({ workflowId })),
    [queryClient, trpc, workflowId],
  );
  const shared = useSharedDraft(workflowId, { me: props.me, onComments });
  const { session } = shared;
  // Read once, at the first sync; from then on the binding keeps the editor in step.
  const [first, setFirst] = useState<ReturnType<typeof readWorkflow> | null>(null);
  useEffect(() => {
    if (session && shared.everSynced && !first) setFirst(readWorkflow(session.ydoc));
  }, [session, shared.everSynced, first]);
  if (shared.refused)
    return (
      <main className="page">
        <h1>This workflow cannot be opened</h1>
        <p className="error">The shared draft is not in your workspace.</p>
      </main>
    );
  if (!session || !first)
    return (
      <div className="page">
        <p className="muted" data-testid="collab-connecting">
          Connecting to the shared draft…
        </p>
        {shared.turnedAway && (
          <p className="error" role="alert">
            {shared.turnedAway} This tab joins as soon as one closes.
          </p>
        )}
      </div>
    );
  if (!first.ok)
    return (
      <main className="page">
        <h1>The draft is not a readable workflow</h1>
        <ul>
          {first.errors.slice(0, 10).map((e, i) => (
            <li key={i}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      </main>
    );
  return (
    <SharedDraftContext.Provider value={session}>
      <LoadedEditor
        workflow={props.workflow}
        doc={first.workflow}
        catalog={props.catalog}
        session={session}
        saveState={shared.saveState}
        serverRevision={shared.serverRevision}
      />
    </SharedDraftContext.Provider>
  );
}

function LoadedEditor(props: {
  workflow: RouterOutputs['workflows']['get'];
  doc: Workflow;
  catalog: FieldCatalog;
  session: SharedDraftSession;
  saveState: ReturnType<typeof useSharedDraft>['saveState'];
  serverRevision: number;
}) {
  const workflowId = props.workflow.id;
  const { catalog, session, serverRevision } = props;
  const { can } = usePermissions();
  const canEdit = can('draft.save') && !props.workflow.archived_at;
  const canComment = can('comments.add');
  const [store] = useState(() => createEditorStore(props.doc, { readOnly: !canEdit }));
  useSharedDraftBinding(session, store);
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // What only the server knows (`field-changed` warnings), asked again once it persisted and
  // the draft has been still for a moment (not every second while people type).
  const draft = useQuery(trpc.draft.get.queryOptions({ workflowId }, { gcTime: 0 }));
  const { refetch } = draft;
  useEffect(() => {
    if (serverRevision === 0) return;
    const timer = setTimeout(() => void refetch(), DIAGNOSTICS_REFRESH_MS);
    return () => clearTimeout(timer);
  }, [serverRevision, refetch]);
  useEffect(() => {
    if (draft.data)
      store.getState().setServerDiagnostics(serverOnlyDiagnostics(draft.data.diagnostics));
  }, [draft.data, store]);
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  const comments = useQuery(trpc.comments.list.queryOptions({ workflowId }));
  const addComment = useMutation(
    trpc.comments.add.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries(trpc.comments.list.queryFilter({ workflowId })),
    }),
  );
  useLiveValidation(store, catalog);
  const revision = Math.max(serverRevision, draft.data?.revision ?? 0);
  const evidence = useEditorEvidence(workflowId, revision);
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
  const flush = useCallback(() => session.whenSaved(), [session]);
  const stages = useStore(store, (s) => s.doc.stages);
  const scores = useStore(store, (s) => s.doc.scores);
  const offline = props.saveState === 'offline';
  return (
    <EditorStoreContext.Provider value={store}>
      <WorkflowContextProvider stages={stages} scores={scores} catalog={catalog}>
        <NewFieldProvider enabled={canEdit && can('fields.add')}>
          <CommentsContext.Provider value={commentsValue}>
            <EvidenceContext.Provider value={evidence}>
              <ReactFlowProvider>
                <EditorLayout
                  banner={
                    <>
                      {offline && (
                        <p className="banner warning" role="status" data-testid="offline-banner">
                          {canEdit
                            ? 'You are offline. Your edits are kept here and will merge when the connection returns.'
                            : 'You are offline. The draft catches up when the connection returns.'}
                        </p>
                      )}
                      {props.workflow.archived_at ? (
                        <p className="banner">
                          This workflow is archived: unarchive it to edit the draft.
                        </p>
                      ) : (
                        !canEdit && (
                          <p className="banner" data-testid="read-only-banner">
                            {canComment
                              ? 'You can read this draft and comment; marketing, sales and admins edit it.'
                              : 'This draft is read-only for you; marketing, sales and admins edit it.'}
                          </p>
                        )
                      )}
                      <PresenceHint />
                    </>
                  }
                  toolbar={(actions) => (
                    <Toolbar
                      workflow={props.workflow}
                      versions={versions.data}
                      status={{ state: props.saveState, revision }}
                      presence={<PresenceAvatars />}
                      {...actions}
                      onPropose={canEdit ? () => setProposing(true) : undefined}
                    />
                  )}
                >
                  <ProposeDialog
                    workflowId={workflowId}
                    open={proposing}
                    onOpenChange={setProposing}
                    flush={flush}
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
