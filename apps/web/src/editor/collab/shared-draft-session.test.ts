import {
  CLOSE_CODES,
  MESSAGE_AWARENESS,
  MESSAGE_SYNC,
  readWorkflow,
  signalComments,
  writeWorkflow,
  createWorkflowDoc,
  type ServerPresence,
} from '@accord/collab';
import { defaultWorkflow } from '@accord/engine';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { LOCAL_ORIGIN } from './bind-store';
import { collabUrl, SharedDraftSession } from './shared-draft-session';

/**
 * A y-websocket server in memory, as the API serves it: the draft's document, everyone's
 * presence and its own entry saying what it persisted.
 */
class FakeServer {
  readonly doc = createWorkflowDoc(defaultWorkflow(), 'seed');
  readonly awareness = new Awareness(this.doc);
  readonly sockets: FakeSocket[] = [];
  constructor() {
    this.awareness.setLocalState(null);
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeUpdate(encoder, update);
      for (const socket of this.open()) if (socket !== origin) socket.receive(encoder);
    });
    this.awareness.on('update', ({ added, updated, removed }: Record<string, number[]>) => {
      const changed = [...added!, ...updated!, ...removed!];
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(this.awareness, changed));
      for (const socket of this.open()) socket.receive(encoder);
    });
  }

  open() {
    return this.sockets.filter((s) => s.readyState === 1);
  }

  /** Says every change so far is persisted (the server's awareness entry). */
  persistAll(revision: number) {
    const persisted: Record<string, number> = {};
    for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVector(this.doc)))
      persisted[String(client)] = clock;
    const state: ServerPresence = {
      server: { instance: 'test', revision, savedAt: new Date().toISOString(), persisted },
    };
    this.awareness.setLocalState(state);
  }

  connect(socket: FakeSocket) {
    this.sockets.push(socket);
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(step1, this.doc);
    socket.receive(step1);
    const presence = encoding.createEncoder();
    encoding.writeVarUint(presence, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(
      presence,
      encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]),
    );
    socket.receive(presence);
  }

  handle(socket: FakeSocket, data: Uint8Array) {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_SYNC) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, MESSAGE_SYNC);
      syncProtocol.readSyncMessage(decoder, reply, this.doc, socket);
      if (encoding.length(reply) > 1) socket.receive(reply);
    } else if (type === MESSAGE_AWARENESS) {
      applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(decoder), socket);
    }
  }
}

let server: FakeServer;
const sockets: FakeSocket[] = [];

/** The browser's WebSocket as y-websocket uses it, talking to `server` in memory. */
class FakeSocket {
  static readonly OPEN = 1;
  readonly OPEN = 1;
  readyState = 0;
  binaryType = 'arraybuffer';
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    sockets.push(this);
    queueMicrotask(() => {
      this.readyState = 1;
      this.onopen?.();
      server.connect(this);
    });
  }
  send(data: Uint8Array) {
    if (this.readyState === 1) server.handle(this, data);
  }
  receive(encoder: encoding.Encoder) {
    const bytes = encoding.toUint8Array(encoder);
    this.onmessage?.({
      data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    });
  }
  close(code = 1000, reason = '') {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const sessions: SharedDraftSession[] = [];
function join(onComments?: () => void) {
  server ??= new FakeServer();
  const session = new SharedDraftSession(`wf-${sessions.length}-${Math.random()}`, {
    url: 'ws://test/collab',
    onComments,
    WebSocketPolyfill: FakeSocket as unknown as typeof WebSocket,
  });
  sessions.push(session);
  return session;
}

const until = (check: () => boolean) => vi.waitFor(() => expect(check()).toBe(true));

afterEach(() => {
  for (const s of sessions.splice(0)) s.destroy();
  sockets.splice(0);
  server = new FakeServer();
});

describe('a tab’s connection to a shared draft', () => {
  it('builds the URL on the page’s own origin', () => {
    expect(collabUrl({ protocol: 'https:', host: 'accord.example' })).toBe(
      'wss://accord.example/collab',
    );
    expect(collabUrl({ protocol: 'http:', host: 'localhost:5173' })).toBe(
      'ws://localhost:5173/collab',
    );
  });

  it('starts empty and connecting, then holds the server’s draft once synced', async () => {
    server = new FakeServer();
    const session = join();
    expect(session.getSnapshot().saveState).toBe('connecting');
    expect(readWorkflow(session.ydoc).ok).toBe(false);
    await until(() => session.getSnapshot().everSynced);
    expect(session.getSnapshot().saveState).toBe('saved');
    const read = readWorkflow(session.ydoc);
    expect(read.ok && read.workflow).toEqual(defaultWorkflow());
  });

  it('is unsaved after my edit until the server says it persisted it', async () => {
    server = new FakeServer();
    const session = join();
    await until(() => session.getSnapshot().everSynced);
    const read = readWorkflow(session.ydoc);
    if (!read.ok) throw new Error('empty');
    writeWorkflow(session.ydoc, { ...read.workflow, name: 'Renamed' }, LOCAL_ORIGIN);
    expect(session.getSnapshot()).toMatchObject({ saveState: 'unsaved', unpersisted: true });
    const saved = session.whenSaved(2_000);
    server.persistAll(7);
    await expect(saved).resolves.toBe(true);
    expect(session.getSnapshot()).toMatchObject({
      saveState: 'saved',
      serverRevision: 7,
      unpersisted: false,
    });
    expect(server.doc.getMap('workflow').get('name')).toBe('Renamed');
  });

  it('goes offline on the browser’s offline event, keeps edits, and merges them when back', async () => {
    server = new FakeServer();
    const session = join();
    await until(() => session.getSnapshot().everSynced);
    window.dispatchEvent(new Event('offline'));
    expect(session.getSnapshot().saveState).toBe('offline');
    const read = readWorkflow(session.ydoc);
    if (!read.ok) throw new Error('empty');
    writeWorkflow(session.ydoc, { ...read.workflow, name: 'Offline edit' }, LOCAL_ORIGIN);
    expect(server.doc.getMap('workflow').get('name')).not.toBe('Offline edit');
    window.dispatchEvent(new Event('online'));
    await until(() => server.doc.getMap('workflow').get('name') === 'Offline edit');
    server.persistAll(2);
    await until(() => session.getSnapshot().saveState === 'saved');
  });

  it('stops for good when the draft is not found, but reconnects after too many messages', async () => {
    server = new FakeServer();
    const session = join();
    await until(() => session.getSnapshot().everSynced);
    const first = sockets.length;
    sockets.at(-1)!.close(CLOSE_CODES.tooMany, 'Too many messages');
    await until(() => sockets.length > first && session.getSnapshot().saveState === 'saved');
    sockets.at(-1)!.close(CLOSE_CODES.notFound, 'Not found');
    await until(() => session.getSnapshot().refused);
    const after = sockets.length;
    await new Promise((r) => setTimeout(r, 500));
    expect(sockets.length).toBe(after);
  });

  it('says why the server turned it away for too many tabs, keeps trying, and clears it once in', async () => {
    server = new FakeServer();
    const session = join();
    await until(() => session.getSnapshot().everSynced);
    const first = sockets.length;
    const why =
      'You have 16 shared drafts open, as many as one person may; close one (a tab or a window).';
    sockets.at(-1)!.close(CLOSE_CODES.tooManyTabs, why);
    await until(() => session.getSnapshot().turnedAway === why);
    // It reconnects by itself; once synced the notice is gone.
    await until(() => sockets.length > first && session.getSnapshot().saveState === 'saved');
    expect(session.getSnapshot().turnedAway).toBeNull();
    expect(session.getSnapshot().refused).toBe(false);
  });

  it('tells the editor when someone added a node comment', async () => {
    server = new FakeServer();
    const onComments = vi.fn();
    const session = join(onComments);
    await until(() => session.getSnapshot().everSynced);
    signalComments(server.doc, 'server');
    expect(onComments).toHaveBeenCalledTimes(1);
  });

  it('shows the others’ presence again at once after a reconnect', async () => {
    server = new FakeServer();
    const session = join();
    await until(() => session.getSnapshot().everSynced);
    const other = new Awareness(new Y.Doc());
    other.setLocalState({
      user: { id: 'u-sam', name: 'Sam Sales', role: 'sales', colour: '#1971c2' },
    });
    applyAwarenessUpdate(server.awareness, encodeAwarenessUpdate(other, [other.clientID]), 'x');
    await until(() => session.getSnapshot().peers.length === 1);
    window.dispatchEvent(new Event('offline'));
    expect(session.getSnapshot().peers).toHaveLength(0);
    window.dispatchEvent(new Event('online'));
    await until(() => session.getSnapshot().peers.length === 1);
    other.destroy();
  });
});
