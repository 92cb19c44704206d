/**
 * One share of `collab.bench.ts`'s clients, in a child process of their own (as people are in
 * browsers of their own). Each client joins the shared draft with its author's cookie and sets
 * its own step's label 10 times a second (`benchLabel`, tagged with the edit); the light peers
 * (`collab-peer.ts`) note which tags arrive in the server's update messages, the one full
 * replica (y-websocket, as the editor) in the updates its document applies. Talks to the parent
 * over IPC: `ready` once joined, then `sent` (each client's edits and when each was sent), then
 * `report` (when each edit reached this process's clients; what the replica's document lacks).
 */
import { joinDraft, type CollabClient } from '@accord/api/collab/testing';
import { workflowMap, writeWorkflow } from '@accord/collab';
import type { Workflow } from '@accord/engine';
import * as Y from 'yjs';
import { joinLight } from './collab-peer';
import {
  benchLabel,
  benchStepId,
  editTags,
  now,
  type ClientsCommand,
  type ClientsConfig,
  type ClientsMessage,
} from './collab-shared';

const send = (message: ClientsMessage) => process.send!(message);

interface Joined {
  index: number;
  /** Per editor, the highest edit seen (edits from one client arrive in order). */
  lastSeen: number[];
  edit(seq: number): void;
  close(): void;
}

/** The label of step `stepId` in a replica's document. */
function labelIn(doc: Y.Doc, stepId: string): unknown {
  const nodes = workflowMap(doc).get('nodes') as Y.Array<unknown>;
  const step = nodes
    .toArray()
    .find((n): n is Y.Map<unknown> => n instanceof Y.Map && n.get('id') === stepId);
  return step?.get('label');
}

async function run(config: ClientsConfig) {
  const received = Array.from({ length: config.total }, () => [] as number[]);
  const lastAt = Array.from({ length: config.total }, () => [] as number[]);
  const joined: Joined[] = [];
  let replica: CollabClient | undefined;
  for (const { index, cookie, replica: full } of config.clients) {
    const lastSeen = new Array<number>(config.total).fill(0);
    // Which edits this client has counted (editor × seq), so none counts twice.
    const counted = new Set<number>();
    const saw = (bytes: Uint8Array) => {
      const at = now();
      for (const [editor, seq] of editTags(bytes)) {
        if (editor === index || editor >= config.total) continue;
        const key = editor * 1_000_000 + seq;
        if (counted.has(key)) continue;
        counted.add(key);
        received[editor]![seq - 1] = (received[editor]![seq - 1] ?? 0) + 1;
        lastAt[editor]![seq - 1] = Math.max(lastAt[editor]![seq - 1] ?? 0, at);
        lastSeen[editor] = Math.max(lastSeen[editor]!, seq);
      }
    };
    const stepId = benchStepId(index);
    if (full) {
      const client = await joinDraft(config.url, config.workflowId, cookie);
      replica = client;
      // The replica applies every update; what it applied is what arrived.
      client.doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin !== client.origin) saw(update);
      });
      joined.push({
        index,
        lastSeen,
        // As the editor: the whole document in, one tracked transaction out.
        edit: (seq) => {
          const workflow = workflowMap(client.doc).toJSON() as Workflow;
          const next = {
            ...workflow,
            nodes: workflow.nodes.map((n) =>
              n.id === stepId ? { ...n, label: benchLabel(index, seq) } : n,
            ),
          };
          writeWorkflow(client.doc, next, client.origin);
        },
        close: () => client.close(),
      });
    } else {
      const peer = await joinLight(config.url, config.workflowId, cookie, saw);
      joined.push({
        index,
        lastSeen,
        edit: (seq) => peer.setLabel(stepId, benchLabel(index, seq)),
        close: () => peer.close(),
      });
    }
  }
  send({ type: 'ready' });

  const sentAt: Record<number, number[]> = {};
  const lastSeq: Record<number, number> = {};
  const edit = ({ index, edit: change }: Joined) => {
    const seq = (lastSeq[index] ?? 0) + 1;
    (sentAt[index] ??= []).push(now());
    lastSeq[index] = seq;
    change(seq);
  };

  const cpuStart = process.cpuUsage();
  process.on('message', async (command: ClientsCommand) => {
    if (command.type === 'start') {
      const period = 1000 / config.editsPerSecond;
      const timers = joined.map((client, k) =>
        setTimeout(
          () => {
            edit(client);
            const interval = setInterval(() => edit(client), period);
            timers.push(interval);
          },
          (period * k) / joined.length,
        ),
      );
      setTimeout(() => {
        for (const timer of timers) clearInterval(timer);
        send({ type: 'sent', lastSeq, sentAt });
      }, command.seconds * 1000);
    } else if (command.type === 'settle') {
      const deadline = Date.now() + command.timeoutMs;
      const done = () =>
        joined.every(({ index, lastSeen }) =>
          command.lastSeq.every((last, editor) => editor === index || lastSeen[editor]! >= last),
        );
      while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const replicaMissing = replica
        ? command.lastSeq.flatMap((last, editor) =>
            last > 0 && labelIn(replica.doc, benchStepId(editor)) !== benchLabel(editor, last)
              ? [editor]
              : [],
          )
        : null;
      const cpu = process.cpuUsage(cpuStart);
      send({
        type: 'report',
        received,
        lastAt,
        replicaMissing,
        cpuMs: (cpu.user + cpu.system) / 1000,
      });
    } else {
      for (const client of joined) client.close();
      process.exit(0);
    }
  });
}

process.once('message', (config: ClientsConfig) => {
  run(config).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
