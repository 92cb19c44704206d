import {
  createDb,
  DatabaseStartError,
  failLeadSet,
  isLeadSetLoadAbandoned,
  loadingLeadSetIds,
  migrateToLatest,
  type AccordDatabase,
} from '@accord/db';
import { EnvError, parseEnv } from './env';
import { seedDemo } from './seed';
import { runManagerFor } from './simulation/run-manager';
import { buildServer } from './server';

/** Start-up: parse env, open and migrate the database, seed, serve. Errors print one clear line. */
async function main() {
  const env = parseEnv();
  const database = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.ACCORD_DATA_DIR });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    throw new DatabaseStartError((error as Error).message);
  }
  await failAbandonedImports(database);
  const seeded = env.ACCORD_SEED === 'demo' ? await seedDemo(database.db) : null;
  const app = await buildServer({ database, env });
  const address = await app.listen({ port: env.PORT, host: env.HOST });
  // Simulation worker threads boot while the server waits for its first run.
  runManagerFor(database.db).warm();
  const where =
    database.kind === 'pglite' ? `embedded PGlite in ${env.ACCORD_DATA_DIR}` : 'PostgreSQL';
  console.log(`Accord is running at ${address.replace('127.0.0.1', 'localhost')} (${where})`);
  if (seeded) {
    console.log('Demo sign-ins (password for all: %s):', seeded.password);
    for (const user of seeded.users) console.log(`  ${user.role.padEnd(10)} ${user.email}`);
  }
  const stop = async () => {
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * A lead set left `loading` by a process that died (kill -9, power loss) is emptied and marked
 * failed, so no set is ever half loaded. On PostgreSQL a set another live instance is still
 * loading holds its advisory lock and is left alone; embedded PGlite has one process only.
 */
async function failAbandonedImports(database: AccordDatabase) {
  for (const id of await loadingLeadSetIds(database.db)) {
    const abandoned = database.kind === 'pglite' || (await isLeadSetLoadAbandoned(database.db, id));
    if (abandoned)
      await failLeadSet(
        database.db,
        id,
        'The server stopped while this set was loading; import it again.',
      );
  }
}

main().catch((error: unknown) => {
  const known = error instanceof EnvError || error instanceof DatabaseStartError;
  console.error(`Accord could not start: ${known ? (error as Error).message : String(error)}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
});
