import { COLLAB_PATH, readWorkflow, writeWorkflow, type Presence } from '@accord/collab';
import type { Workflow } from '@accord/engine';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** How many sockets one person may hold (a bench or test joining as few people must stay under). */
export { MAX_SOCKETS_PER_PERSON } from './socket';

/** A person in a shared draft from Node, as the browser joins it (y-websocket over `ws`). */
export interface CollabClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  origin: object;
  undo: Y.UndoManager;
  /** The workflow this client sees. */
  read(): Workflow;
  /** Changes the workflow as the editor does (one tracked, undoable transaction). */
  edit(change: (workflow: Workflow) => Workflow): void;
  close(): void;
}

/**
 * Joins the shared draft of `workflowId` on a running server as the person whose session
 * `cookie` is; resolves once synced. `origin` is the http origin sent (the server checks it).
 * @example const maya = await joinDraft(url, workflowId, cookies.marketing);
 */
export async function joinDraft(
  baseUrl: string,
  workflowId: string,
  cookie: string,
  options: { origin?: string; presence?: Partial<Presence> } = {},
): Promise<CollabClient> {
  const origin = options.origin ?? baseUrl;
  class CookieSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie, origin } });
    }
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(
    `${baseUrl.replace(/^http/, 'ws')}${COLLAB_PATH}`,
    workflowId,
    doc,
    { WebSocketPolyfill: CookieSocket as unknown as typeof globalThis.WebSocket, disableBc: true },
  );
  if (options.presence) provider.awareness.setLocalState(options.presence);
  // As the editor does: y-websocket drops the others' presence on a disconnect but keeps their
  // clocks, so the server's resend after a reconnect would be ignored until each renews (15 s).
  provider.on('status', ({ status }: { status: string }) => {
    if (status !== 'disconnected') return;
    for (const clientId of [...provider.awareness.meta.keys()])
      if (clientId !== doc.clientID) provider.awareness.meta.delete(clientId);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The shared draft did not sync in 10 s.')),
      10_000,
    );
    provider.once('sync', (synced: boolean) => {
      if (!synced) return;
      clearTimeout(timer);
      resolve();
    });
  });
  const local = { local: true };
  const undo = new Y.UndoManager(doc.getMap('workflow'), {
    trackedOrigins: new Set([local]),
    captureTimeout: 0,
  });
  const read = () => {
    const result = readWorkflow(doc);
    if (!result.ok) throw new Error(result.errors[0]?.message);
    return result.workflow;
  };
  return {
    doc,
    provider,
    origin: local,
    undo,
    read,
    edit: (change) => writeWorkflow(doc, change(read()), local),
    close: () => {
      provider.awareness.setLocalState(null);
      provider.destroy();
    },
  };
}

/** Resolves once `check` holds (polled every `every` ms; it may be async), or fails after `ms`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  ms = 5_000,
  what = 'the condition',
  every = 10,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, every));
  }
}
