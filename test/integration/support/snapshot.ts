import { sql, type Db } from '@accord/db';

/** Row counts of every table in the current schema, to show that a refused request changed nothing. */
export async function rowCounts(
  db: Db,
  except: readonly string[] = [],
): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE'
    order by table_name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    if (except.includes(table_name)) continue;
    const row = await sql<{
      n: number;
    }>`select count(*)::int as n from ${sql.table(table_name)}`.execute(db);
    counts[table_name] = Number(row.rows[0]!.n);
  }
  return counts;
}
