import { randomUUID } from 'node:crypto';
import { initSharedDraft, readSharedDraft, type AccordDatabase, type Db } from '@accord/db';
import { createWorkflowDoc, readWorkflow, signalComments, writeWorkflow } from '@accord/collab';
import { parseWorkflow, type Workflow } from '@accord/engine';
import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { liveCatalog } from '../services/catalogs';
import { Relay, type RelayMessage } from './relay';
import { DB_ORIGIN, RELAY_ORIGIN, Room, type Author, type RoomOptions } from './room';

/** How long after the first unsaved change a shared draft is persisted. */
export const PERSIST_DELAY_MS = 400;

type Log = RoomOptions['log'];

const quiet: Log = { warn: () => undefined, error: () => undefined };

/**
 * Every shared draft this instance holds in memory, by workflow: opened when the first person
 * (or a server-side edit) needs it, persisted and closed when the last one leaves. The one path
 * that writes drafts: the editor's sockets, `draft.save` and the tuning page's applies all
 * change the shared document, and the room persists it. With PostgreSQL, rooms on other
 * instances receive every change through the relay.
 */
export class SharedDrafts {
  readonly instance = randomUUID();
  private rooms = new Map<string, Promise<Room>>();
  private relay: Relay | null = null;
  private readonly options: RoomOptions;

  constructor(
    private readonly db: Db,
    options: { persistDelayMs?: number; log?: Log } = {},
  ) {
    this.options = {
      persistDelayMs: options.persistDelayMs ?? PERSIST_DELAY_MS,
      instance: this.instance,
      log: options.log ?? quiet,
    };
  }

  /** Relays changes to and from other instances over PostgreSQL (no-op on PGlite). */
  async startRelay(database: AccordDatabase): Promise<void> {
    this.relay = await Relay.start(
      database,
      this.instance,
      (message) => void this.receive(message),
      () => void this.resyncAll(),
      (error) => this.options.log.error({ err: error }, 'shared draft relay failed'),
    );
  }

  /** The room of a workflow's draft, loaded if needed; `release` it when done. */
  async open(workflowId: string, workspaceId: string): Promise<Room> {
    let loading = this.rooms.get(workflowId);
    if (!loading) {
      loading = this.load(workflowId, workspaceId);
      this.rooms.set(workflowId, loading);
      loading.catch(() => this.rooms.delete(workflowId));
    }
    const room = await loading;
    if (room.workspaceId !== workspaceId) throw new Error('This draft is in another workspace.');
    if (room.closing) {
      // The last holder let go while this waited: join the next room, once this one persisted.
      await room.close();
      return this.open(workflowId, workspaceId);
    }
    room.holders++;
    return room;
  }

  /** Lets go of a room; the last holder persists and closes it. */
  async release(room: Room): Promise<void> {
    room.holders--;
    if (room.holders > 0) return;
    await room.flush();
    // Someone may have joined while it persisted.
    if (room.holders > 0 || room.closing) return;
    this.rooms.delete(room.workflowId);
    await room.close();
  }

  /**
   * Changes the shared draft in someone's name and persists it at once. `baseRevision`, when
   * given, must be the revision persisted now, with nothing unsaved on top (else `stale` is
   * answered and nothing changes): `draft.save`'s compare-and-set. `next` gets the current
   * document.
   */
  async edit(
    author: Author,
    workflowId: string,
    next: (current: Workflow) => Workflow,
    baseRevision?: number,
  ): Promise<{ ok: true; revision: number } | { ok: false; revision: number }> {
    const room = await this.open(workflowId, author.user.workspace_id);
    try {
      await room.flush();
      if (baseRevision !== undefined && (room.revision !== baseRevision || room.dirty))
        return { ok: false, revision: room.revision };
      const read = readWorkflow(room.doc);
      if (!read.ok) throw new Error(`The shared draft does not read: ${read.errors[0]?.message}`);
      writeWorkflow(room.doc, next(read.workflow), author);
      room.requestSave(author);
      await room.flush();
      return { ok: true, revision: room.revision };
    } finally {
      await this.release(room);
    }
  }

  /** Persists a draft's unsaved changes, if this instance holds it (before proposing a version). */
  async flush(workflowId: string): Promise<void> {
    const loading = this.rooms.get(workflowId);
    if (loading) await (await loading).flush();
  }

  /** Tells everyone in a draft that its comments changed. */
  async commentsChanged(workflowId: string): Promise<void> {
    const loading = this.rooms.get(workflowId);
    if (loading) signalComments((await loading).doc, 'comments');
  }

  /** Persists and closes every room (shutdown). */
  async closeAll(): Promise<void> {
    const rooms = await Promise.allSettled([...this.rooms.values()]);
    this.rooms.clear();
    await Promise.allSettled(
      rooms.map((r) => (r.status === 'fulfilled' ? r.value.close() : undefined)),
    );
    await this.relay?.close();
  }

  /** Rooms in memory and people connected (metrics, tests). */
  get size(): number {
    return this.rooms.size;
  }

  private async load(workflowId: string, workspaceId: string): Promise<Room> {
    let row = await readSharedDraft(this.db, workflowId);
    if (!row) throw new Error(`No draft for workflow ${workflowId}.`);
    if (!row.ydoc) {
      // First time shared: build the shared document from the stored one, unless another
      // instance did at the same moment (then use theirs, so there is one set of CRDT ids).
      const parsed = parseWorkflow(row.document);
      if (!parsed.ok) throw new Error(`The draft of ${workflowId} is not a valid workflow.`);
      const fresh = Y.encodeStateAsUpdate(createWorkflowDoc(parsed.workflow, DB_ORIGIN));
      await initSharedDraft(this.db, workflowId, fresh);
      row = await readSharedDraft(this.db, workflowId);
      if (!row?.ydoc) throw new Error(`The draft of ${workflowId} disappeared.`);
    }
    const parsed = parseWorkflow(row.document);
    if (!parsed.ok) throw new Error(`The draft of ${workflowId} is not a valid workflow.`);
    const room = new Room(
      this.db,
      workflowId,
      workspaceId,
      {
        revision: row.revision,
        document: parsed.workflow,
        state: row.ydoc,
        catalog: await liveCatalog(this.db, workspaceId),
      },
      this.options,
    );
    this.wireRelay(room);
    return room;
  }

  private wireRelay(room: Room) {
    room.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === RELAY_ORIGIN || origin === DB_ORIGIN) return;
      this.publish({ workflowId: room.workflowId, kind: 'update', payload: update });
    });
    // Changes and presence relayed before this instance held the draft went by: the unpersisted
    // ones and the people on other instances would stay unseen here until they changed again.
    this.publish({
      workflowId: room.workflowId,
      kind: 'join',
      payload: Y.encodeStateVector(room.doc),
    });
  }

  private publish(message: RelayMessage) {
    void this.relay
      ?.publish(message)
      .catch((error) => this.options.log.error({ err: error }, `relaying ${message.kind} failed`));
  }

  /** Relays a presence change of a room to the other instances. */
  publishAwareness(room: Room, update: Uint8Array): void {
    this.publish({ workflowId: room.workflowId, kind: 'awareness', payload: update });
  }

  private async receive(message: RelayMessage) {
    const loading = this.rooms.get(message.workflowId);
    if (!loading) return;
    const room = await loading;
    if (room.closed) return;
    if (message.kind === 'update') Y.applyUpdate(room.doc, message.payload, RELAY_ORIGIN);
    else if (message.kind === 'awareness')
      applyAwarenessUpdate(room.awareness, message.payload, RELAY_ORIGIN);
    else {
      // Another instance opened the draft: send it what it lacks, and who is here.
      const { workflowId } = room;
      const missing = Y.encodeStateAsUpdate(room.doc, message.payload);
      this.publish({ workflowId, kind: 'update', payload: missing });
      const present = [...room.awareness.getStates().keys()];
      this.publish({
        workflowId,
        kind: 'awareness',
        payload: encodeAwarenessUpdate(room.awareness, present),
      });
    }
  }

  /** After the relay was down: merge what the other instances persisted meanwhile. */
  private async resyncAll() {
    for (const loading of this.rooms.values()) {
      const room = await loading.catch(() => undefined);
      if (!room || room.closed) continue;
      const row = await readSharedDraft(this.db, room.workflowId).catch(() => undefined);
      if (row?.ydoc) Y.applyUpdate(room.doc, row.ydoc, DB_ORIGIN);
    }
  }
}

const hubs = new WeakMap<Db, SharedDrafts>();

/**
 * The shared drafts of a database in this process: the server registers its own (with the
 * relay, see `useSharedDrafts`); tests and the command line get a plain one on first use.
 */
export function sharedDraftsOf(db: Db): SharedDrafts {
  let hub = hubs.get(db);
  if (!hub) {
    hub = new SharedDrafts(db);
    hubs.set(db, hub);
  }
  return hub;
}

/** Makes `hub` the shared drafts of `db` in this process. */
export function useSharedDrafts(db: Db, hub: SharedDrafts): void {
  hubs.set(db, hub);
}
