import { CLOSE_CODES, COLLAB_PATH, SIGNALS_ROOT, type Presence } from '@accord/collab';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { peersOf, persistedBy, saveStateOf, type Peer, type SaveState } from './presence';

/** The awareness of a shared draft (y-protocols'), as the provider holds it. */
export type DraftAwareness = WebsocketProvider['awareness'];

/** What the editor shows about a shared draft; a new object whenever something changed. */
export interface SharedDraftSnapshot {
  /** The first sync with the server is done: the Y document holds the draft. */
  everSynced: boolean;
  saveState: SaveState;
  peers: readonly Peer[];
  /** The draft's revision in the database, as the server last said (0 before it did). */
  serverRevision: number;
  /** The server refused the draft for good (close code 4404): not found or not in the workspace. */
  refused: boolean;
  /**
   * Why the server turned the last connection away for now, in its words (close code 4430: this
   * person has as many drafts open as one may); null once connected. Retried meanwhile.
   */
  turnedAway: string | null;
  /** This tab holds edits the server has not said it persisted (leaving would lose them). */
  unpersisted: boolean;
}

/** The WebSocket base URL of shared drafts on this page's origin: `wss://host/collab`. */
export function collabUrl(location: { protocol: string; host: string }): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${COLLAB_PATH}`;
}

/** A session's state before it first connects (never changed: snapshots are replaced whole). */
export const NOT_CONNECTED: SharedDraftSnapshot = {
  everSynced: false,
  saveState: 'connecting',
  peers: [],
  serverRevision: 0,
  refused: false,
  turnedAway: null,
  unpersisted: false,
};

/**
 * One tab's connection to a shared draft: an empty Y document filled by the server's sync, the
 * y-websocket provider, the awareness (my presence, everyone else's) and the save state read
 * from what the server says it persisted. The browser's offline/online events disconnect and
 * reconnect at once (edits made meanwhile stay in the document and merge on reconnect).
 * `subscribe`/`getSnapshot` suit `useSyncExternalStore`.
 */
export class SharedDraftSession {
  readonly ydoc = new Y.Doc();
  readonly provider: WebsocketProvider;
  readonly awareness: DraftAwareness;
  private snapshot: SharedDraftSnapshot = NOT_CONNECTED;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: (() => void)[] = [];
  private everSynced = false;
  private refused = false;
  private turnedAway: string | null = null;
  private destroyed = false;
  /** The highest clock of mine a server said it persisted (kept while offline). */
  private persistedClock = 0;

  constructor(
    workflowId: string,
    options: {
      url: string;
      /** Called when someone added a node comment (the `signals` map's `comments` moved). */
      onComments?: () => void;
      WebSocketPolyfill?: typeof WebSocket;
    },
  ) {
    this.provider = new WebsocketProvider(options.url, workflowId, this.ydoc, {
      WebSocketPolyfill: options.WebSocketPolyfill,
      // Only "not found" is for good; a closing for too many or a malformed message is retried
      // (y-websocket would give up on every 44xx).
      shouldReconnect: (event) => event.code !== CLOSE_CODES.notFound,
    });
    this.awareness = this.provider.awareness;
    const refresh = () => this.refresh();
    this.provider.on('sync', (synced: boolean) => {
      if (synced) {
        this.everSynced = true;
        this.turnedAway = null;
      }
      refresh();
    });
    this.provider.on('connection-close', (event: CloseEvent | null) => {
      if (event?.code === CLOSE_CODES.tooManyTabs) this.turnedAway = event.reason;
      refresh();
    });
    this.provider.on('status', ({ status }: { status: string }) => {
      // y-websocket drops the others' presence on a disconnect but keeps their clocks, so the
      // server's resend on reconnect would be ignored until each renews (15 s): forget them.
      if (status === 'disconnected')
        for (const clientId of [...this.awareness.meta.keys()])
          if (clientId !== this.awareness.clientID) this.awareness.meta.delete(clientId);
      refresh();
    });
    this.provider.on('closed', (event: { code: number }) => {
      if (event.code === CLOSE_CODES.notFound) this.refused = true;
      refresh();
    });
    this.awareness.on('change', refresh);
    this.ydoc.on('update', refresh);
    const signals = this.ydoc.getMap(SIGNALS_ROOT);
    const onSignals = (event: Y.YMapEvent<unknown>) => {
      if (event.keysChanged.has('comments')) options.onComments?.();
    };
    signals.observe(onSignals);
    this.cleanups.push(() => signals.unobserve(onSignals));
    if (typeof window !== 'undefined') {
      const offline = () => this.provider.disconnect();
      const online = () => this.provider.connect();
      window.addEventListener('offline', offline);
      window.addEventListener('online', online);
      this.cleanups.push(() => {
        window.removeEventListener('offline', offline);
        window.removeEventListener('online', online);
      });
    }
  }

  /** My presence for the others (the server replaces `user` with who I signed in as). */
  setPresence(presence: Partial<Presence>) {
    if (this.destroyed) return;
    const current = (this.awareness.getLocalState() ?? {}) as Partial<Presence>;
    this.awareness.setLocalState({ ...current, ...presence });
  }

  /** How many changes this tab has made to the document (its clock). */
  myClock(): number {
    return Y.decodeStateVector(Y.encodeStateVector(this.ydoc)).get(this.ydoc.clientID) ?? 0;
  }

  /** Resolves true once the server persisted all my changes, false after `timeoutMs`. */
  whenSaved(timeoutMs = 5_000): Promise<boolean> {
    if (this.snapshot.saveState === 'saved') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (saved: boolean) => {
        clearTimeout(timer);
        stop();
        resolve(saved);
      };
      const stop = this.subscribe(() => {
        if (this.snapshot.saveState === 'saved') done(true);
      });
      const timer = setTimeout(() => done(false), timeoutMs);
    });
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  /** Leaves the draft: my presence is cleared for the others, the connection closed. */
  destroy() {
    this.destroyed = true;
    for (const cleanup of this.cleanups) cleanup();
    this.awareness.setLocalState(null);
    this.provider.destroy();
    this.ydoc.destroy();
    this.listeners.clear();
  }

  private refresh() {
    const states = this.awareness.getStates();
    const persisted = persistedBy(states, this.ydoc.clientID);
    this.persistedClock = Math.max(this.persistedClock, persisted?.clock ?? 0);
    const myClock = this.myClock();
    const next: SharedDraftSnapshot = {
      everSynced: this.everSynced,
      saveState: saveStateOf({
        synced: this.provider.synced && this.provider.wsconnected,
        everSynced: this.everSynced,
        myClock,
        persistedClock: this.persistedClock,
      }),
      peers: peersOf(states, this.ydoc.clientID),
      serverRevision: persisted?.revision ?? this.snapshot.serverRevision,
      refused: this.refused,
      turnedAway: this.turnedAway,
      unpersisted: myClock > this.persistedClock,
    };
    if (sameSnapshot(next, this.snapshot)) return;
    this.snapshot = next;
    for (const listener of this.listeners) listener();
  }
}

function sameSnapshot(a: SharedDraftSnapshot, b: SharedDraftSnapshot): boolean {
  return (
    a.everSynced === b.everSynced &&
    a.saveState === b.saveState &&
    a.serverRevision === b.serverRevision &&
    a.refused === b.refused &&
    a.turnedAway === b.turnedAway &&
    a.unpersisted === b.unpersisted &&
    a.peers.length === b.peers.length &&
    JSON.stringify(a.peers) === JSON.stringify(b.peers)
  );
}
