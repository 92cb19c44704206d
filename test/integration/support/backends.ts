/**
 * The databases the suites that start the built server run on: embedded PGlite in the app's data
 * directory, and a fresh schema of TEST_DATABASE_URL when it is set (CI sets it).
 */
import { randomBytes } from 'node:crypto';
import { createDb, type AccordDatabase } from '@accord/db';
import pg from 'pg';

export const PG_URL = process.env.TEST_DATABASE_URL;

export interface Backend {
  kind: 'pglite' | 'postgres';
  /** What the app needs in its environment to use this database. */
  env: Record<string, string>;
  /** Creates what the backend needs before the first start. */
  prepare(): Promise<void>;
  /** Opens the app's database directly (the app must not be running for PGlite). */
  open(dataDir: string): Promise<AccordDatabase>;
  cleanup(): Promise<void>;
}

export function pgliteBackend(): Backend {
  return {
    kind: 'pglite',
    env: {},
    prepare: async () => undefined,
    open: (dataDir) => createDb({ dataDir }),
    cleanup: async () => undefined,
  };
}

/**
 * A fresh schema `<prefix>_<hex>` of `url`, which the app uses through
 * `options=-c search_path=…`.
 */
export function postgresBackend(url: string, prefix = 'crash'): Backend {
  const schema = `${prefix}_${randomBytes(4).toString('hex')}`;
  const options = encodeURIComponent(`-c search_path=${schema}`);
  let prepared = false;
  // The schema name is ours (a fixed prefix and hex), so it is safe in the DDL text.
  const ddl = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    kind: 'postgres',
    env: { DATABASE_URL: `${url}${url.includes('?') ? '&' : '?'}options=${options}` },
    async prepare() {
      await ddl(`create schema "${schema}"`);
      prepared = true;
    },
    open: () => createDb({ databaseUrl: url, schema }),
    async cleanup() {
      if (prepared) await ddl(`drop schema if exists "${schema}" cascade`);
    },
  };
}

/** PGlite, and PostgreSQL too when TEST_DATABASE_URL is set: for `describe.each`. */
export function crashBackends(prefix?: string): Backend[] {
  return [pgliteBackend(), ...(PG_URL ? [postgresBackend(PG_URL, prefix)] : [])];
}
