import {
  CLOSE_CODES,
  COLLAB_PATH,
  MAX_PRESENCE_CHARS,
  MESSAGE_SYNC,
  type Presence,
} from '@accord/collab';
import { readSharedDraft, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import type { Workflow } from '@accord/engine';
import * as encoding from 'lib0/encoding';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { parseEnv } from '../env';
import { DEMO_WORKFLOW_NAME, seedDemo } from '../seed';
import { demoSessionCookies } from '../testing';
import { buildServer, type AccordServer } from '../server';
import type { Room } from './room';
import { SharedDrafts, sharedDraftsOf } from './shared-drafts';
import { MAX_BUFFERED_BYTES, MAX_SOCKETS_PER_PERSON } from './socket';
import { joinDraft, until, type CollabClient } from './testing';

const env = { ...parseEnv({ LOG_LEVEL: 'silent' }), ACCORD_WEB_DIST: '/nonexistent' };

const relabel = (index: number, label: string) => (w: Workflow) => ({
  ...w,
  nodes: w.nodes.map((n, i) => (i === index ? { ...n, label } : n)),
});

describe.each(testBackends())('#20 shared drafts over the socket on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let url: string;
  let workflowId: string;
  const cookies: Record<string, string> = {};
  const clients: CollabClient[] = [];

  const join = async (role: string, options?: Parameters<typeof joinDraft>[3]) => {
    const client = await joinDraft(url, workflowId, cookies[role]!, options);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await open();
    await seedDemo(database.db);
    app = await buildServer({ database, env });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
    const workflow = await database.db
      .selectFrom('workflows')
      .select('id')
      .where('name', '=', DEMO_WORKFLOW_NAME)
      .executeTakeFirstOrThrow();
    workflowId = workflow.id;
    Object.assign(cookies, await demoSessionCookies(app, ['marketing', 'sales', 'auditor', 'ops']));
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  const stored = async () => {
    const row = await readSharedDraft(database.db, workflowId);
    return { revision: row!.revision, document: row!.document as Workflow };
  };

  it('merges two authors’ edits live and persists both, one audit event each with their steps', async () => {
    const maya = await join('marketing');
    const sam = await join('sales');
    const before = await stored();
    maya.edit(relabel(1, 'Maya’s step'));
    sam.edit(relabel(2, 'Sam’s step'));
    await until(
      () =>
        maya.read().nodes[2]?.label === 'Sam’s step' &&
        sam.read().nodes[1]?.label === 'Maya’s step',
      5_000,
      'both edits on both clients',
    );
    expect(maya.read()).toEqual(sam.read());
    let after = await stored();
    const deadline = Date.now() + 5_000;
    while (after.document.nodes[2]?.label !== 'Sam’s step' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      after = await stored();
    }
    expect(after.document.nodes[1]?.label).toBe('Maya’s step');
    expect(after.document.nodes[2]?.label).toBe('Sam’s step');
    expect(after.revision).toBeGreaterThan(before.revision);
    const events = await database.db
      .selectFrom('audit_events')
      .select(['actor_label', 'after'])
      .where('action', '=', 'draft.save')
      .where('entity_id', '=', workflowId)
      .execute();
    const byActor = (name: string) =>
      events
        .filter((e) => e.actor_label.includes(name))
        .flatMap((e) => (e.after as { steps?: string[] }).steps ?? []);
    expect(byActor('marketing')).toContain('Maya’s step');
    expect(byActor('marketing')).not.toContain('Sam’s step');
    expect(byActor('sales')).toContain('Sam’s step');
    expect(byActor('sales')).not.toContain('Maya’s step');
  });

  it('credits each person with their own rows when both edit one step in the same batch', async () => {
    const maya = await join('marketing');
    const sam = await join('sales');
    const fit = maya.read().nodes.findIndex((n) => n.kind === 'scorecard');
    const setPoints = (row: number, points: number) => (w: Workflow) => {
      const copy = structuredClone(w);
      const node = copy.nodes[fit]!;
      if (node.kind === 'scorecard') node.data.rows[row]!.points = points;
      return copy;
    };
    const since = new Date();
    maya.edit(setPoints(0, 41));
    sam.edit(setPoints(1, 42));
    const events = async () =>
      (
        await database.db
          .selectFrom('audit_events')
          .select(['actor_label', 'after'])
          .where('action', '=', 'draft.save')
          .where('at', '>=', since)
          .execute()
      ).map((e) => ({
        actor: e.actor_label,
        changes: ((e.after as { changes?: { row?: string; after?: unknown }[] }).changes ?? []).map(
          (c) => `${c.row}=${String(c.after)}`,
        ),
      }));
    await until(
      async () => (await events()).flatMap((e) => e.changes).length >= 2,
      5_000,
      'both audited',
    );
    const all = await events();
    const mine = (role: string) =>
      all.filter((e) => e.actor.includes(`(${role})`)).flatMap((e) => e.changes);
    expect(mine('marketing').some((c) => c.endsWith('=41'))).toBe(true);
    expect(mine('marketing').some((c) => c.endsWith('=42'))).toBe(false);
    expect(mine('sales').some((c) => c.endsWith('=42'))).toBe(true);
    expect(mine('sales').some((c) => c.endsWith('=41'))).toBe(false);
  });

  it('undo removes only my own edit', async () => {
    const maya = await join('marketing');
    const sam = await join('sales');
    maya.edit(relabel(3, 'Maya again'));
    sam.edit(relabel(4, 'Sam again'));
    await until(
      () =>
        maya.read().nodes[4]?.label === 'Sam again' && sam.read().nodes[3]?.label === 'Maya again',
    );
    maya.undo.undo();
    await until(() => sam.read().nodes[3]?.label !== 'Maya again', 5_000, 'the undo on Sam’s side');
    expect(maya.read().nodes[4]?.label).toBe('Sam again');
    expect(sam.read().nodes[4]?.label).toBe('Sam again');
  });

  it('lets an auditor watch but drops every change they send, even a forged one', async () => {
    const maya = await join('marketing');
    const auditor = await join('auditor');
    const label = `Watched ${Date.now()}`;
    maya.edit(relabel(1, label));
    await until(() => auditor.read().nodes[1]?.label === label);
    // Through the client...
    auditor.edit(relabel(1, 'Auditor was here'));
    // ...and a hand-made update on a raw socket.
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(maya.doc));
    const vector = Y.encodeStateVector(forged);
    forged.getMap('workflow').set('name', 'Forged');
    const update = Y.encodeStateAsUpdate(forged, vector);
    const raw = new WebSocket(`${url.replace('http', 'ws')}${COLLAB_PATH}/${workflowId}`, {
      headers: { cookie: cookies.auditor!, origin: url },
    });
    await new Promise((resolve, reject) => {
      raw.once('open', resolve);
      raw.once('error', reject);
    });
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    raw.send(encoding.toUint8Array(encoder));
    await new Promise((r) => setTimeout(r, 800));
    raw.close();
    expect(maya.read().nodes[1]?.label).toBe(label);
    expect(maya.read().name).not.toBe('Forged');
    const saved = await stored();
    expect(saved.document.name).not.toBe('Forged');
    expect(saved.document.nodes[1]?.label).toBe(label);
  });

  it('shows who is there as the server knows them, whatever a client claims', async () => {
    const maya = await join('marketing');
    await join('sales', {
      presence: { user: { id: 'x', name: 'The CEO', role: 'admin', colour: '#000' } },
    });
    await until(() =>
      [...maya.provider.awareness.getStates().values()].some(
        (s) => (s as { user?: { role?: string } }).user?.role === 'sales',
      ),
    );
    const names = [...maya.provider.awareness.getStates().values()]
      .map((s) => (s as { user?: { name: string } }).user?.name)
      .filter(Boolean);
    expect(names).not.toContain('The CEO');
    expect(names.some((n) => /Sam|Sales/.test(n!))).toBe(true);
  });

  it('refuses a presence larger than a presence needs, and still takes a normal one', async () => {
    const maya = await join('marketing');
    const sam = await join('sales', {
      presence: { editing: { nodeId: 'fit', what: 'x'.repeat(MAX_PRESENCE_CHARS) } },
    });
    const samSeen = () =>
      maya.provider.awareness.getStates().get(sam.doc.clientID) as Partial<Presence> | undefined;
    // The oversized state never reaches the others; a small one from the same socket does.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(samSeen()).toBeUndefined();
    sam.provider.awareness.setLocalState({ editing: { nodeId: 'fit', what: 'Title is VP' } });
    await until(() => samSeen()?.editing?.what === 'Title is VP');
    expect(samSeen()?.user?.role).toBe('sales');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/accord_collab_refused_messages_total\{reason="too-large"\} [1-9]/);
  });

  /** The status a socket upgrade gets (101 when it opens; it is closed at once). */
  const attempt = (path: string, headers: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => {
        ws.close();
        resolve(101);
      });
      ws.once('error', () => resolve(-1));
    });

  it('refuses a socket from another origin, without a session, or for an unknown workflow', async () => {
    const path = `${COLLAB_PATH}/${workflowId}`;
    expect(
      await attempt(path, { cookie: cookies.marketing!, origin: 'https://evil.example' }),
    ).toBe(403);
    expect(await attempt(path, { origin: url })).toBe(401);
    expect(
      await attempt(`${COLLAB_PATH}/00000000-0000-4000-8000-000000000000`, {
        cookie: cookies.marketing!,
        origin: url,
      }),
    ).toBe(404);
    expect(await attempt(path, { cookie: cookies.marketing!, origin: url })).toBe(101);
  });

  it('refuses a person more than MAX_SOCKETS_PER_PERSON sockets at once, in words, and not the others', async () => {
    const hub = sharedDraftsOf(database.db);
    await until(() => hub.size === 0, 5_000, 'the earlier tests’ rooms to close');
    /** What one more socket of Maya's gets: the draft's first sync message, or a close. */
    const another = () =>
      new Promise<'joined' | { code: number; reason: string }>((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}${COLLAB_PATH}/${workflowId}`, {
          headers: { cookie: cookies.marketing!, origin: url },
        });
        ws.once('message', () => {
          ws.close();
          resolve('joined');
        });
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
      });
    const tabs: CollabClient[] = [];
    for (let i = 0; i < MAX_SOCKETS_PER_PERSON; i++) tabs.push(await join('marketing'));
    expect(await another()).toEqual({
      code: CLOSE_CODES.tooManyTabs,
      reason: `You have ${MAX_SOCKETS_PER_PERSON} shared drafts open, as many as one person may; close one (a tab or a window).`,
    });
    // Someone else joins as usual, and the draft still works for everyone.
    const sam = await join('sales');
    tabs[0]!.edit(relabel(1, 'From the first tab'));
    await until(() => sam.read().nodes[1]?.label === 'From the first tab');
    // A tab closed frees its place.
    tabs.pop()!.provider.disconnect();
    await until(async () => (await another()) === 'joined', 5_000, 'the closed tab’s place');
    // Everyone leaves, so the next test starts with Maya's places free.
    for (const client of [...tabs, sam]) client.provider.disconnect();
    await until(() => hub.size === 0, 5_000, 'everyone to have left');
  });

  it('cuts a socket that stops reading once MAX_BUFFERED_BYTES wait for it', async () => {
    const connections = async () =>
      Number(
        /^accord_collab_connections (\d+)$/m.exec(
          await (await fetch(`${url}/metrics`)).text(),
        )?.[1],
      );
    const maya = await join('marketing');
    // A client that joins and then reads nothing more.
    const stalled = new WebSocket(`${url.replace('http', 'ws')}${COLLAB_PATH}/${workflowId}`, {
      headers: { cookie: cookies.sales!, origin: url },
    });
    await new Promise((resolve) => stalled.once('open', resolve));
    stalled.pause();
    await until(async () => (await connections()) === 2);
    // Presence as large as is allowed, as often as is allowed: every one is sent to the staller.
    const big = 'x'.repeat(MAX_PRESENCE_CHARS - 1_000);
    const rounds = Math.ceil((3 * MAX_BUFFERED_BYTES) / big.length);
    for (let i = 0; i < rounds; i++) {
      maya.provider.awareness.setLocalState({ note: `${i}${big}` });
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 300));
    }
    await until(async () => (await connections()) === 1, 10_000, 'the staller to be cut');
    // Maya, who reads, is still there.
    expect(maya.provider.wsconnected).toBe(true);
    stalled.terminate();
  });

  it('never hands out a room that is closing: a join as the last one leaves gets the next room', async () => {
    const hub = new SharedDrafts(database.db);
    const { workspace_id: workspaceId } = await database.db
      .selectFrom('workflows')
      .select('workspace_id')
      .where('id', '=', workflowId)
      .executeTakeFirstOrThrow();
    const leaving = await hub.open(workflowId, workspaceId);
    // The last holder's final persist finishes just as someone else asks for the room: their
    // lookup sees it, but the release closes it before their join resumes.
    let joining: Promise<Room> | undefined;
    const flush = leaving.flush.bind(leaving);
    leaving.flush = () => {
      leaving.flush = flush;
      const persisted = flush();
      void persisted.then(() => (joining = hub.open(workflowId, workspaceId)));
      return persisted;
    };
    const released = hub.release(leaving);
    await until(() => joining !== undefined);
    const joined = await joining!;
    await released;
    expect(leaving.closed).toBe(true);
    expect(joined).not.toBe(leaving);
    expect(joined.closed).toBe(false);
    expect(joined.holders).toBe(1);
    await hub.release(joined);
    expect(hub.size).toBe(0);
    await hub.closeAll();
  });

  it('lets go of the room when a client hangs up in the middle of its upgrade', async () => {
    const hub = sharedDraftsOf(database.db);
    await until(() => hub.size === 0, 5_000, 'the earlier tests’ rooms to close');
    const { hostname: host, port } = new URL(url);
    let opened = 0;
    const open = hub.open.bind(hub);
    hub.open = (...args) => (opened++, open(...args));
    for (let i = 0; i < 3; i++) {
      // An upgrade request whose client hangs up at once, while the server checks its session.
      // Depending on timing the socket is gone before the upgrade (the handler never runs) or
      // just after it: either way the room must be let go.
      const client = connect({ host, port: Number(port) });
      await new Promise<void>((resolve) => client.once('connect', resolve));
      client.end(
        [
          `GET ${COLLAB_PATH}/${workflowId} HTTP/1.1`,
          `Host: ${host}:${port}`,
          `Origin: ${url}`,
          `Cookie: ${cookies.marketing}`,
          'Connection: Upgrade',
          'Upgrade: websocket',
          'Sec-WebSocket-Version: 13',
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
          '',
          '',
        ].join('\r\n'),
      );
      client.destroy();
    }
    await until(() => opened === 3, 5_000, 'the server to open the room for each');
    await until(() => hub.size === 0, 5_000, 'the abandoned room to close');
    hub.open = open;
    // And the draft still opens for the next person.
    const sam = await join('sales');
    expect(sam.read().name).toBe(DEMO_WORKFLOW_NAME);
  });

  it('puts a draft.save through the shared document: people in the draft see it at once', async () => {
    const sam = await join('sales');
    const current = await app.inject({
      url: `/trpc/draft.get?input=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
      headers: { cookie: cookies.marketing! },
    });
    const draft = current.json().result.data as { revision: number; document: Workflow };
    const res = await app.inject({
      method: 'POST',
      url: '/trpc/draft.save',
      headers: { 'content-type': 'application/json', cookie: cookies.marketing! },
      payload: {
        workflowId,
        baseRevision: draft.revision,
        document: { ...draft.document, name: 'Saved over the API' },
      },
    });
    expect(res.statusCode).toBe(200);
    const saved = res.json().result.data as { revision: number };
    await until(() => sam.read().name === 'Saved over the API');
    // A save on a stale base is refused and changes nothing.
    const stale = await app.inject({
      method: 'POST',
      url: '/trpc/draft.save',
      headers: { 'content-type': 'application/json', cookie: cookies.marketing! },
      payload: { workflowId, baseRevision: draft.revision, document: draft.document },
    });
    expect(stale.json().error.data.code).toBe('CONFLICT');
    expect(sam.read().name).toBe('Saved over the API');
    // Every save makes a revision, even of an unchanged document (as `draft.save` always has).
    const again = await app.inject({
      method: 'POST',
      url: '/trpc/draft.save',
      headers: { 'content-type': 'application/json', cookie: cookies.marketing! },
      payload: { workflowId, baseRevision: saved.revision, document: sam.read() },
    });
    expect(again.json().result.data.revision).toBe(saved.revision + 1);
  });
});
