/**
 * The server `api.bench.ts` loads: the real Fastify app on loopback over an in-memory PGlite (or
 * DATABASE_URL), with the default workflow published and one API key. Prints `{"url","key"}`.
 */
import { randomBytes } from 'node:crypto';
import { createDb, migrateToLatest, sql, storeCatalogSnapshot } from '@accord/db';
import { defaultCatalog, defaultWorkflow } from '@accord/engine';
import { parseEnv } from '@accord/api/env';
import { buildServer } from '@accord/api/server';
import { hashToken } from '@accord/api/auth/session';

// The bench loads one key far past the per-key rate limit a CRM gets.
const env = parseEnv({
  ...process.env,
  LOG_LEVEL: 'silent',
  PORT: '0',
  ACCORD_SEED: 'none',
  ACCORD_RATE_LIMIT_PER_KEY: '1000000000',
});
const database = await createDb({ databaseUrl: env.DATABASE_URL });
await migrateToLatest(database.db);
const { db } = database;
const suffix = randomBytes(3).toString('hex');
const ws = await db
  .insertInto('workspaces')
  .values({ slug: `bench-${suffix}`, name: 'Bench' })
  .returning('id')
  .executeTakeFirstOrThrow();
const user = await db
  .insertInto('users')
  .values({
    workspace_id: ws.id,
    email: `bench-${suffix}@x.io`,
    name: 'Bench',
    role: 'ops',
    password_hash: 'x',
    disabled_at: null,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
const wf = await db
  .insertInto('workflows')
  .values({
    workspace_id: ws.id,
    slug: 'inbound',
    name: 'Inbound',
    archived_at: null,
    created_by: user.id,
  })
  .returning('id')
  .executeTakeFirstOrThrow();
await db
  .insertInto('versions')
  .values({
    workflow_id: wf.id,
    number: 1,
    status: 'published',
    document: sql`${JSON.stringify(defaultWorkflow())}::jsonb` as never,
    compiled_hash: 'bench',
    catalog_hash: await storeCatalogSnapshot(db, defaultCatalog),
    change_note: 'bench',
    based_on_revision: null,
    author_id: user.id,
    published_at: new Date(),
    published_by: user.id,
  })
  .execute();
const key = `acc_${randomBytes(16).toString('hex')}`;
await db
  .insertInto('api_keys')
  .values({
    workspace_id: ws.id,
    name: 'bench',
    prefix: key.slice(0, 8),
    key_hash: hashToken(key),
    created_by: user.id,
    revoked_at: null,
    last_used_at: null,
  })
  .execute();
const app = await buildServer({ database, env });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ url, key }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
