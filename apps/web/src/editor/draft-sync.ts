import { parseWorkflow, type FieldCatalog, type Workflow } from '@accord/engine';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppRouter } from '@accord/api';
import { useTRPCClient } from '../lib/trpc';
import { serverOnlyDiagnostics } from './live-validation';
import { allChosen, mergeDrafts, type MergeConflict, type MergeSide } from './merge-drafts';
import type { EditorStore } from './store';

/** How long after the last edit the draft is saved. */
export const AUTOSAVE_MS = 1_000;
/** How often an open editor asks whether a teammate saved (a tiny query, no document). */
export const REVISION_POLL_MS = 2_500;

export interface DraftAuthor {
  id: string;
  name: string;
  role?: string;
}

export interface ConflictInfo {
  currentRevision: number;
  savedBy: DraftAuthor | null;
  savedAt: string | Date;
}

/** A merge waiting for a person: values both sides changed differently. */
export interface PendingMerge {
  theirs: Workflow;
  theirsRevision: number;
  conflicts: MergeConflict[];
}

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error';

export interface SaveStatus {
  state: SaveState;
  revision: number;
  savedAt?: Date;
  error?: string;
  /** Who saved the newer revision (a refused save, or one the revision check found). */
  conflict?: ConflictInfo;
  /** With state `conflict`: the values to choose between once the newest draft is merged. */
  merge?: PendingMerge;
  /** A teammate saved while this tab has unsaved edits: offer to merge now. */
  newer?: ConflictInfo;
  /** What just happened to the draft, in words (a teammate's save loaded, a merge saved). */
  notice?: string;
}

type ClientError = TRPCClientError<AppRouter>;

function conflictOf(error: unknown): ConflictInfo | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as ClientError).data as
    { code?: string; conflict?: ConflictInfo } | undefined;
  return data?.code === 'CONFLICT' ? data.conflict : undefined;
}

/** "Maya Marketing (marketing)", or "Someone". */
export function authorText(author: DraftAuthor | null | undefined): string {
  if (!author) return 'Someone';
  return author.role ? `${author.name} (${author.role})` : author.name;
}

/**
 * Autosaves the draft and keeps it in step with teammates. Every save names the revision it
 * builds on. Every few seconds the editor asks for the draft's revision: when a teammate saved and
 * this tab has no unsaved edits it loads their draft and says so; with unsaved edits it offers to
 * merge. A refused save (CONFLICT) merges at once, three-way, row by row and field by field: when
 * nothing overlaps the merge is saved; values both changed differently wait for a person's
 * choice (`resolve`), never settled silently. `takeTheirs` loads the newest draft instead
 * (undoable, so one's own edits are one Ctrl+Z away).
 */
export function useDraftSync(options: {
  store: EditorStore;
  workflowId: string;
  revision: number;
  enabled: boolean;
  /** The workspace's live catalog (merge conflicts name fields with it). */
  catalog: FieldCatalog;
}) {
  const { store, workflowId, enabled } = options;
  const catalog = useRef(options.catalog);
  catalog.current = options.catalog;
  const client = useTRPCClient();
  const [status, setStatus] = useState<SaveStatus>({ state: 'saved', revision: options.revision });
  const revision = useRef(options.revision);
  /** The document of the revision we build on (for merges). */
  const base = useRef<Workflow>(store.getState().doc);
  /** The document object last known to equal the stored draft. */
  const saved = useRef<Workflow>(store.getState().doc);
  const inFlight = useRef<Promise<boolean> | null>(null);
  /** Saves started so far: a revision answer older than a save is ignored. */
  const saves = useRef(0);
  const conflicted = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const save = useCallback(async (): Promise<boolean> => {
    clearTimeout(timer.current);
    if (!enabled || conflicted.current) return false;
    if (inFlight.current) {
      await inFlight.current;
      return save();
    }
    const doc = store.getState().doc;
    if (doc === saved.current) return true;
    setStatus((s) => ({ ...s, state: 'saving' }));
    saves.current += 1;
    const attempt = (async () => {
      try {
        const result = await client.draft.save.mutate({
          workflowId,
          baseRevision: revision.current,
          document: doc,
        });
        revision.current = result.revision;
        base.current = doc;
        saved.current = doc;
        store.getState().setServerDiagnostics(serverOnlyDiagnostics(result.diagnostics));
        const dirty = store.getState().doc !== doc;
        setStatus((s) => ({
          state: dirty ? 'unsaved' : 'saved',
          revision: result.revision,
          savedAt: new Date(),
          notice: s.notice,
        }));
        return true;
      } catch (error) {
        const conflict = conflictOf(error);
        if (conflict) {
          conflicted.current = true;
          setStatus((s) => ({
            ...s,
            state: 'conflict',
            conflict,
            newer: undefined,
            notice: undefined,
          }));
        } else {
          setStatus((s) => ({
            ...s,
            state: 'error',
            error: error instanceof Error ? error.message : String(error),
          }));
        }
        return false;
      } finally {
        inFlight.current = null;
      }
    })();
    inFlight.current = attempt;
    return attempt;
  }, [client, enabled, store, workflowId]);

  // Every edit marks the draft unsaved and (re)starts the autosave timer.
  useEffect(() => {
    if (!enabled) return;
    return store.subscribe((state, previous) => {
      if (state.doc === previous.doc || conflicted.current) return;
      if (state.doc === saved.current) {
        setStatus((s) => (s.state === 'unsaved' ? { ...s, state: 'saved' } : s));
        clearTimeout(timer.current);
        return;
      }
      setStatus((s) =>
        s.state === 'saved' || s.state === 'error' ? { ...s, state: 'unsaved' } : s,
      );
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), AUTOSAVE_MS);
    });
  }, [enabled, save, store]);

  // Leaving with unsaved edits asks first.
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (store.getState().doc !== saved.current) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => {
      window.removeEventListener('beforeunload', warn);
      clearTimeout(timer.current);
    };
  }, [store]);

  const fetchTheirs = useCallback(async () => {
    const draft = await client.draft.get.query({ workflowId });
    const parsed = parseWorkflow(draft.document);
    if (!parsed.ok)
      throw new Error(`The saved draft is not readable: ${parsed.errors[0]?.message}`);
    store.getState().setServerDiagnostics(serverOnlyDiagnostics(draft.diagnostics));
    return { revision: draft.revision, doc: parsed.workflow, savedBy: draft.updatedBy };
  }, [client, store, workflowId]);

  /** Makes `theirs` the revision we build on. */
  const adopt = useCallback((theirs: { revision: number; doc: Workflow }) => {
    base.current = theirs.doc;
    saved.current = theirs.doc;
    revision.current = theirs.revision;
    conflicted.current = false;
  }, []);

  /** Puts `doc` (a settled merge) on top of their revision and saves it. */
  const saveMerged = useCallback(
    async (doc: Workflow, theirs: { revision: number; doc: Workflow }, notice: string) => {
      adopt(theirs);
      store.getState().replaceDoc(doc);
      setStatus({ state: 'unsaved', revision: theirs.revision, notice });
      return save();
    },
    [adopt, save, store],
  );

  /**
   * Merges my unsaved edits with the newest draft: saved at once when nothing overlaps, otherwise
   * the conflicts wait for `resolve` (autosave stays off meanwhile).
   */
  const mergeNow = useCallback(async () => {
    conflicted.current = true;
    clearTimeout(timer.current);
    if (inFlight.current) await inFlight.current;
    let theirs: Awaited<ReturnType<typeof fetchTheirs>>;
    try {
      theirs = await fetchTheirs();
    } catch (error) {
      setStatus((s) => ({
        ...s,
        state: 'conflict',
        conflict: s.conflict ?? s.newer,
        error: error instanceof Error ? error.message : String(error),
      }));
      return false;
    }
    const who = authorText(theirs.savedBy);
    const { doc, conflicts } = mergeDrafts(
      base.current,
      store.getState().doc,
      theirs.doc,
      catalog.current,
    );
    const info: ConflictInfo = {
      currentRevision: theirs.revision,
      savedBy: theirs.savedBy,
      savedAt: new Date(),
    };
    if (conflicts.length === 0)
      return saveMerged(
        doc,
        theirs,
        `${who} saved revision ${theirs.revision} while you were editing; your edits were merged with theirs and nothing was lost.`,
      );
    setStatus((s) => ({
      ...s,
      state: 'conflict',
      conflict: s.conflict ?? info,
      newer: undefined,
      error: undefined,
      merge: { theirs: theirs.doc, theirsRevision: theirs.revision, conflicts },
    }));
    return false;
  }, [fetchTheirs, saveMerged, store]);

  /** Saves the merge with a person's choice for every conflict. */
  const resolve = useCallback(
    async (choices: Readonly<Record<string, MergeSide>>) => {
      const pending = status.merge;
      if (!pending) return false;
      if (!allChosen(pending.conflicts, choices))
        throw new Error('Choose mine or theirs for every value you both changed.');
      const { doc } = mergeDrafts(
        base.current,
        store.getState().doc,
        pending.theirs,
        catalog.current,
        choices,
      );
      return saveMerged(
        doc,
        { revision: pending.theirsRevision, doc: pending.theirs },
        `Your choices were merged with revision ${pending.theirsRevision} and saved.`,
      );
    },
    [saveMerged, status.merge, store],
  );

  /** Loads the newest revision in place of mine (one undo brings mine back). */
  const takeTheirs = useCallback(async () => {
    const theirs = await fetchTheirs();
    adopt(theirs);
    store.getState().replaceDoc(theirs.doc);
    setStatus({ state: 'saved', revision: theirs.revision, savedAt: new Date() });
  }, [adopt, fetchTheirs, store]);

  // A refused save merges at once.
  const mergeOnConflict = status.state === 'conflict' && !status.merge;
  useEffect(() => {
    if (mergeOnConflict) void mergeNow();
  }, [mergeOnConflict, mergeNow]);

  // Teammates' saves show at once: ask for the revision every few seconds.
  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let asking = false;
    const check = async () => {
      if (asking || conflicted.current || inFlight.current) return;
      asking = true;
      const started = saves.current;
      try {
        const current = await client.draft.revision.query({ workflowId });
        if (stopped || current.revision <= revision.current || saves.current !== started) return;
        const info: ConflictInfo = {
          currentRevision: current.revision,
          savedBy: current.savedBy,
          savedAt: current.savedAt,
        };
        if (store.getState().doc !== saved.current || conflicted.current) {
          setStatus((s) => ({ ...s, newer: info }));
          return;
        }
        const theirs = await fetchTheirs();
        if (stopped || store.getState().doc !== saved.current || saves.current !== started) return;
        adopt(theirs);
        store.getState().replaceDoc(theirs.doc, { record: false });
        // Undoing past a teammate's save would quietly save their change away.
        store.temporal.getState().clear();
        setStatus({
          state: 'saved',
          revision: theirs.revision,
          savedAt: new Date(),
          notice: `${authorText(theirs.savedBy)} saved a newer draft — now showing revision ${theirs.revision}.`,
        });
      } catch {
        // Offline or signed out: the next save says so.
      } finally {
        asking = false;
      }
    };
    const id = setInterval(() => void check(), REVISION_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(id);
    };
  }, [adopt, client, enabled, fetchTheirs, store, workflowId]);

  const dismissNotice = useCallback(() => setStatus((s) => ({ ...s, notice: undefined })), []);

  return { status, save, mergeNow, resolve, takeTheirs, dismissNotice };
}

export type DraftSync = ReturnType<typeof useDraftSync>;
