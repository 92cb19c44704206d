/**
 * What `collab.bench.ts` and its client processes (`collab-clients.ts`) say to each other over
 * IPC, and the helpers both use.
 */

/** What the parent sends first. */
export interface ClientsConfig {
  url: string;
  workflowId: string;
  /** The bench's client numbers this process runs, with the session cookie each uses. */
  clients: { index: number; cookie: string }[];
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
      cpuMs: number;
    };

/** The step client `index` moves. */
export const benchStepId = (index: number) => `bench_${index}`;

/** Milliseconds since the epoch, sub-millisecond, on one clock for every process. */
export const now = () => performance.timeOrigin + performance.now();
