import { parseWorkflow, type Workflow } from '@accord/engine';
import { TRPCClientError } from '@trpc/client';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppRouter } from '@accord/api';
import { useTRPCClient } from '../lib/trpc';
import { mergeDrafts } from './merge-drafts';
import type { EditorStore } from './store';

/** How long after the last edit the draft is saved. */
export const AUTOSAVE_MS = 1_000;

export interface ConflictInfo {
  currentRevision: number;
  savedBy: { id: string; name: string } | null;
  savedAt: string | Date;
}

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'conflict' | 'error';

export interface SaveStatus {
  state: SaveState;
  revision: number;
  savedAt?: Date;
  error?: string;
  conflict?: ConflictInfo;
  /** After "keep mine on top": fields both sides changed, where mine was kept. */
  overlaps?: string[];
}

type ClientError = TRPCClientError<AppRouter>;

function conflictOf(error: unknown): ConflictInfo | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = (error as ClientError).data as
    { code?: string; conflict?: ConflictInfo } | undefined;
  return data?.code === 'CONFLICT' ? data.conflict : undefined;
}

/**
 * Autosaves the draft: every save names the revision it builds on; a CONFLICT stops autosave and
 * asks the user to keep their edits on top of the newest revision (a three-way merge, then a
 * save) or to load the newest one (undoable, so their own edits are one Ctrl+Z away).
 */
export function useDraftSync(options: {
  store: EditorStore;
  workflowId: string;
  revision: number;
  enabled: boolean;
}) {
  const { store, workflowId, enabled } = options;
  const client = useTRPCClient();
  const [status, setStatus] = useState<SaveStatus>({ state: 'saved', revision: options.revision });
  const revision = useRef(options.revision);
  /** The document of the revision we build on (for merges). */
  const base = useRef<Workflow>(store.getState().doc);
  /** The document object last known to equal the stored draft. */
  const saved = useRef<Workflow>(store.getState().doc);
  const inFlight = useRef<Promise<boolean> | null>(null);
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
        const dirty = store.getState().doc !== doc;
        setStatus((s) => ({
          state: dirty ? 'unsaved' : 'saved',
          revision: result.revision,
          savedAt: new Date(),
          overlaps: s.overlaps,
        }));
        return true;
      } catch (error) {
        const conflict = conflictOf(error);
        if (conflict) {
          conflicted.current = true;
          setStatus((s) => ({ ...s, state: 'conflict', conflict }));
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
    return { revision: draft.revision, doc: parsed.workflow };
  }, [client, workflowId]);

  /** Puts my edits on top of the newest revision and saves. */
  const keepMine = useCallback(async () => {
    const theirs = await fetchTheirs();
    const { doc, report } = mergeDrafts(base.current, store.getState().doc, theirs.doc);
    base.current = theirs.doc;
    saved.current = theirs.doc;
    revision.current = theirs.revision;
    conflicted.current = false;
    store.getState().replaceDoc(doc);
    setStatus({ state: 'unsaved', revision: theirs.revision, overlaps: report.overlaps });
    return save();
  }, [fetchTheirs, save, store]);

  /** Loads the newest revision in place of mine (one undo brings mine back). */
  const takeTheirs = useCallback(async () => {
    const theirs = await fetchTheirs();
    base.current = theirs.doc;
    saved.current = theirs.doc;
    revision.current = theirs.revision;
    conflicted.current = false;
    store.getState().replaceDoc(theirs.doc);
    setStatus({ state: 'saved', revision: theirs.revision, savedAt: new Date() });
  }, [fetchTheirs, store]);

  return { status, save, keepMine, takeTheirs };
}

export type DraftSync = ReturnType<typeof useDraftSync>;
