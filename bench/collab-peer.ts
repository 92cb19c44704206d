/**
 * A light protocol peer for `collab.bench.ts`: one person's socket in the shared draft that does
 * what the server sees a browser do (session cookie, Origin, y-websocket's sync protocol, its own
 * edits as Yjs updates) without a replica's cost. It syncs the draft into a Y.Doc of its own
 * once, so its edits are valid Yjs updates, then edits only its own step's label and never
 * integrates anyone else's updates: since nobody else writes those keys, its document stays a
 * valid base for its own edits. Which edits reached it is read from the incoming update's bytes
 * (`editTags`), as each broadcast is one update. Fifty Yjs replicas on two cores would measure
 * the clients (each edit applied 49 times), not the server.
 */
import { COLLAB_PATH, MESSAGE_SYNC, workflowMap } from '@accord/collab';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { WebSocket } from 'ws';
import * as Y from 'yjs';

const LOCAL = Symbol('local edit');

export interface LightPeer {
  /** Sets the label of step `stepId` in its own document and sends the update. */
  setLabel(stepId: string, label: string): void;
  close(): void;
}

/**
 * Joins the shared draft of `workflowId` as the person whose session `cookie` is; resolves once
 * the initial sync is done. `onUpdate` gets every later update message from the server (the
 * others' edits), as bytes.
 * @example const peer = await joinLight(url, workflowId, cookie, (bytes) => scan(bytes));
 */
export async function joinLight(
  baseUrl: string,
  workflowId: string,
  cookie: string,
  onUpdate: (message: Buffer) => void,
): Promise<LightPeer> {
  const doc = new Y.Doc();
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${COLLAB_PATH}/${workflowId}`, {
    headers: { cookie, origin: baseUrl },
  });
  const send = (write: (encoder: encoding.Encoder) => void) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    write(encoder);
    socket.send(encoding.toUint8Array(encoder));
  };
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === LOCAL) send((encoder) => syncProtocol.writeUpdate(encoder, update));
  });

  let synced = false;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The shared draft did not sync in 10 s.')),
      10_000,
    );
    socket.once('error', reject);
    socket.once('open', () => send((encoder) => syncProtocol.writeSyncStep1(encoder, doc)));
    socket.on('message', (data: Buffer) => {
      if (data[0] !== MESSAGE_SYNC) return;
      if (synced) {
        onUpdate(data);
        return;
      }
      // Until synced, as y-websocket: answer the server's step 1, apply its step 2.
      const decoder = decoding.createDecoder(data);
      decoding.readVarUint(decoder);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      const step = syncProtocol.readSyncMessage(decoder, encoder, doc, 'server');
      if (encoding.length(encoder) > 1) socket.send(encoding.toUint8Array(encoder));
      if (step === syncProtocol.messageYjsSyncStep2) {
        synced = true;
        clearTimeout(timer);
        resolve();
      }
    });
  });

  const steps = new Map<string, Y.Map<unknown>>();
  const stepMap = (stepId: string) => {
    let step = steps.get(stepId);
    if (!step) {
      const nodes = workflowMap(doc).get('nodes') as Y.Array<unknown>;
      step = nodes
        .toArray()
        .find((n): n is Y.Map<unknown> => n instanceof Y.Map && n.get('id') === stepId);
      if (!step) throw new Error(`No step ${stepId} in the shared draft.`);
      steps.set(stepId, step);
    }
    return step;
  };
  return {
    setLabel: (stepId, label) => doc.transact(() => stepMap(stepId).set('label', label), LOCAL),
    close: () => {
      socket.close();
      doc.destroy();
    },
  };
}
