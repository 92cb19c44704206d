import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './database';
import { pgliteDialect } from './pglite-dialect';
import { registerPostgresPool } from './postgres-pools';

export type DbKind = 'pglite' | 'postgres';
export type Db = Kysely<DB>;

export interface AccordDatabase {
  db: Db;
  kind: DbKind;
  close(): Promise<void>;
  /** PostgreSQL only: the connection pool's counts, read live (the metrics report them). */
  pool?: PoolUse;
  /** PostgreSQL only: how to open one more connection (LISTEN needs its own; see listen.ts). */
  connection?: { url: string; schema?: string };
}

/** How a pg pool is used right now. */
export interface PoolUse {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export interface CreateDbOptions {
  /** PostgreSQL connection string; when absent, embedded PGlite is used. */
  databaseUrl?: string;
  /** PGlite data directory; when absent (and no URL), PGlite runs in memory. */
  dataDir?: string;
  /** PostgreSQL only: the schema to work in (tests give each file its own). */
  schema?: string;
  /** PostgreSQL only: pool size. */
  maxConnections?: number;
}

/** Raised when the database cannot be opened; its message is meant for the person starting the app. */
export class DatabaseStartError extends Error {
  override name = 'DatabaseStartError';
}

const INT8 = 20;
const NUMERIC = 1700;
const toNumber = (value: string) => Number(value);

/**
 * Opens the database: `pg` pool when `databaseUrl` is set, otherwise embedded PGlite (on disk
 * under `dataDir`, or in memory). Fails with a DatabaseStartError naming what is wrong.
 * @example const { db, kind } = await createDb({ dataDir: '.data' });
 */
export async function createDb(options: CreateDbOptions = {}): Promise<AccordDatabase> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options)
    : openPglite(options.dataDir);
}

async function openPostgres(url: string, options: CreateDbOptions): Promise<AccordDatabase> {
  let where = 'the database in DATABASE_URL';
  try {
    const parsed = new URL(url);
    where = `PostgreSQL at ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    throw new DatabaseStartError(
      'DATABASE_URL is not a valid URL (expected postgres://user@host:port/db)',
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 || oid === NUMERIC
          ? toNumber
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseStartError(`Cannot connect to ${where}: ${describe(error)}`);
  }
  registerPostgresPool(db, pool);
  return {
    db,
    kind: 'postgres',
    close: () => db.destroy(),
    pool,
    connection: { url, ...(options.schema && { schema: options.schema }) },
  };
}

async function openPglite(dataDir: string | undefined): Promise<AccordDatabase> {
  let client: PGlite;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    client = await PGlite.create(dataDir ?? 'memory://', {
      parsers: { [INT8]: toNumber, [NUMERIC]: toNumber },
    });
    await client.query('select 1');
  } catch (error) {
    throw new DatabaseStartError(
      `Cannot open the embedded database in ${dataDir ?? 'memory'}: ${describe(error)}. ` +
        'If the directory is corrupt, move it away (its data is lost) or point ACCORD_DATA_DIR elsewhere.',
    );
  }
  const db = new Kysely<DB>({ dialect: pgliteDialect(client) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}
