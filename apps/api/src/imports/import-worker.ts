/**
 * An import's worker thread: reads the file's pieces as they come, parses and maps them with the
 * import's own code (`openImport`) and sends the kept leads back as JSON in batches, with the
 * problems of each row. The thread that stores the leads then only stores them: on PGlite the
 * database runs on that thread, so parsing here and storing there overlap.
 *
 * Flow control both ways: the file's pieces are taken one at a time (`took` asks for the next),
 * and at most two batches are sent ahead of the ones the loader has asked for (`more`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MappingError, openImport } from './import-leads';
import { ImportRefused } from './import-refused';
import {
  THREAD_BATCH_ROWS,
  type FromImportThread,
  type ImportThreadStart,
  type ThreadBatch,
  type ThreadError,
  type ToImportThread,
} from './import-thread-protocol';

const port = parentPort!;
const send = (message: FromImportThread) => port.postMessage(message);

/** Pieces received and not yet taken, and who waits for the next one. */
const pieces: (string | Uint8Array | null)[] = [];
let wake: (() => void) | undefined;
/** Batches the loader has room for. */
let credit = 2;
let creditWake: (() => void) | undefined;

port.on('message', (message: ToImportThread) => {
  if (message.type === 'more') {
    credit++;
    creditWake?.();
    return;
  }
  pieces.push(message.type === 'chunk' ? message.chunk : null);
  wake?.();
});

async function* file(): AsyncGenerator<string | Uint8Array> {
  for (;;) {
    while (pieces.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const piece = pieces.shift()!;
    if (piece === null) return;
    send({ type: 'took' });
    yield piece;
  }
}

async function sendBatch(batch: ThreadBatch) {
  while (credit === 0) await new Promise<void>((resolve) => (creditWake = resolve));
  credit--;
  send({ type: 'batch', ...batch });
}

const emptyBatch = (): ThreadBatch => ({
  ids: [],
  json: [],
  hasOutcomes: false,
  rows: 0,
  problems: [],
});

function asThreadError(error: unknown): ThreadError {
  if (error instanceof MappingError) return { kind: 'mapping', issues: error.issues };
  if (error instanceof ImportRefused)
    return { kind: 'refused', message: error.message, ...(error.at ? { at: error.at } : {}) };
  return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

async function run() {
  const { input, catalog } = workerData as ImportThreadStart;
  const opened = await openImport(input, file(), catalog);
  send({ type: 'columns', columns: opened.columns });
  let batch = emptyBatch();
  for await (const row of opened.rows) {
    batch.rows++;
    if (row.ok) {
      batch.ids.push(row.lead.id);
      batch.json.push(JSON.stringify(row.lead));
      if (row.lead.outcome) batch.hasOutcomes = true;
      if (row.issues?.length)
        batch.problems.push({ line: row.line, errors: row.issues, kept: true });
    } else batch.problems.push({ line: row.line, errors: row.errors, kept: false });
    if (batch.rows >= THREAD_BATCH_ROWS) {
      await sendBatch(batch);
      batch = emptyBatch();
    }
  }
  if (batch.rows) await sendBatch(batch);
  send({ type: 'done' });
}

run().catch((error: unknown) => send({ type: 'error', error: asThreadError(error) }));
