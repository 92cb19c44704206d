import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../migrations';
import { createDb, type AccordDatabase } from './create-db';
import { migrateDown, migrateToLatest, pendingMigrations } from './migrate';
import { testBackends } from './testing';

const names = Object.keys(migrations).sort();

describe('pendingMigrations (what /readyz checks, #22)', () => {
  it('lists every known migration, oldest first, on an empty database and creates nothing', async () => {
    const database = await createDb();
    try {
      expect(await pendingMigrations(database.db)).toEqual(names);
      const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables).toEqual([]);
    } finally {
      await database.close();
    }
  });

  describe.each(testBackends())('on $kind', ({ open }) => {
    let database: AccordDatabase;
    beforeAll(async () => (database = await open()));
    afterAll(() => database.close());

    it('is empty once migrated, names an undone migration, and is empty again after migrating', async () => {
      expect(await pendingMigrations(database.db)).toEqual([]);
      const undone = await migrateDown(database.db);
      expect(undone).toEqual([names.at(-1)]);
      expect(await pendingMigrations(database.db)).toEqual(undone);
      await migrateToLatest(database.db);
      expect(await pendingMigrations(database.db)).toEqual([]);
    });
  });
});
