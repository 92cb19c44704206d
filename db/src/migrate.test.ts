import { sql } from 'kysely';
import { migrations } from '../migrations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordDatabase } from './create-db';
import { migrateDown, migrateToLatest } from './migrate';
import {
  findCatalogSnapshot,
  findWorkspaceCatalog,
  storeCatalogSnapshot,
} from './repositories/catalogs';
import { testBackends } from './testing';

describe.each(testBackends())('migrations on $kind', ({ open }) => {
  let database: AccordDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.close());

  it('refuses UPDATE and DELETE on audit_events', async () => {
    const { db } = database;
    await db
      .insertInto('audit_events')
      .values({
        at: new Date(),
        actor_label: 'system',
        action: 'test',
        entity_type: 'test',
        entity_id: '1',
        workflow_id: null,
        actor_id: null,
        before: null,
        after: null,
        prev_hash: '0',
        hash: '1',
      })
      .execute();
    await expect(db.updateTable('audit_events').set({ action: 'x' }).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
    const rows = await db.selectFrom('audit_events').select(['action']).execute();
    expect(rows).toEqual([{ action: 'test' }]);
  });

  it('allows at most one published version per workflow', async () => {
    const { db } = database;
    const ws = await db
      .insertInto('workspaces')
      .values({ slug: 'w', name: 'W' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await db
      .insertInto('users')
      .values({
        workspace_id: ws.id,
        email: 'a@x.io',
        name: 'A',
        role: 'ops',
        password_hash: 'x',
        disabled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const wf = await db
      .insertInto('workflows')
      .values({ workspace_id: ws.id, slug: 'f', name: 'F', archived_at: null, created_by: user.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const catalogHash = await storeCatalogSnapshot(db, { fields: [], events: [] });
    const version = (number: number) => ({
      workflow_id: wf.id,
      number,
      status: 'published' as const,
      document: sql<string>`'{}'::jsonb`,
      compiled_hash: 'h',
      catalog_hash: catalogHash,
      change_note: 'n',
      based_on_revision: null,
      author_id: user.id,
      published_at: null,
      published_by: null,
    });
    await db.insertInto('versions').values(version(1)).execute();
    await expect(db.insertInto('versions').values(version(2)).execute()).rejects.toThrow(
      /versions_one_published_idx/,
    );
  });

  it('#17: gives workspaces and versions that predate catalogs the frozen demo catalog', async () => {
    const { db } = database;
    const catalogs = '2026_12_04_0900_workspace_field_catalogs';
    const since = Object.keys(migrations)
      .sort()
      .filter((name) => name >= catalogs);
    const undone: string[] = [];
    while (!undone.includes(catalogs)) undone.push(...(await migrateDown(db)));
    expect(undone).toEqual([...since].reverse());
    await sql`insert into workspaces (slug, name) values ('old', 'Old')`.execute(db);
    const ws = await sql<{ id: string }>`select id from workspaces where slug = 'old'`.execute(db);
    const wsId = ws.rows[0]!.id;
    await sql`insert into users (workspace_id, email, name, role, password_hash) values (${wsId}, 'o@x.io', 'O', 'ops', 'x')`.execute(
      db,
    );
    const user = await sql<{ id: string }>`select id from users where email = 'o@x.io'`.execute(db);
    const userId = user.rows[0]!.id;
    await sql`insert into workflows (workspace_id, slug, name, created_by) values (${wsId}, 'old-flow', 'Old flow', ${userId})`.execute(
      db,
    );
    await sql`insert into versions (workflow_id, number, status, document, compiled_hash, change_note, author_id)
      select id, 1, 'proposed', '{}'::jsonb, 'h', 'n', ${userId} from workflows where slug = 'old-flow'`.execute(
      db,
    );
    expect(await migrateToLatest(db)).toEqual(since);
    const live = await findWorkspaceCatalog(db, wsId);
    expect(live.revision).toBe(1);
    expect(live.catalog.fields.map((f) => f.id)).toContain('job_title');
    const version = await db
      .selectFrom('versions')
      .innerJoin('workflows', 'workflows.id', 'versions.workflow_id')
      .select('versions.catalog_hash')
      .where('workflows.slug', '=', 'old-flow')
      .executeTakeFirstOrThrow();
    expect(await findCatalogSnapshot(db, version.catalog_hash)).toEqual(live.catalog);
  });

  it('runs down and up again', async () => {
    const { db } = database;
    const names = Object.keys(migrations).sort();
    const undone: string[] = [];
    for (let step = await migrateDown(db); step.length; step = await migrateDown(db))
      undone.push(...step);
    expect(undone).toEqual([...names].reverse());
    const tables = await sql<{
      n: number;
    }>`select count(*)::int as n from information_schema.tables where table_name = 'users' and table_schema = current_schema()`.execute(
      db,
    );
    expect(tables.rows[0]?.n).toBe(0);
    expect(await migrateToLatest(db)).toEqual(names);
  });
});
