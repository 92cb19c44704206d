/**
 * npm run bench:collab — #20's load: 50 people in one shared draft over loopback, each editing
 * their own step 10 times a second for 30 s (BENCH_COLLAB_SECONDS to shorten), against the
 * built server (`node apps/api/dist/index.js`, embedded PGlite, demo seed) in a child process.
 * Every client signs in as one of the five demo authors and joins with the session cookie and
 * the server's Origin, in a few child processes of their own (BENCH_COLLAB_PROCESSES, default 2).
 * Client 0 is a full replica (y-websocket's WebsocketProvider, edits through `writeWorkflow`, as
 * the editor). The other 49 are light protocol peers (`collab-peer.ts`): each syncs the draft
 * once, then sends its own edits as Yjs updates and finds the others' edit tags in the bytes of
 * the server's updates instead of applying them. Forty-nine replicas applying every edit (~75 µs
 * each) took 1.2 of this machine's 2 cores and reached 327 of the 500 edits a second: the
 * numbers were the clients'. Each edit sets the step's label to `Bench <i> <E<i>.<seq>>`.
 * - propagation: from sending an edit until the last of the other 49 clients has it;
 * - lostEdits: edits some client never got by the end of a settle period, plus last edits
 *   missing from the replica's document or from the draft as stored (tRPC `draft.get`);
 * - serverRssMb: the server's resident memory at the end, sampled every half second from when
 *   the clients have joined (start, peak and end printed).
 * Ends with one JSON line.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { joinDraft, MAX_SOCKETS_PER_PERSON } from '@accord/api/collab/testing';
import { DEMO_PASSWORD, DEMO_WORKFLOW_NAME } from '@accord/api/seed';
import type { Workflow, WorkflowNode } from '@accord/engine';
import { startApp } from '../test/e2e/harness';
import { cpuMsOf, rssMb } from './process-stats';
import { HttpClient } from '../test/integration/support/http-client';
import {
  benchLabel,
  benchStepId,
  now,
  type ClientsCommand,
  type ClientsConfig,
  type ClientsMessage,
} from './collab-shared';

const CLIENTS = Number(process.env.BENCH_COLLAB_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_COLLAB_SECONDS ?? 30);
const PROCESSES = Number(process.env.BENCH_COLLAB_PROCESSES ?? 2);
const EDITS_PER_SECOND = 10;
const SETTLE_MS = 10_000;
const AUTHORS = ['marketing', 'sales', 'admin', 'marketing2', 'sales2'];
const QUERIES = new Set(['workflows.list', 'draft.get']);
const clientsScript = fileURLToPath(new URL('./collab-clients.ts', import.meta.url));

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? NaN
    : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** A child process of clients, with its messages as promises. */
function clientsProcess(config: ClientsConfig) {
  const child: ChildProcess = fork(clientsScript, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<ClientsMessage['type'], (message: ClientsMessage) => void>();
  const failed = new Promise<never>((_, reject) =>
    child.on('exit', (code) => code !== 0 && reject(new Error(`clients exited with ${code}`))),
  );
  child.on('message', (message: ClientsMessage) => waiting.get(message.type)?.(message));
  const next = <T extends ClientsMessage['type']>(type: T) =>
    Promise.race([
      failed,
      new Promise<Extract<ClientsMessage, { type: T }>>((resolve) =>
        waiting.set(type, resolve as (message: ClientsMessage) => void),
      ),
    ]);
  const ready = next('ready');
  child.send(config);
  return {
    child,
    ready,
    next,
    command: (command: ClientsCommand) => child.send(command),
  };
}

async function main() {
  // Clients join as five people, and one person holds at most MAX_SOCKETS_PER_PERSON sockets
  // (the first author's also holds the setup client's).
  if (Math.ceil(CLIENTS / AUTHORS.length) + 1 > MAX_SOCKETS_PER_PERSON)
    throw new Error(
      `BENCH_COLLAB_CLIENTS=${CLIENTS} needs more than ${MAX_SOCKETS_PER_PERSON} sockets for one of the ${AUTHORS.length} authors; at most ${(MAX_SOCKETS_PER_PERSON - 1) * AUTHORS.length}.`,
    );
  const app = await startApp({ ACCORD_SEED: 'demo', LOG_LEVEL: 'error' });
  try {
    const authors = await Promise.all(
      AUTHORS.map((name) =>
        new HttpClient(app.url, QUERIES).signIn(`${name}@acme.test`, DEMO_PASSWORD),
      ),
    );
    const [first] = authors;
    const workflows = await first!.ok<{ id: string; name: string }[]>('workflows.list', {});
    const workflowId = workflows.find((w) => w.name === DEMO_WORKFLOW_NAME)!.id;

    // Each client edits a step of its own: add them in one edit, wait until they are stored.
    const setup = await joinDraft(app.url, workflowId, first!.cookie);
    setup.edit((w) => ({
      ...w,
      nodes: [
        ...w.nodes,
        ...Array.from({ length: CLIENTS }, (_, i): WorkflowNode => ({
          id: benchStepId(i),
          kind: 'stage',
          label: `Bench ${i}`,
          position: { x: 0, y: 2000 + 40 * i },
          data: { stage: 'mql' },
        })),
      ],
    }));
    const storedDraft = () =>
      first!.ok<{ revision: number; document: Workflow }>('draft.get', { workflowId });
    for (let tries = 0; ; tries++) {
      const stored = (await storedDraft()).document;
      if (stored.nodes.some((n) => n.id === benchStepId(CLIENTS - 1))) break;
      if (tries > 100) throw new Error('The bench steps were not stored in 10 s.');
      await new Promise((r) => setTimeout(r, 100));
    }
    setup.close();

    const shares = Array.from({ length: PROCESSES }, (_, p) =>
      Array.from({ length: CLIENTS }, (_, i) => i)
        .filter((i) => i % PROCESSES === p)
        .map((index) => ({
          index,
          cookie: authors[index % authors.length]!.cookie,
          replica: index === 0,
        })),
    );
    const processes = shares.map((clients) =>
      clientsProcess({
        url: app.url,
        workflowId,
        clients,
        total: CLIENTS,
        editsPerSecond: EDITS_PER_SECOND,
      }),
    );
    await Promise.all(processes.map((p) => p.ready));

    const rss: number[] = [];
    const sample = () => {
      const mb = rssMb(app.pid);
      if (mb !== null) rss.push(mb);
    };
    sample();
    const sampler = setInterval(sample, 500);
    const loadBefore = loadavg()[0]!;
    const serverCpuStart = cpuMsOf(app.pid);
    const started = now();
    const sentMessages = processes.map((p) => p.next('sent'));
    for (const p of processes) p.command({ type: 'start', seconds: SECONDS });
    const sent = await Promise.all(sentMessages);
    const editSeconds = (now() - started) / 1000;
    const lastSeq = Array.from({ length: CLIENTS }, (_, i) =>
      Math.max(0, ...sent.map((s) => s.lastSeq[i] ?? 0)),
    );
    const sentAt: number[][] = Array.from({ length: CLIENTS }, () => []);
    for (const s of sent)
      for (const [i, times] of Object.entries(s.sentAt)) sentAt[Number(i)] = times;

    const reports = processes.map((p) => p.next('report'));
    for (const p of processes) p.command({ type: 'settle', lastSeq, timeoutMs: SETTLE_MS });
    const received = await Promise.all(reports);
    clearInterval(sampler);
    sample();
    const busySeconds = (now() - started) / 1000;
    const serverCpuMs =
      serverCpuStart === null ? null : (cpuMsOf(app.pid) ?? serverCpuStart) - serverCpuStart;

    // Propagation: each edit, until the last of the other clients had it.
    const propagation: number[] = [];
    let notEverywhere = 0;
    for (let i = 0; i < CLIENTS; i++)
      for (let s = 0; s < lastSeq[i]!; s++) {
        const count = received.reduce((n, r) => n + (r.received[i]![s] ?? 0), 0);
        if (count < CLIENTS - 1) {
          notEverywhere++;
          continue;
        }
        const last = Math.max(...received.map((r) => r.lastAt[i]![s] ?? 0));
        propagation.push(last - sentAt[i]![s]!);
      }
    propagation.sort((a, b) => a - b);

    // The stored draft (persisted at most a second behind): every step with its last edit.
    await new Promise((r) => setTimeout(r, 1_500));
    const stored = (await storedDraft()).document;
    const notStored = lastSeq.filter(
      (last, i) =>
        last > 0 &&
        stored.nodes.find((n) => n.id === benchStepId(i))?.label !== benchLabel(i, last),
    ).length;
    const notInReplica = received.reduce((n, r) => n + (r.replicaMissing?.length ?? 0), 0);
    for (const p of processes) p.command({ type: 'close' });

    const edits = lastSeq.reduce((a, b) => a + b, 0);
    const clientCpuMs = received.reduce((n, r) => n + r.cpuMs, 0);
    const round1 = (n: number) => Math.round(n * 10) / 10;
    const result = {
      clients: CLIENTS,
      propagationP50Ms: round1(percentile(propagation, 50)),
      propagationP99Ms: round1(percentile(propagation, 99)),
      lostEdits: notEverywhere + notInReplica + notStored,
      // The end of the run: the first samples can still hold start-up garbage (seeding).
      serverRssMb: rss.at(-1) ?? NaN,
    };
    console.log(
      `\nbench:collab — ${CLIENTS} clients (1 replica, ${CLIENTS - 1} light peers), ${SECONDS} s, ${PROCESSES} client processes`,
    );
    console.table({
      edits: {
        value: edits,
        note: `${round1(edits / editSeconds)}/s (target ${CLIENTS * EDITS_PER_SECOND}/s)`,
      },
      deliveries: { value: propagation.length * (CLIENTS - 1), note: 'edit × other client' },
      'propagation p50 ms': { value: result.propagationP50Ms, note: '' },
      'propagation p90 ms': { value: round1(percentile(propagation, 90)), note: '' },
      'propagation p99 ms': { value: result.propagationP99Ms, note: '' },
      'propagation max ms': { value: round1(propagation.at(-1) ?? NaN), note: '' },
      'not at every client': {
        value: notEverywhere,
        note: `after a settle of up to ${SETTLE_MS / 1000} s`,
      },
      'last edit not in replica': { value: notInReplica, note: "the full replica's document" },
      'last edit not stored': { value: notStored, note: 'draft.get, 1.5 s after the last edit' },
      'server RSS MB': {
        value: `${rss[0]} → ${rss.at(-1)}`,
        note: `peak ${Math.max(...rss)}, ${rss.length} samples`,
      },
      'server CPU': {
        value: serverCpuMs === null ? 'n/a' : `${round1(serverCpuMs / 1000)} s`,
        note:
          serverCpuMs === null
            ? ''
            : `${Math.round(serverCpuMs / 10 / busySeconds)}% of a core over edits and settle`,
      },
      'machine load': {
        value: `${round1(loadBefore)} → ${round1(loadavg()[0]!)}`,
        note: `1-minute load average, ${cpus().length} cores`,
      },
      'client CPU': { value: `${round1(clientCpuMs / 1000)} s`, note: 'all client processes' },
    });
    console.log(JSON.stringify(result));
  } finally {
    await app.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
