/**
 * What `collab.bench.ts` and its client processes (`collab-clients.ts`) say to each other over
 * IPC, and the helpers both use.
 */

/** What the parent sends first. */
export interface ClientsConfig {
  url: string;
  workflowId: string;
  /**
   * The bench's client numbers this process runs, with the session cookie each uses; `replica`
   * marks the one full y-websocket replica (the others are light protocol peers).
   */
  clients: { index: number; cookie: string; replica: boolean }[];
  total: number;
  editsPerSecond: number;
}

/** What the parent sends next. */
export type ClientsCommand =
  | { type: 'start'; seconds: number }
  | { type: 'settle'; lastSeq: number[]; timeoutMs: number }
  | { type: 'close' };

/** What a process answers. */
export type ClientsMessage =
  | { type: 'ready' }
  | { type: 'sent'; lastSeq: Record<number, number>; sentAt: Record<number, number[]> }
  | {
      type: 'report';
      /** Per editor, per edit (seq - 1): how many of this process's other clients got it. */
      received: number[][];
      /** Per editor, per edit: when the last of them got it (epoch ms). */
      lastAt: number[][];
      /**
       * When this process holds the full replica: the editors whose last edit its document
       * lacks after the settle.
       */
      replicaMissing: number[] | null;
      cpuMs: number;
    };

/** The step client `index` edits. */
export const benchStepId = (index: number) => `bench_${index}`;

/**
 * The label client `index` gives its step in edit `seq`: the tag `<E3.17>` names the edit, and
 * Yjs writes strings as UTF-8 in an update, so a peer finds it in the bytes without Yjs.
 */
export const benchLabel = (index: number, seq: number) => `Bench ${index} <E${index}.${seq}>`;

/** Every edit tag in a message or update read as latin1: [editor, seq] pairs. */
export function editTags(bytes: Uint8Array): [number, number][] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const tags: [number, number][] = [];
  for (const match of text.matchAll(/<E(\d+)\.(\d+)>/g))
    tags.push([Number(match[1]), Number(match[2])]);
  return tags;
}

/** Milliseconds since the epoch, sub-millisecond, on one clock for every process. */
export const now = () => performance.timeOrigin + performance.now();
