import { sql, type Kysely } from 'kysely';

/**
 * Leads are documents written once and read whole, page by page, by simulations; nothing
 * queries inside them. `json` keeps the text as written, so reading a page costs no conversion,
 * where `jsonb` is re-serialised on every read (measured: pages of the 100k-lead bench read about
 * twice as fast on PGlite, a quarter faster on PostgreSQL). A query inside a lead can still cast
 * `data::jsonb`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads alter column data type json using data::json`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table leads alter column data type jsonb using data::jsonb`.execute(db);
}
