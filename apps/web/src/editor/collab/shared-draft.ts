import { colourFor } from '@accord/collab';
import {
  createContext,
  useContext,
  useEffect,
  useRef,
  useState,
  useSyncExternalStore,
  type FocusEvent,
} from 'react';
import type { EditorStore } from '../store';
import { bindStoreToDoc } from './bind-store';
import { editingWhat } from './presence';
import {
  collabUrl,
  NOT_CONNECTED,
  SharedDraftSession,
  type SharedDraftSnapshot,
} from './shared-draft-session';

const noSubscription = () => () => undefined;

/**
 * Joins the shared draft of a workflow for as long as the component is mounted (leaving clears
 * my presence), and says how it is going. The session's Y document is empty until
 * `everSynced`: only then may an editor read it.
 * @example const { session, everSynced, saveState, peers } = useSharedDraft(id, { me, onComments });
 */
export function useSharedDraft(
  workflowId: string,
  options: {
    me: { id: string; name: string; role: string } | null;
    onComments?: () => void;
  },
) {
  const onComments = useRef(options.onComments);
  onComments.current = options.onComments;
  const [session, setSession] = useState<SharedDraftSession | null>(null);
  useEffect(() => {
    const created = new SharedDraftSession(workflowId, {
      url: collabUrl(window.location),
      onComments: () => onComments.current?.(),
    });
    setSession(created);
    return () => {
      created.destroy();
      setSession(null);
    };
  }, [workflowId]);
  const { me } = options;
  useEffect(() => {
    if (session && me)
      session.setPresence({
        user: { id: me.id, name: me.name, role: me.role, colour: colourFor(me.id) },
        cursor: null,
        selection: [],
        editing: null,
      });
  }, [session, me]);
  const snapshot = useSyncExternalStore(
    session?.subscribe ?? noSubscription,
    session?.getSnapshot ?? (() => NOT_CONNECTED),
  );
  // Leaving with edits the server does not hold yet (offline, or within the last second) asks first.
  useEffect(() => {
    if (!session) return;
    const warn = (event: BeforeUnloadEvent) => {
      if (session.getSnapshot().unpersisted) event.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [session]);
  return { session, ...snapshot };
}

/**
 * Binds the editor store to the session's document (see `bindStoreToDoc`) and shares my
 * selection in my presence, while mounted.
 */
export function useSharedDraftBinding(session: SharedDraftSession, store: EditorStore) {
  useEffect(() => {
    const binding = bindStoreToDoc(store, session.ydoc);
    const stop = store.subscribe((state, previous) => {
      if (state.selection.nodes !== previous.selection.nodes)
        session.setPresence({ selection: [...state.selection.nodes] });
    });
    session.setPresence({ selection: [...store.getState().selection.nodes] });
    return () => {
      stop();
      binding.unbind();
    };
  }, [session, store]);
}

/** What presence components use of a shared draft session. */
export type SharedDraftPresence = Pick<
  SharedDraftSession,
  'subscribe' | 'getSnapshot' | 'setPresence'
>;

/** The shared draft the editor is bound to; null in editors of other things (diffs, versions). */
export const SharedDraftContext = createContext<SharedDraftPresence | null>(null);

/** The surrounding shared draft's state, or nothing outside one. */
export function useSharedDraftSnapshot(): SharedDraftSnapshot {
  const session = useContext(SharedDraftContext);
  return useSyncExternalStore(
    session?.subscribe ?? noSubscription,
    session?.getSnapshot ?? (() => NOT_CONNECTED),
  );
}

/** The controls whose focus means someone is editing (not a row's summary, not a button). */
const EDITING_CONTROLS = 'input, select, textarea, [contenteditable="true"]';

/**
 * Focus handlers for an inspector form: while one of its controls has focus, my presence says
 * I am editing that step and which part of it ("Title is VP"), for the others' live hint.
 * Someone who cannot edit (`enabled` false) never claims to be editing.
 */
export function useEditingPresence(nodeId: string, enabled: boolean) {
  const context = useContext(SharedDraftContext);
  const session = enabled ? context : null;
  useEffect(() => () => session?.setPresence({ editing: null }), [session, nodeId]);
  return {
    onFocus: (event: FocusEvent<HTMLElement>) => {
      // Opening a row or pressing a button is not editing: only a control that takes a value is.
      if (!event.target.matches(EDITING_CONTROLS)) return;
      session?.setPresence({ editing: { nodeId, what: editingWhat(event.target) } });
    },
    onBlur: () => session?.setPresence({ editing: null }),
  };
}
