import {
  CLOSE_CODES,
  COLLAB_PATH,
  colourFor,
  MAX_MESSAGE_BYTES,
  MAX_PRESENCE_CHARS,
  MAX_PRESENCE_CLIENTS,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  type Presence,
} from '@accord/collab';
import { ROLE_POLICY } from '@accord/access';
import type { Db } from '@accord/db';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { sessionFromRequest } from '../auth/session';
import { findWorkflow } from '@accord/db';
import type { SessionUser } from '../trpc';
import type { Room } from './room';
import type { SharedDrafts } from './shared-drafts';

/** How often open sockets check that their session still exists (signed out → closed). */
const SESSION_CHECK_MS = 30_000;
/**
 * Most messages a socket may send in one second (edits, cursor moves and presence together; the
 * editor sends a few dozen at most while dragging); past it the socket is closed.
 */
export const MAX_MESSAGES_PER_SECOND = 200;

/**
 * Most shared-draft sockets one person may hold at once on a server (a tab each; people keep a
 * few open). Every socket receives every change of its draft, so more would only let one
 * session make the server send and buffer the same changes over and over.
 */
export const MAX_SOCKETS_PER_PERSON = 16;

/**
 * Most bytes waiting to be sent to one socket (past what the network took); past it the socket
 * is cut. A client that stops reading (a stalled or a hostile one) would otherwise have the
 * server keep every change of the draft for it: presence alone can be 64k characters, a few
 * hundred times a second. The default agreement's whole shared draft is 22 KB and a message at
 * most 4 MB, so a reader that is merely slow never comes near.
 */
export const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

type RefusedReason = 'read-only' | 'not-yours' | 'too-many' | 'too-large';

/** One person's socket in a shared draft; the origin of their changes. */
export class Peer {
  /** The awareness client ids this socket speaks for. */
  readonly clientIds = new Set<number>();
  /** Messages this second (rate limit). */
  private window = { second: 0, count: 0 };
  constructor(
    readonly user: SessionUser,
    readonly readOnly: boolean,
    private readonly socket: WebSocket,
  ) {}

  /** Counts a message; false once this second's allowance is spent. */
  allow(): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.window.second) this.window = { second, count: 0 };
    return ++this.window.count <= MAX_MESSAGES_PER_SECOND;
  }

  /** Messages waiting for the end of this event-loop turn. */
  private outbox: Uint8Array[] = [];

  /**
   * Sends after the messages of this turn (in order): a socket's messages of one turn go out
   * in one write. With 50 people in a draft every edit is 49 sends, and their system calls
   * (a writev each) were the largest part of the server's time (bench:collab's profile).
   */
  send(message: Uint8Array) {
    this.outbox.push(message);
    if (this.outbox.length === 1) setImmediate(() => this.flush());
  }

  private flush() {
    const messages = this.outbox;
    this.outbox = [];
    if (this.socket.readyState !== this.socket.OPEN) return;
    // ws keeps its TCP socket in `_socket`; corked, the frames leave in one writev.
    const tcp = (this.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
    tcp?.cork();
    for (const message of messages) this.socket.send(message);
    tcp?.uncork();
    // A client that stops reading would have the server hold every change sent to it.
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) this.socket.terminate();
  }

  close(code: number, reason: string) {
    this.flush();
    this.socket.close(code, reason);
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The room and person of a shared-draft socket, settled before the upgrade. */
    collab?: {
      room: Room;
      user: SessionUser;
      readOnly: boolean;
      /** Takes the room over for the socket; false if the client already hung up. */
      claim(): boolean;
      /** Frees the person's socket and lets go of the room (once; when the socket closes). */
      leave(): void;
    };
    /** Why the socket is closed as soon as it opens (no room was opened for it). */
    collabRefusal?: { code: number; reason: string };
  }
}

const params = z.object({ workflowId: z.uuid() });

/** Whether the request's Origin is this server (a page elsewhere cannot use the person's cookie). */
function sameOrigin(req: FastifyRequest): boolean {
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

/**
 * The shared-draft socket at `/collab/<workflowId>`: the y-websocket protocol (sync and
 * awareness) on the API's own port. Before the upgrade: the Origin must be this server, the
 * session cookie a live session, the workflow in the person's workspace. Authors edit; ops
 * and auditors join read-only, and the server drops any change they send. Presence says who
 * people are as the server knows them, whatever the client claims.
 */
export async function registerCollabSocket(
  app: FastifyInstance,
  deps: { db: Db; drafts: SharedDrafts; onRefused?: (reason: RefusedReason) => void },
) {
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
  const peers = new Map<Room, Set<Peer>>();
  /** Shared-draft sockets per person, open or being opened. */
  const socketsOf = new Map<string, number>();
  const refused = deps.onRefused ?? (() => undefined);
  app.metrics?.observeCollab(() => ({
    rooms: deps.drafts.size,
    connections: [...peers.values()].reduce((n, members) => n + members.size, 0),
  }));

  app.get(
    `${COLLAB_PATH}/:workflowId`,
    {
      websocket: true,
      preValidation: async (req, reply) => {
        if (!sameOrigin(req))
          return reply.code(403).send({ error: { code: 'FORBIDDEN', message: 'Wrong origin.' } });
        const session = await sessionFromRequest(deps.db, req);
        if (!session)
          return reply
            .code(401)
            .send({ error: { code: 'UNAUTHORIZED', message: 'Sign in first.' } });
        const parsed = params.safeParse(req.params);
        const workflow = parsed.success
          ? await findWorkflow(deps.db, session.user.workspace_id, parsed.data.workflowId)
          : undefined;
        if (!workflow)
          return reply
            .code(404)
            .send({ error: { code: 'NOT_FOUND', message: 'No such workflow.' } });
        const canEdit =
          !workflow.archived_at &&
          (ROLE_POLICY['draft.save'] as readonly string[]).includes(session.user.role);
        // Counted before the room is opened, so a burst of upgrades cannot all pass the check.
        const person = session.user.id;
        const held = socketsOf.get(person) ?? 0;
        if (held >= MAX_SOCKETS_PER_PERSON) {
          // Said after the upgrade, in the close: a page's WebSocket cannot read an HTTP refusal.
          req.collabRefusal = {
            code: CLOSE_CODES.tooManyTabs,
            reason: `You have ${MAX_SOCKETS_PER_PERSON} shared drafts open, as many as one person may; close one (a tab or a window).`,
          };
          return;
        }
        socketsOf.set(person, held + 1);
        const unhold = () => {
          const left = (socketsOf.get(person) ?? 1) - 1;
          if (left > 0) socketsOf.set(person, left);
          else socketsOf.delete(person);
        };
        let room: Room;
        try {
          room = await deps.drafts.open(workflow.id, session.user.workspace_id);
        } catch (error) {
          unhold();
          throw error;
        }
        // Once, whichever comes first: the socket closes, or the client hung up before the
        // upgrade completed, which never reaches the handler (`ws` drops a closed socket
        // without a word).
        let gone = false;
        const leave = () => {
          if (gone) return;
          gone = true;
          unhold();
          void deps.drafts.release(room);
        };
        const socket = req.raw.socket;
        if (socket.destroyed) {
          leave();
          return reply.code(400).send({ error: { code: 'CLOSED', message: 'Connection closed.' } });
        }
        socket.once('close', leave);
        const claim = () => {
          socket.off('close', leave);
          return !gone;
        };
        req.collab = { room, user: session.user, readOnly: !canEdit, claim, leave };
      },
    },
    (socket, req) => {
      if (req.collabRefusal) {
        socket.close(req.collabRefusal.code, req.collabRefusal.reason);
        return;
      }
      const { room, user, readOnly, claim, leave } = req.collab!;
      if (!claim()) {
        socket.terminate();
        return;
      }
      const peer = new Peer(user, readOnly, socket);
      let members = peers.get(room);
      if (!members) {
        members = new Set();
        peers.set(room, members);
        wireRoom(room, members, deps.drafts);
      }
      members.add(peer);
      socket.on('message', (data: Buffer) => {
        if (!peer.allow()) {
          refused('too-many');
          peer.close(CLOSE_CODES.tooMany, 'Too many messages');
          return;
        }
        try {
          const refusal = handle(room, peer, new Uint8Array(data));
          if (refusal) refused(refusal);
        } catch {
          peer.close(CLOSE_CODES.badMessage, 'Malformed message');
        }
      });
      const check = setInterval(() => {
        void sessionFromRequest(deps.db, req).then(
          (s) => s || peer.close(1008, 'Signed out'),
          () => undefined,
        );
      }, SESSION_CHECK_MS);
      check.unref();
      socket.on('close', () => {
        clearInterval(check);
        members.delete(peer);
        removeAwarenessStates(room.awareness, [...peer.clientIds], peer);
        if (members.size === 0) peers.delete(room);
        leave();
      });
      // Sync step 1 (what the server has) and everyone's presence, as y-websocket expects.
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_SYNC);
      syncProtocol.writeSyncStep1(encoder, room.doc);
      peer.send(encoding.toUint8Array(encoder));
      sendPresence(room, peer, [...room.awareness.getStates().keys()]);
    },
  );
}

/** Sends document updates and presence changes of a room to its sockets. */
function wireRoom(room: Room, members: Set<Peer>, drafts: SharedDrafts) {
  room.doc.on('update', (update: Uint8Array, origin: unknown) => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    const message = encoding.toUint8Array(encoder);
    for (const peer of members) if (peer !== origin) peer.send(message);
  });
  room.awareness.on(
    'update',
    (
      { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
      origin: unknown,
    ) => {
      const changed = [...added, ...updated, ...removed];
      if (origin instanceof Peer) {
        for (const id of [...added, ...updated]) {
          origin.clientIds.add(id);
          vouch(room, id, origin.user);
        }
        for (const id of removed) origin.clientIds.delete(id);
        if (added.length > 0) room.refreshPresence();
      }
      const update = encodeAwarenessUpdate(room.awareness, changed);
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, update);
      const message = encoding.toUint8Array(encoder);
      for (const peer of members) peer.send(message);
      if (origin instanceof Peer || origin === 'local') drafts.publishAwareness(room, update);
    },
  );
}

/** Presence names people as the server knows them: a client cannot pose as someone else. */
function vouch(room: Room, clientId: number, user: SessionUser) {
  const state = room.awareness.getStates().get(clientId) as Partial<Presence> | undefined;
  if (!state) return;
  const vouched = { id: user.id, name: user.name, role: user.role, colour: colourFor(user.id) };
  const claimed = state.user;
  if (
    !claimed ||
    claimed.id !== vouched.id ||
    claimed.name !== vouched.name ||
    claimed.role !== vouched.role ||
    claimed.colour !== vouched.colour
  )
    state.user = vouched;
}

function sendPresence(room: Room, peer: Peer, clientIds: number[]) {
  if (clientIds.length === 0) return;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(room.awareness, clientIds));
  peer.send(encoding.toUint8Array(encoder));
}

/** One message from a socket; why it was refused, if it was. */
function handle(room: Room, peer: Peer, message: Uint8Array): RefusedReason | undefined {
  const decoder = decoding.createDecoder(message);
  const type = decoding.readVarUint(decoder);
  if (type === MESSAGE_SYNC) {
    const step = decoding.peekVarUint(decoder);
    if (peer.readOnly && step !== syncProtocol.messageYjsSyncStep1) {
      // Read-only people may ask for the document, never change it.
      return 'read-only';
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.readSyncMessage(decoder, encoder, room.doc, peer);
    if (encoding.length(encoder) > 1) peer.send(encoding.toUint8Array(encoder));
    return;
  }
  if (type === MESSAGE_AWARENESS) {
    const update = decoding.readVarUint8Array(decoder);
    const refusal = presenceRefusal(room, peer, update);
    if (refusal) return refusal;
    applyAwarenessUpdate(room.awareness, update, peer);
    return;
  }
  if (type === MESSAGE_QUERY_AWARENESS) {
    sendPresence(room, peer, [...room.awareness.getStates().keys()]);
    return;
  }
  throw new Error(`Unknown message type ${type}`);
}

/**
 * Why a presence update is refused, if it is: it speaks for someone else's client (nobody may
 * change or clear another person's presence), for more clients than one socket has, or shares
 * more than a presence needs. The format is y-protocols' awareness update: a count, then per
 * client its id, clock and state as JSON.
 */
function presenceRefusal(room: Room, peer: Peer, update: Uint8Array): RefusedReason | undefined {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  if (count > MAX_PRESENCE_CLIENTS) return 'too-large';
  const fresh = new Set<number>();
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    if (state.length > MAX_PRESENCE_CHARS) return 'too-large';
    if (peer.clientIds.has(clientId)) continue;
    if (clientId === room.doc.clientID) return 'not-yours';
    if (room.awareness.getStates().has(clientId)) return 'not-yours';
    fresh.add(clientId);
  }
  if (peer.clientIds.size + fresh.size > MAX_PRESENCE_CLIENTS) return 'too-large';
  return undefined;
}
