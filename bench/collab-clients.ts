/**
 * One share of `collab.bench.ts`'s clients, in a child process of their own (as people are in
 * browsers of their own): each joins the shared draft over y-websocket with its author's cookie,
 * moves its own step 10 times a second through `writeWorkflow`, and notes when every other
 * client's moves arrive. Talks to the parent over IPC: `ready` once joined, then `sent` (how
 * many edits each of its clients made), then `report` (when each edit reached its clients).
 */
import { joinDraft, type CollabClient } from '@accord/api/collab/testing';
import { workflowMap, writeWorkflow } from '@accord/collab';
import type { Workflow } from '@accord/engine';
import * as Y from 'yjs';
import {
  benchStepId,
  now,
  type ClientsCommand,
  type ClientsConfig,
  type ClientsMessage,
} from './collab-shared';

const send = (message: ClientsMessage) => process.send!(message);

async function run(config: ClientsConfig) {
  const received = Array.from({ length: config.total }, () => [] as number[]);
  const lastAt = Array.from({ length: config.total }, () => [] as number[]);
  const joined: { index: number; client: CollabClient; lastSeen: number[] }[] = [];
  // Each WebsocketProvider listens for this process's exit.
  process.setMaxListeners(config.clients.length + 10);
  for (const { index, cookie } of config.clients) {
    const client = await joinDraft(config.url, config.workflowId, cookie);
    const lastSeen = new Array<number>(config.total).fill(0);
    const nodes = workflowMap(client.doc).get('nodes') as Y.Array<unknown>;
    // A step's position is a map {x, y}; x is the mover's edit number. Edits from one client
    // arrive in order, so seeing x = s means every edit up to s has arrived.
    nodes.observeDeep((events, transaction) => {
      if (transaction.local) return;
      const at = now();
      for (const event of events) {
        const target = event.target;
        if (!(target instanceof Y.Map) || !(event as Y.YMapEvent<unknown>).keysChanged.has('x'))
          continue;
        const id = (target.parent as Y.Map<unknown> | null)?.get?.('id');
        if (typeof id !== 'string' || !id.startsWith('bench_')) continue;
        const editor = Number(id.slice('bench_'.length));
        const seq = target.get('x');
        if (typeof seq !== 'number' || editor === index) continue;
        for (let s = lastSeen[editor]! + 1; s <= seq; s++) {
          received[editor]![s - 1] = (received[editor]![s - 1] ?? 0) + 1;
          lastAt[editor]![s - 1] = Math.max(lastAt[editor]![s - 1] ?? 0, at);
        }
        lastSeen[editor] = Math.max(lastSeen[editor]!, seq);
      }
    });
    joined.push({ index, client, lastSeen });
  }
  send({ type: 'ready' });

  const sentAt: Record<number, number[]> = {};
  const lastSeq: Record<number, number> = {};
  const edit = (index: number, client: CollabClient) => {
    const seq = (lastSeq[index] ?? 0) + 1;
    // The editor's store holds the document already; the raw JSON stands in for it here.
    const workflow = workflowMap(client.doc).toJSON() as Workflow;
    const id = benchStepId(index);
    const next = {
      ...workflow,
      nodes: workflow.nodes.map((n) =>
        n.id === id ? { ...n, position: { x: seq, y: n.position.y } } : n,
      ),
    };
    (sentAt[index] ??= []).push(now());
    lastSeq[index] = seq;
    writeWorkflow(client.doc, next, client.origin);
  };

  const cpuStart = process.cpuUsage();
  process.on('message', async (command: ClientsCommand) => {
    if (command.type === 'start') {
      const period = 1000 / config.editsPerSecond;
      const timers = joined.map(({ index, client }, k) =>
        setTimeout(
          () => {
            edit(index, client);
            const interval = setInterval(() => edit(index, client), period);
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
      const cpu = process.cpuUsage(cpuStart);
      send({ type: 'report', received, lastAt, cpuMs: (cpu.user + cpu.system) / 1000 });
    } else {
      for (const { client } of joined) client.close();
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
