import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { migrations } from '../migrations';
import type { Db } from './create-db';
import type { DB } from './database';
import { verifyAuditChain } from './repositories/audit';
import { dropAllTypedLeadSets, TYPED_COPY_TABLE } from './repositories/typed-lead-sets';

/** The first field of every backup's header line. */
export const BACKUP_FORMAT = 'accord-backup';
/** Bumped whenever the layout of a backup file changes; a restore refuses other versions. */
export const BACKUP_FORMAT_VERSION = 1;

/**
 * Tables a fresh migration already fills: catalog snapshots are content-addressed (their key is
 * the hash of their content), so rows there do not make a database "in use".
 */
const FILLED_BY_MIGRATIONS: ReadonlySet<string> = new Set(['catalog_snapshots']);
/** Rows fetched from the cursor, and rows sent per insert, at a time. */
const BATCH_ROWS = 1_000;
/** Longest line a restore reads (a lead's JSON is capped far below; a row is one line). */
export const MAX_BACKUP_LINE_BYTES = 64 * 1024 * 1024;

export interface BackupTable {
  name: string;
  columns: string[];
  rows: number;
}

/** The first line of a backup file. */
export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: typeof BACKUP_FORMAT_VERSION;
  /** The newest migration of the database it was taken from. */
  migration: string;
  createdAt: string;
  /** In dependency order: a table comes after every table it references. */
  tables: BackupTable[];
}

/** The last line: the row total and the SHA-256 of every line before it (each with its `\n`). */
export interface BackupFooter {
  end: true;
  rows: number;
  sha256: string;
}

export interface BackupSummary {
  migration: string;
  tables: number;
  rows: number;
  auditEvents: number;
  /** The hash of the newest audit event (the chain's head), or null when there is none. */
  auditHead: string | null;
}

/** A backup or restore refused; the message says why (a refused restore wrote nothing). */
export class BackupRefused extends Error {
  override name = 'BackupRefused';
}

interface TableShape {
  name: string;
  columns: { name: string; type: string }[];
  primaryKey: string[];
  identity: string[];
  hasUserTriggers: boolean;
}

/**
 * Writes a logical backup of every table of the current schema (Kysely's migration bookkeeping
 * aside) as NDJSON lines: a header (format version, newest migration, tables in dependency order
 * with their columns and row counts), then per table a `{"table": name}` line and one line per
 * row (a JSON array of each column's PostgreSQL text form, so bytea, jsonb, numbers and
 * timestamps come back exactly), then a footer with a SHA-256 of all lines before it. Everything
 * is read in one repeatable-read transaction: the counts and rows are one snapshot.
 * @example await writeBackup(db, (line) => out.write(`${line}\n`));
 */
export async function writeBackup(
  db: Db,
  write: (line: string) => unknown,
  now: Date = new Date(),
): Promise<BackupSummary> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      await sql`set transaction read only`.execute(trx);
      await sql`set local datestyle = 'ISO, YMD'`.execute(trx);
      const shapes = await tableShapes(trx);
      const tables: BackupTable[] = [];
      for (const shape of shapes)
        tables.push({
          name: shape.name,
          columns: shape.columns.map((c) => c.name),
          rows: await rowCount(trx, shape.name),
        });
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_FORMAT_VERSION,
        migration: await currentMigration(trx),
        createdAt: now.toISOString(),
        tables,
      };
      const hash = createHash('sha256');
      const emit = async (line: string) => {
        hash.update(`${line}\n`);
        await write(line);
      };
      await emit(JSON.stringify(header));
      let total = 0;
      for (const shape of shapes) {
        await emit(JSON.stringify({ table: shape.name }));
        const values = sql.join(shape.columns.map((c) => sql`${sql.ref(c.name)}::text`));
        const order = sql.join(shape.primaryKey.map((c) => sql.ref(c)));
        await sql`declare backup_rows no scroll cursor for
          select json_build_array(${values})::text as line from ${sql.table(shape.name)}
          order by ${order}`.execute(trx);
        for (;;) {
          const { rows } = await sql<{
            line: string;
          }>`fetch forward ${sql.lit(BATCH_ROWS)} from backup_rows`.execute(trx);
          for (const row of rows) await emit(row.line);
          total += rows.length;
          if (rows.length < BATCH_ROWS) break;
        }
        await sql`close backup_rows`.execute(trx);
      }
      const footer: BackupFooter = { end: true, rows: total, sha256: hash.digest('hex') };
      await write(JSON.stringify(footer));
      return {
        migration: header.migration,
        tables: tables.length,
        rows: total,
        ...(await auditState(trx)),
      };
    });
}

/**
 * Restores a backup (its lines, as `writeBackup` wrote them) in one transaction: the target must be
 * at the backup's migration and empty (a fresh, migrated database) unless `force`, which wipes it
 * first in the same transaction. Before committing, the restored audit chain is verified from its
 * first event, then the row counts and the file's checksum; any failure throws BackupRefused and
 * nothing is written.
 * @example await restoreBackup(db, lines(file), { force: false });
 */
export async function restoreBackup(
  db: Db,
  lines: AsyncIterable<string>,
  options: { force?: boolean } = {},
): Promise<BackupSummary> {
  const reader = lines[Symbol.asyncIterator]();
  const hash = createHash('sha256');
  let lineNumber = 0;
  const next = async (): Promise<string | undefined> => {
    const step = await reader.next();
    if (step.done) return undefined;
    lineNumber++;
    return step.value;
  };
  const first = await next();
  if (first === undefined) throw new BackupRefused('The backup file is empty.');
  const header = parseHeader(first);
  hash.update(`${first}\n`);
  const newest = Object.keys(migrations).sort().at(-1)!;
  if (!(header.migration in migrations))
    throw new BackupRefused(
      `The backup was made by a newer Accord (its database was at migration ${header.migration}; ` +
        `the newest this Accord knows is ${newest}). Upgrade Accord, then restore it.`,
    );
  try {
    return await db.transaction().execute(async (trx) => {
      await sql`set local datestyle = 'ISO, YMD'`.execute(trx);
      const at = await currentMigration(trx);
      if (at !== header.migration)
        throw new BackupRefused(
          `The backup was made at migration ${header.migration} but this database is at ${at}. ` +
            'Restore it into a database of the Accord release that wrote it, then upgrade.',
        );
      const shapes = await tableShapes(trx);
      checkTables(header, shapes);
      if (!options.force) {
        const used = [];
        for (const shape of shapes)
          if (!FILLED_BY_MIGRATIONS.has(shape.name) && (await rowCount(trx, shape.name)) > 0)
            used.push(shape.name);
        if (used.length > 0)
          throw new BackupRefused(
            `The target database is not empty (rows in ${used.join(', ')}). Restore into a fresh ` +
              'database, or pass --force to replace everything in this one.',
          );
      }
      const byName = new Map(shapes.map((s) => [s.name, s]));
      const guarded = shapes.filter((s) => s.hasUserTriggers);
      // The audit log's append-only triggers refuse the wipe; DDL is transactional, so they are
      // off only inside this transaction.
      for (const shape of guarded)
        await sql`alter table ${sql.table(shape.name)} disable trigger user`.execute(trx);
      await sql`truncate ${sql.join(shapes.map((s) => sql.table(s.name)))} restart identity`.execute(
        trx,
      );
      // Typed copies are derived from the sets replaced here: runs read the JSON until remade.
      await dropAllTypedLeadSets(trx);
      let total = 0;
      const counted = new Map<string, number>();
      let line = await next();
      for (const expected of header.tables) {
        const shape = byName.get(expected.name)!;
        if (line === undefined)
          throw new BackupRefused(
            `The backup ends before table ${expected.name} (line ${lineNumber}).`,
          );
        const section = parseJsonLine(line, lineNumber) as { table?: unknown };
        if (section?.table !== expected.name)
          throw new BackupRefused(
            `Line ${lineNumber}: expected the start of table ${expected.name}, found ${truncate(line)}.`,
          );
        hash.update(`${line}\n`);
        let batch: (string | null)[][] = [];
        let rows = 0;
        for (;;) {
          line = await next();
          if (line === undefined || !line.startsWith('[')) break;
          hash.update(`${line}\n`);
          batch.push(parseRow(line, lineNumber, shape.columns.length));
          rows++;
          if (batch.length >= BATCH_ROWS) {
            await insertRows(trx, shape, batch);
            batch = [];
          }
        }
        if (batch.length > 0) await insertRows(trx, shape, batch);
        counted.set(expected.name, rows);
        total += rows;
      }
      if (line === undefined)
        throw new BackupRefused('The backup has no footer: the file is cut short.');
      const parsedFooter = parseJsonLine(line, lineNumber) as Partial<BackupFooter> | null;
      if (parsedFooter?.end !== true)
        throw new BackupRefused(
          `Line ${lineNumber}: expected a table or the footer, found ${truncate(line)}.`,
        );
      const footer = parsedFooter as BackupFooter;
      if ((await next()) !== undefined)
        throw new BackupRefused(`Line ${lineNumber}: the backup goes on after its footer.`);

      for (const shape of shapes)
        for (const column of shape.identity)
          await sql`select setval(pg_get_serial_sequence(${shape.name}, ${column}),
            coalesce((select max(${sql.ref(column)}) from ${sql.table(shape.name)}), 0) + 1, false)`.execute(
            trx,
          );
      for (const shape of guarded)
        await sql`alter table ${sql.table(shape.name)} enable trigger user`.execute(trx);

      // The audit chain first: a file edited with care (counts and checksum redone) still fails
      // here, and the message names the first event that does not check out.
      const chain = await verifyAuditChain(trx);
      if (!chain.ok) {
        const event =
          chain.brokenEventId === null
            ? undefined
            : await trx
                .selectFrom('audit_events')
                .select(['action', 'at'])
                .where('id', '=', chain.brokenEventId)
                .executeTakeFirst();
        const what = event ? ` (${event.action} at ${event.at.toISOString()})` : '';
        throw new BackupRefused(
          `The backup's audit chain does not verify: ${chain.reason}${what}. Nothing was restored.`,
        );
      }
      for (const expected of header.tables)
        if (counted.get(expected.name) !== expected.rows)
          throw new BackupRefused(
            `Table ${expected.name} has ${counted.get(expected.name)} rows in the backup but its header says ${expected.rows}.`,
          );
      const digest = hash.digest('hex');
      if (footer.sha256 !== digest || footer.rows !== total)
        throw new BackupRefused(
          'The backup file does not match its checksum: it was changed or damaged after it was written.',
        );
      return {
        migration: header.migration,
        tables: shapes.length,
        rows: total,
        ...(await auditState(trx)),
      };
    });
  } catch (error) {
    if (error instanceof BackupRefused) throw error;
    throw new BackupRefused(
      `The backup could not be restored (line ${lineNumber}): ${(error as Error).message}. Nothing was restored.`,
    );
  }
}

async function insertRows(trx: Transaction<DB>, shape: TableShape, rows: (string | null)[][]) {
  const columns = sql.join(shape.columns.map((c) => sql.ref(c.name)));
  const values = sql.join(
    shape.columns.map((c, i) => sql`(r->>${sql.lit(i)})::${sql.raw(c.type)}`),
  );
  const overriding = shape.identity.length > 0 ? sql`overriding system value` : sql``;
  await sql`insert into ${sql.table(shape.name)} (${columns}) ${overriding}
    select ${values} from json_array_elements(${JSON.stringify(rows)}::json) as r`.execute(trx);
}

/** Tables of the current schema in dependency order, with their columns, key and identities. */
async function tableShapes(trx: Transaction<DB>): Promise<TableShape[]> {
  const { rows: columns } = await sql<{
    table: string;
    column: string;
    type: string;
    identity: string;
  }>`select c.relname as table, a.attname as column,
      format_type(a.atttypid, a.atttypmod) as type, a.attidentity::text as identity
    from pg_class c join pg_attribute a on a.attrelid = c.oid
    where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
      and c.relname not like 'kysely_migration%' and c.relname !~ ${TYPED_COPY_TABLE}
      and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
    order by c.relname, a.attnum`.execute(trx);
  const { rows: keys } = await sql<{ table: string; column: string }>`
    select c.relname as table, a.attname as column
    from pg_index i join pg_class c on c.oid = i.indrelid
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any(i.indkey::int2[])
    where i.indisprimary and c.relnamespace = current_schema()::regnamespace
    order by c.relname, array_position(i.indkey::int2[], a.attnum)`.execute(trx);
  const { rows: references } = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
    where k.contype = 'f' and k.connamespace = current_schema()::regnamespace`.execute(trx);
  const { rows: triggers } = await sql<{ table: string }>`
    select distinct c.relname as table from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where not t.tgisinternal and c.relnamespace = current_schema()::regnamespace`.execute(trx);
  const shapes = new Map<string, TableShape>();
  for (const row of columns) {
    let shape = shapes.get(row.table);
    if (!shape)
      shapes.set(
        row.table,
        (shape = {
          name: row.table,
          columns: [],
          primaryKey: [],
          identity: [],
          hasUserTriggers: triggers.some((t) => t.table === row.table),
        }),
      );
    shape.columns.push({ name: row.column, type: row.type });
    if (row.identity !== '') shape.identity.push(row.column);
  }
  for (const key of keys) shapes.get(key.table)?.primaryKey.push(key.column);
  for (const shape of shapes.values())
    if (shape.primaryKey.length === 0)
      // Every row still comes out; only its order in the file is then the table's own.
      shape.primaryKey = shape.columns.map((c) => c.name);
  return dependencyOrder(
    [...shapes.values()],
    references.filter((r) => r.child !== r.parent && shapes.has(r.child) && shapes.has(r.parent)),
  );
}

/** Parents before children (Kahn's algorithm, ties by name, so the order is stable). */
function dependencyOrder(
  shapes: TableShape[],
  references: { child: string; parent: string }[],
): TableShape[] {
  const waiting = new Map(shapes.map((s) => [s.name, new Set<string>()]));
  for (const r of references) waiting.get(r.child)!.add(r.parent);
  const ordered: TableShape[] = [];
  const byName = new Map(shapes.map((s) => [s.name, s]));
  while (waiting.size > 0) {
    const ready = [...waiting].filter(([, parents]) => parents.size === 0).map(([name]) => name);
    if (ready.length === 0)
      throw new Error(
        `The tables ${[...waiting.keys()].join(', ')} reference each other in a cycle.`,
      );
    for (const name of ready.sort()) {
      ordered.push(byName.get(name)!);
      waiting.delete(name);
      for (const parents of waiting.values()) parents.delete(name);
    }
  }
  return ordered;
}

/** The backup's tables and columns must be this database's, in the same order. */
function checkTables(header: BackupHeader, shapes: TableShape[]) {
  const here = new Map(shapes.map((s) => [s.name, s]));
  for (const table of header.tables) {
    const shape = here.get(table.name);
    if (!shape)
      throw new BackupRefused(`The backup has a table ${table.name} this database lacks.`);
    const columns = shape.columns.map((c) => c.name).join(', ');
    if (table.columns.join(', ') !== columns)
      throw new BackupRefused(
        `Table ${table.name} has the columns (${table.columns.join(', ')}) in the backup but (${columns}) here.`,
      );
  }
  const missing = shapes.filter((s) => !header.tables.some((t) => t.name === s.name));
  if (missing.length > 0)
    throw new BackupRefused(
      `The backup lacks the table${missing.length === 1 ? '' : 's'} ${missing.map((s) => s.name).join(', ')}.`,
    );
}

function parseHeader(line: string): BackupHeader {
  const header = parseJsonLine(line, 1) as Partial<BackupHeader> | null;
  if (header?.format !== BACKUP_FORMAT)
    throw new BackupRefused(
      'This is not an Accord backup (its first line has no "format": "accord-backup").',
    );
  if (header.version !== BACKUP_FORMAT_VERSION)
    throw new BackupRefused(
      `The backup has format version ${JSON.stringify(header.version)}; this Accord reads version ${BACKUP_FORMAT_VERSION}.`,
    );
  const tablesOk =
    Array.isArray(header.tables) &&
    header.tables.every(
      (t) =>
        typeof t?.name === 'string' &&
        Number.isSafeInteger(t.rows) &&
        t.rows >= 0 &&
        Array.isArray(t.columns) &&
        t.columns.every((c) => typeof c === 'string'),
    );
  if (typeof header.migration !== 'string' || typeof header.createdAt !== 'string' || !tablesOk)
    throw new BackupRefused('The backup header is damaged (migration, createdAt or tables).');
  return header as BackupHeader;
}

function parseJsonLine(line: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw new BackupRefused(`Line ${lineNumber} of the backup is not JSON: ${truncate(line)}.`);
  }
}

function parseRow(line: string, lineNumber: number, columns: number): (string | null)[] {
  const row = parseJsonLine(line, lineNumber);
  if (
    !Array.isArray(row) ||
    row.length !== columns ||
    !row.every((v) => v === null || typeof v === 'string')
  )
    throw new BackupRefused(
      `Line ${lineNumber}: a row must be an array of ${columns} strings or nulls.`,
    );
  return row as (string | null)[];
}

const truncate = (line: string) =>
  JSON.stringify(line.length > 80 ? `${line.slice(0, 80)}…` : line);

async function rowCount(trx: Transaction<DB>, table: string): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int8 as n from ${sql.table(table)}`.execute(trx);
  return Number(rows[0]!.n);
}

async function currentMigration(trx: Transaction<DB>): Promise<string> {
  const { rows } = await sql<{
    name: string;
  }>`select name from kysely_migration order by name desc limit 1`.execute(trx);
  return rows[0]?.name ?? '(none)';
}

async function auditState(trx: Transaction<DB>) {
  const head = await trx
    .selectFrom('audit_events')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const { rows } = await sql<{ n: number }>`select count(*)::int8 as n from audit_events`.execute(
    trx,
  );
  return { auditEvents: Number(rows[0]!.n), auditHead: head?.hash ?? null };
}
