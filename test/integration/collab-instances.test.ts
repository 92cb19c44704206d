/**
 * #20: two built API instances (two processes, two ports) over one PostgreSQL schema, relaying
 * shared drafts through LISTEN/NOTIFY. A person on each: edits made on either reach the other,
 * both converge and the stored draft has both; presence crosses too (and clears when someone
 * leaves); a `draft.save` over tRPC on one instance shows live on the other.
 */
import { joinDraft, until, type CollabClient } from '@accord/api/collab/testing';
import { workflowMap } from '@accord/collab';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../e2e/harness';
import { PG_URL, postgresBackend } from './support/backends';
import type { HttpClient } from './support/http-client';
import {
  addRow,
  demoWorkflowId,
  hasLabel,
  hasRow,
  EDITOR_PRESENCE,
  missing,
  relabel,
  rolesSeenBy,
  setPoints,
  signedIn,
  storedDraft,
  wholeness,
} from './support/collab';

describe.skipIf(!PG_URL)(
  '#20 two built instances over one PostgreSQL (needs TEST_DATABASE_URL; CI sets it)',
  () => {
    const backend = postgresBackend(PG_URL ?? '', 'collab_instances');
    const env = { ...backend.env, ACCORD_SEED: 'demo', LOG_LEVEL: 'error' };
    const apps: RunningApp[] = [];
    const clients: CollabClient[] = [];
    let marketing: HttpClient;
    let sales: HttpClient;
    let workflowId: string;

    beforeAll(async () => {
      await backend.prepare();
      // One after the other: the first migrates and seeds, the second finds both done.
      apps.push(await startApp(env));
      apps.push(await startApp(env));
      marketing = await signedIn(apps[0]!.url, 'marketing');
      sales = await signedIn(apps[1]!.url, 'sales');
      workflowId = await demoWorkflowId(marketing);
    });
    afterEach(() => {
      for (const client of clients.splice(0)) client.close();
    });
    afterAll(async () => {
      for (const client of clients.splice(0)) client.close();
      await Promise.all(apps.map((app) => app.stop()));
      await backend.cleanup();
    });

    const join = async (app: RunningApp, who: HttpClient) => {
      const client = await joinDraft(app.url, workflowId, who.cookie, {
        presence: EDITOR_PRESENCE,
      });
      clients.push(client);
      return client;
    };

    it('relays edits and presence between people on different instances; both converge and the stored draft has both', async () => {
      const maya = await join(apps[0]!, marketing);
      // An edit on A just before B opens the draft (B loads what is stored, and asks A for the rest).
      maya.edit(relabel('sal', 'SAL (Maya on A, before Sam)'));
      const sam = await join(apps[1]!, sales);
      // Presence crosses instances: each sees the other, named by the server they joined.
      await until(
        () => rolesSeenBy(maya).includes('sales') && rolesSeenBy(sam).includes('marketing'),
        5_000,
        'each to see the other’s presence',
      );

      const sent = Date.now();
      maya.edit(relabel('engagement', 'Engagement (Maya on A)'));
      sam.edit(relabel('segment', 'Segment (Sam on B)'));
      maya.edit(setPoints('fit', 'title_given', 8));
      sam.edit(addRow('fit', 'sam_row_b', 9));
      const expected = [
        hasLabel('sal', 'SAL (Maya on A, before Sam)'),
        hasLabel('engagement', 'Engagement (Maya on A)'),
        hasLabel('segment', 'Segment (Sam on B)'),
        hasRow('fit', 'title_given', 8),
        hasRow('fit', 'sam_row_b', 9),
      ];
      await until(
        () =>
          missing(maya.read(), expected).length === 0 && missing(sam.read(), expected).length === 0,
        5_000,
        'every edit on both instances’ clients',
      );
      const propagatedMs = Date.now() - sent;
      expect(maya.read()).toEqual(sam.read());
      expect(workflowMap(maya.doc).toJSON()).toEqual(workflowMap(sam.doc).toJSON());
      expect(wholeness(maya.doc)).toEqual([]);

      // The stored draft has both people's edits, whichever instance is asked.
      await until(
        async () =>
          missing((await storedDraft(marketing, workflowId)).document, expected).length === 0,
        5_000,
        'both people’s edits in the stored draft',
        100,
      );
      expect((await storedDraft(sales, workflowId)).document).toEqual(maya.read());
      expect((await storedDraft(marketing, workflowId)).document).toEqual(sam.read());

      // Leaving clears presence on the other instance too.
      clients.splice(clients.indexOf(sam), 1);
      sam.close();
      await until(
        () => !rolesSeenBy(maya).includes('sales'),
        5_000,
        'Sam’s presence to clear on A',
      );
      console.info(`collab instances: 5 edits on both clients ${propagatedMs} ms after sending`);
    });

    it('shows a draft.save over tRPC on one instance live to a person on the other', async () => {
      const sam = await join(apps[1]!, sales);
      const draft = await storedDraft(marketing, workflowId);
      const name = `Saved on A at ${Date.now()}`;
      const sent = Date.now();
      await marketing.ok('draft.save', {
        workflowId,
        baseRevision: draft.revision,
        document: { ...draft.document, name },
      });
      await until(() => sam.read().name === name, 5_000, 'the save on the client on B');
      const seenMs = Date.now() - sent;
      // It merged with what was there rather than replacing the shared document.
      expect(sam.read()).toEqual({ ...draft.document, name });
      expect(wholeness(sam.doc)).toEqual([]);
      expect((await storedDraft(sales, workflowId)).document.name).toBe(name);
      console.info(`collab instances: a draft.save on A seen on B ${seenMs} ms after sending`);
    });
  },
);
