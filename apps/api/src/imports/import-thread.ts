import type { Worker } from 'node:worker_threads';
import type { FieldCatalog } from '@accord/engine';
import { appWorker } from '../simulation/worker-pool';
import { MappingError, type Chunks } from './import-leads';
import { ImportRefused } from './import-refused';
import type {
  FromImportThread,
  ImportThreadStart,
  ThreadBatch,
  ThreadError,
  ToImportThread,
} from './import-thread-protocol';

/** Pieces of the file sent to the thread and not yet taken (64 KB each from an upload). */
const PIECES_AHEAD = 4;

function importWorker(start: ImportThreadStart): Worker {
  return appWorker(new URL('./import-worker.ts', import.meta.url), { workerData: start });
}

function thrown(error: ThreadError): Error {
  switch (error.kind) {
    case 'mapping':
      return new MappingError(error.issues);
    case 'refused':
      // The message already says where; `at` is kept for callers that read it.
      return Object.assign(new ImportRefused(error.message), { at: error.at });
    case 'other':
      return new Error(error.message);
  }
}

/**
 * `openImport` on a worker thread of its own: the file's pieces go to the thread, which parses
 * and maps them and sends back the kept leads as JSON in batches (`ThreadBatch`, file order),
 * with every row's problems. Answers once the header is read and the mapping checked (throwing
 * the MappingError or ImportRefused `openImport` would throw). The thread ends when the batches
 * end, fail or are left unread (`return()` on the generator). An error of the file's source
 * (an upload cut off, too large) is thrown as it is.
 * @example const { columns, batches } = await openImportInThread(input, chunks, catalog);
 */
export async function openImportInThread(
  input: ImportThreadStart['input'],
  source: Chunks,
  catalog: FieldCatalog,
): Promise<{ columns: string[]; batches: AsyncGenerator<ThreadBatch> }> {
  const worker = importWorker({ input, catalog });
  const send = (message: ToImportThread) => worker.postMessage(message);
  /** What came from the thread (or went wrong here), in order, and who waits for it. */
  const inbox: (FromImportThread | { type: 'failed'; error: unknown })[] = [];
  let wakeReader: (() => void) | undefined;
  const deliver = (item: (typeof inbox)[number]) => {
    inbox.push(item);
    wakeReader?.();
  };
  let ahead = 0;
  let wakePump: (() => void) | undefined;
  let stopped = false;
  worker.on('message', (message: FromImportThread) => {
    if (message.type === 'took') {
      ahead--;
      wakePump?.();
    } else deliver(message);
  });
  worker.on('error', (error) => deliver({ type: 'failed', error }));
  worker.on('exit', (code) => {
    if (!stopped)
      deliver({
        type: 'failed',
        error: new Error(`The import thread stopped (exit code ${code}).`),
      });
  });

  // The file goes to the thread as fast as it takes it, never more than PIECES_AHEAD ahead.
  void (async () => {
    try {
      for await (const chunk of source) {
        if (stopped) return;
        while (ahead >= PIECES_AHEAD && !stopped)
          await new Promise<void>((resolve) => (wakePump = resolve));
        if (stopped) return;
        ahead++;
        if (typeof chunk === 'string') send({ type: 'chunk', chunk });
        else {
          // A copy of just these bytes (a Buffer may be a slice of a larger one), moved over.
          const copy = new Uint8Array(chunk);
          worker.postMessage({ type: 'chunk', chunk: copy } satisfies ToImportThread, [
            copy.buffer,
          ]);
        }
      }
      if (!stopped) send({ type: 'end' });
    } catch (error) {
      deliver({ type: 'failed', error });
    }
  })();

  const next = async () => {
    while (inbox.length === 0) await new Promise<void>((resolve) => (wakeReader = resolve));
    const item = inbox.shift()!;
    if (item.type === 'failed') throw item.error;
    if (item.type === 'error') throw thrown(item.error);
    return item;
  };
  const stop = () => {
    if (stopped) return;
    stopped = true;
    wakePump?.();
    void worker.terminate();
  };

  let columns: string[];
  try {
    const first = await next();
    if (first.type !== 'columns')
      throw new Error(`The import thread answered ${first.type} first.`);
    columns = first.columns;
  } catch (error) {
    stop();
    throw error;
  }
  async function* batches(): AsyncGenerator<ThreadBatch> {
    try {
      for (;;) {
        const item = await next();
        if (item.type === 'done') return;
        if (item.type !== 'batch') throw new Error(`The import thread sent ${item.type} again.`);
        const { type: _, ...batch } = item;
        yield batch;
        send({ type: 'more' });
      }
    } finally {
      stop();
    }
  }
  return { columns, batches: batches() };
}
