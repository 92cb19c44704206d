/**
 * #20: the built server killed with SIGKILL in the middle of a shared-draft session, then
 * started again on the same database (embedded PGlite, and PostgreSQL when TEST_DATABASE_URL is
 * set). Every edit persisted before the kill is still there; the two authors' clients
 * (y-websocket reconnects by itself) resync and give back what the server never persisted —
 * edits it had only in memory, edits still on their way, edits made while it was down — and
 * everyone, and the stored draft, ends on one document with no step or row twice.
 */
import { readSharedDraft } from '@accord/db';
import { joinDraft, until, type CollabClient } from '@accord/api/collab/testing';
import { workflowMap } from '@accord/collab';
import { parseWorkflow } from '@accord/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../e2e/harness';
import { crashBackends } from './support/backends';
import {
  addRow,
  demoWorkflowId,
  docOf,
  EDITOR_PRESENCE,
  hasLabel,
  hasRow,
  missing,
  relabel,
  rolesSeenBy,
  setPoints,
  signedIn,
  storedDraft,
  wholeness,
  type Expectation,
} from './support/collab';

describe.each(crashBackends('collab_crash'))(
  '#20 shared draft across a kill -9 on $kind',
  (backend) => {
    let app: RunningApp | undefined;
    const clients: CollabClient[] = [];
    afterAll(async () => {
      for (const client of clients) client.close();
      await app?.stop();
      await backend.cleanup();
    });

    it('keeps every persisted edit, resyncs both authors and merges back what they held, with no step or row twice', async () => {
      const started = Date.now();
      await backend.prepare();
      const env = { ...backend.env, ACCORD_SEED: 'demo', LOG_LEVEL: 'error' };
      app = await startApp(env);
      const marketing = await signedIn(app.url, 'marketing');
      const sales = await signedIn(app.url, 'sales');
      const workflowId = await demoWorkflowId(marketing);
      const maya = await joinDraft(app.url, workflowId, marketing.cookie, {
        presence: EDITOR_PRESENCE,
      });
      const sam = await joinDraft(app.url, workflowId, sales.cookie, { presence: EDITOR_PRESENCE });
      clients.push(maya, sam);

      // 1. Edits from both, persisted: different steps, the same step, a row each on one scorecard.
      maya.edit(relabel('engagement', 'Engagement (Maya)'));
      sam.edit(relabel('segment', 'Segment (Sam)'));
      maya.edit(setPoints('fit', 'title_given', 7));
      sam.edit(relabel('fit', 'Fit (Sam)'));
      maya.edit(addRow('fit', 'maya_row_1', 11));
      sam.edit(addRow('fit', 'sam_row_1', 13));
      const persisted: Expectation[] = [
        hasLabel('engagement', 'Engagement (Maya)'),
        hasLabel('segment', 'Segment (Sam)'),
        hasRow('fit', 'title_given', 7),
        hasLabel('fit', 'Fit (Sam)'),
        hasRow('fit', 'maya_row_1', 11),
        hasRow('fit', 'sam_row_1', 13),
      ];
      await until(
        async () =>
          missing((await storedDraft(marketing, workflowId)).document, persisted).length === 0,
        10_000,
        'the first edits in the stored draft',
        100,
      );

      // 2. More edits, then the kill: one the server relayed (it holds it in memory, unpersisted),
      // then two sent as the process dies.
      maya.edit(relabel('sal', 'SAL (Maya, relayed)'));
      await until(() => sam.read().nodes.some((n) => n.label === 'SAL (Maya, relayed)'));
      sam.edit(addRow('fit', 'sam_row_2', 17));
      maya.edit(setPoints('fit', 'name', 12));
      await app.kill('SIGKILL');
      const late: Expectation[] = [
        hasLabel('sal', 'SAL (Maya, relayed)'),
        hasRow('fit', 'sam_row_2', 17),
        hasRow('fit', 'name', 12),
      ];

      // 3. While the server is down: both keep editing (kept locally).
      await until(
        () => !maya.provider.wsconnected && !sam.provider.wsconnected,
        5_000,
        'the clients to see the server gone',
      );
      maya.edit(relabel('handover', 'Handover (Maya, offline)'));
      sam.edit(relabel('sql', 'SQL (Sam, offline)'));
      const offline: Expectation[] = [
        hasLabel('handover', 'Handover (Maya, offline)'),
        hasLabel('sql', 'SQL (Sam, offline)'),
      ];

      // The database as the killed server left it: every persisted edit, whole and parsing.
      const database = await backend.open(app.dataDir);
      let lateUnpersisted: string[];
      try {
        const row = await readSharedDraft(database.db, workflowId);
        const parsed = parseWorkflow(row!.document);
        if (!parsed.ok)
          throw new Error(`The stored draft does not parse: ${parsed.errors[0]?.message}`);
        expect(missing(parsed.workflow, persisted)).toEqual([]);
        expect(wholeness(docOf(row!.ydoc!))).toEqual([]);
        lateUnpersisted = missing(parsed.workflow, late);
      } finally {
        await database.close();
      }

      // 4. The same server again, on the same port: the clients reconnect by themselves.
      const down = Date.now();
      app = await startApp(env, { dataDir: app.dataDir, port: app.port });
      const everything = [...persisted, ...late, ...offline];
      await until(
        () => maya.provider.synced && sam.provider.synced,
        20_000,
        'both clients to resync',
      );
      const resyncedIn = Date.now() - down;
      // Presence comes back with them: each sees the other again.
      await until(
        () => rolesSeenBy(maya).includes('sales') && rolesSeenBy(sam).includes('marketing'),
        5_000,
        'each to see the other’s presence again',
      );
      await until(
        async () =>
          missing(maya.read(), everything).length === 0 &&
          missing(sam.read(), everything).length === 0 &&
          missing((await storedDraft(marketing, workflowId)).document, everything).length === 0,
        15_000,
        'every edit on both clients and in the stored draft',
        100,
      );
      const stored = (await storedDraft(sales, workflowId)).document;
      expect(maya.read()).toEqual(stored);
      expect(sam.read()).toEqual(stored);
      expect(workflowMap(sam.doc).toJSON()).toEqual(workflowMap(maya.doc).toJSON());
      expect(wholeness(maya.doc)).toEqual([]);
      expect(wholeness(sam.doc)).toEqual([]);
      // Someone joining now gets the same document from the server.
      const newcomer = await joinDraft(app.url, workflowId, sales.cookie);
      clients.push(newcomer);
      expect(newcomer.read()).toEqual(stored);
      expect(wholeness(newcomer.doc)).toEqual([]);

      // The stored Yjs state, once the server stopped: the same document, nothing twice.
      for (const client of clients.splice(0)) client.close();
      await app.kill('SIGTERM');
      const after = await backend.open(app.dataDir);
      try {
        const row = await readSharedDraft(after.db, workflowId);
        const doc = docOf(row!.ydoc!);
        expect(wholeness(doc)).toEqual([]);
        expect(parseWorkflow(row!.document)).toMatchObject({ ok: true, workflow: stored });
        expect(missing(stored, everything)).toEqual([]);
      } finally {
        await after.close();
      }
      console.info(
        `collab crash ${backend.kind}: ${everything.length} edits, ${late.length - lateUnpersisted.length}/${late.length} ` +
          `late ones persisted at the kill (the rest came back from the clients); resynced ${resyncedIn} ms after the restart began; ` +
          `${Date.now() - started} ms in all`,
      );
    }, 200_000);
  },
);
