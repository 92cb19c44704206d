import { createDb, DatabaseStartError, migrateToLatest } from '@accord/db';
import { EnvError, parseEnv } from './env';
import { seedDemo } from './seed';
import { seedDemoOutcomes } from './seed-outcomes';
import { repairAbandonedWork, startRepairJob } from './services/repairs';
import { runManagerFor } from './simulation/run-manager';
import { buildServer } from './server';
import { ConnectionTracker, shutDown, shutdownMessage } from './shutdown';

/** Start-up: parse env, open and migrate the database, seed, serve. Errors print one clear line. */
async function main() {
  const env = parseEnv();
  const database = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.ACCORD_DATA_DIR });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    throw new DatabaseStartError((error as Error).message);
  }
  await repairAbandonedWork(database);
  const seeded = env.ACCORD_SEED === 'demo' ? await seedDemo(database.db) : null;
  if (seeded) await seedDemoOutcomes(database);
  const app = await buildServer({ database, env });
  const connections = new ConnectionTracker(app.server);
  const address = await app.listen({ port: env.PORT, host: env.HOST });
  const stopRepairs = startRepairJob(database);
  // Simulation worker threads boot while the server waits for its first run.
  const runs = runManagerFor(database.db);
  runs.warm();
  const where =
    database.kind === 'pglite' ? `embedded PGlite in ${env.ACCORD_DATA_DIR}` : 'PostgreSQL';
  // performance.now() counts from the start of the process: loading the code is included.
  const startedIn = Math.round(performance.now());
  console.log(
    `Accord is running at ${address.replace('127.0.0.1', 'localhost')} (${where}; started in ${startedIn} ms)`,
  );
  if (seeded) {
    console.log('Demo sign-ins (password for all: %s):', seeded.password);
    for (const user of seeded.users) console.log(`  ${user.role.padEnd(10)} ${user.email}`);
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    // A second signal while shutting down (Ctrl-C twice) ends the process at once.
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: stopping (grace period ${env.ACCORD_SHUTDOWN_GRACE_MS} ms)…`);
    shutDown({
      app,
      database,
      runs,
      stopRepairs,
      connections,
      delayMs: env.ACCORD_SHUTDOWN_DELAY_MS,
      graceMs: env.ACCORD_SHUTDOWN_GRACE_MS,
    }).then(
      (summary) => {
        console.log(shutdownMessage(summary));
        process.exit(0);
      },
      (error: unknown) => {
        console.error('Accord could not stop cleanly:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const known = error instanceof EnvError || error instanceof DatabaseStartError;
  console.error(`Accord could not start: ${known ? (error as Error).message : String(error)}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  process.exit(1);
});
