import pg from 'pg';
import type { AccordDatabase } from './create-db';

/** A LISTEN on its own connection; `close` ends it. */
export interface Listener {
  close(): Promise<void>;
}

const RETRY_MS = 1_000;

/**
 * Listens to a PostgreSQL NOTIFY channel on a connection of its own, reconnecting when it drops
 * (`onReconnect` then runs: notifications sent meanwhile were missed). Null on PGlite, which
 * serves one process only.
 * @example const listener = await listenTo(database, 'accord_collab', (payload) => …);
 */
export async function listenTo(
  database: AccordDatabase,
  channel: string,
  onPayload: (payload: string) => void,
  onReconnect: () => void = () => undefined,
): Promise<Listener | null> {
  const connection = database.connection;
  if (database.kind !== 'postgres' || !connection) return null;
  let client: pg.Client | undefined;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async (again: boolean): Promise<void> => {
    const next = new pg.Client({
      connectionString: connection.url,
      ...(connection.schema ? { options: `-c search_path=${connection.schema}` } : {}),
    });
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    next.on('error', () => {
      if (closed) return;
      void next.end().catch(() => undefined);
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      void next.end().catch(() => undefined);
      if (!again) throw error;
      schedule();
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    if (again) onReconnect();
  };
  const schedule = () => {
    client = undefined;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect(true);
    }, RETRY_MS);
    retry.unref();
  };

  await connect(false);
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
