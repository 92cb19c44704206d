import { createDb, DatabaseStartError } from './create-db';
import { migrateDown, migrateToLatest } from './migrate';

/** `npm run db:migrate [-- down]`: the same database choice as the app (DATABASE_URL or .data). */
// eslint-disable-next-line no-restricted-properties -- a standalone script with two settings
const { DATABASE_URL, ACCORD_DATA_DIR } = process.env;
try {
  const { db, kind } = await createDb({
    databaseUrl: DATABASE_URL || undefined,
    dataDir: ACCORD_DATA_DIR || new URL('../../.data', import.meta.url).pathname,
  });
  const names = process.argv[2] === 'down' ? await migrateDown(db) : await migrateToLatest(db);
  console.log(`${kind}: ${names.length ? names.join(', ') : 'already up to date'}`);
  await db.destroy();
} catch (error) {
  console.error(
    error instanceof DatabaseStartError || error instanceof Error ? error.message : error,
  );
  process.exit(1);
}
