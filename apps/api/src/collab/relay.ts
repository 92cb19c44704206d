import {
  insertRelayPayload,
  listenTo,
  readRelayPayload,
  sql,
  type AccordDatabase,
  type Listener,
} from '@accord/db';

/** The NOTIFY channel shared drafts are relayed on. */
export const RELAY_CHANNEL = 'accord_collab';
/** NOTIFY payloads must stay under 8,000 bytes; bigger updates go through `collab_relay`. */
const INLINE_LIMIT = 6_000;

/**
 * From another instance: a document update (`update`), a presence update (`awareness`), or
 * `join`: it just opened the draft (payload: its state vector) and asks the instances holding
 * it for what it lacks, as the changes and presence relayed before it opened the draft went by.
 */
export interface RelayMessage {
  workflowId: string;
  kind: 'update' | 'awareness' | 'join';
  payload: Uint8Array;
}

const KINDS = { update: 'u', awareness: 'a', join: 'j' } as const;
const KIND_OF = { u: 'update', a: 'awareness', j: 'join' } as const;

interface Wire {
  i: string;
  w: string;
  k: 'u' | 'a' | 'j';
  d?: string;
  r?: number;
}

/**
 * Carries shared-draft updates and presence between API instances over one PostgreSQL:
 * `pg_notify` with the update inline (base64), or the id of a `collab_relay` row when too big
 * for a notification. Each instance ignores its own messages. After the LISTEN connection
 * drops and comes back, `onResync` runs (rooms merge the stored state, which the other
 * instances persisted meanwhile). PGlite serves one process: no relay.
 */
export class Relay {
  private listener: Listener | null = null;

  private constructor(
    private readonly database: AccordDatabase,
    private readonly instance: string,
  ) {}

  static async start(
    database: AccordDatabase,
    instance: string,
    onMessage: (message: RelayMessage) => void,
    onResync: () => void,
    onError: (error: unknown) => void,
  ): Promise<Relay | null> {
    if (database.kind !== 'postgres') return null;
    const relay = new Relay(database, instance);
    relay.listener = await listenTo(
      database,
      RELAY_CHANNEL,
      (text) => void relay.receive(text, onMessage).catch(onError),
      onResync,
    );
    return relay.listener ? relay : null;
  }

  private async receive(text: string, onMessage: (message: RelayMessage) => void) {
    const wire = JSON.parse(text) as Wire;
    if (wire.i === this.instance) return;
    const payload =
      wire.d !== undefined
        ? new Uint8Array(Buffer.from(wire.d, 'base64'))
        : wire.r !== undefined
          ? await readRelayPayload(this.database.db, wire.r)
          : undefined;
    if (!payload) return;
    onMessage({ workflowId: wire.w, kind: KIND_OF[wire.k], payload });
  }

  /** Sends an update, a presence change or a join to the other instances. */
  async publish(message: RelayMessage): Promise<void> {
    const wire: Wire = { i: this.instance, w: message.workflowId, k: KINDS[message.kind] };
    const inline = Buffer.from(message.payload).toString('base64');
    if (inline.length <= INLINE_LIMIT) wire.d = inline;
    else wire.r = await insertRelayPayload(this.database.db, message.workflowId, message.payload);
    await sql`select pg_notify(${RELAY_CHANNEL}, ${JSON.stringify(wire)})`.execute(
      this.database.db,
    );
  }

  async close(): Promise<void> {
    await this.listener?.close();
  }
}
