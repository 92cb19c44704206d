import {
  inSqlSession,
  storedLeadSetTables,
  type Db,
  type DbKind,
  type StoredLeadSetTables,
} from '@accord/db';
import {
  compileSql,
  parseWorkflow,
  runSimulationSql,
  simulationSql,
  type CompiledSideSql,
  type FieldCatalog,
  type SimulationResult,
  type Workflow,
} from '@accord/engine';

/** Where a simulation runs: chosen by size (`auto`), in the database (`sql`) or on worker threads. */
export const SIMULATION_PATHS = ['auto', 'sql', 'workers'] as const;
export type SimulationPath = (typeof SIMULATION_PATHS)[number];

/**
 * Where a run of `leadCount` leads goes: `sql` only on PostgreSQL (embedded PGlite runs in this
 * process, so the workers are faster there); `auto` goes to the database from `sqlMinLeads`
 * leads (ACCORD_SQL_SIMULATION_MIN_LEADS; unset, never: the worker lanes were faster at every
 * size bench:warehouse measured). A reason when `sql` cannot be had.
 * @example choosePath('auto', 'postgres', 2_000_000, 100_000) // { path: 'sql' }
 */
export function choosePath(
  requested: SimulationPath,
  dbKind: DbKind,
  leadCount: number,
  sqlMinLeads: number | undefined,
): { path: 'sql' | 'workers' } | { refused: string } {
  if (requested === 'workers') return { path: 'workers' };
  if (dbKind !== 'postgres')
    return requested === 'sql'
      ? {
          refused:
            'Simulating inside the database needs PostgreSQL; this server runs on embedded PGlite (choose workers or auto).',
        }
      : { path: 'workers' };
  if (requested === 'sql') return { path: 'sql' };
  return {
    path: sqlMinLeads !== undefined && leadCount >= sqlMinLeads ? 'sql' : 'workers',
  };
}

/** What a run inside the database needs: the set, the two documents and their catalogs, asOf. */
export interface DatabaseRunSpec {
  leadSetId: string;
  asOf: Date;
  baseline: unknown;
  candidate: unknown;
  baselineCatalog: FieldCatalog;
  candidateCatalog: FieldCatalog;
  keepChanged?: number;
}

/** A side that SQL cannot evaluate exactly (the run then goes to the workers, or fails if `sql` was asked for). */
export class NotInSql extends Error {}

function compiledSide(
  document: unknown,
  catalog: FieldCatalog,
  tables: StoredLeadSetTables,
  asOf: Date,
  name: string,
): { workflow: Workflow; compiled: CompiledSideSql } {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) throw new NotInSql(`The ${name} is not a valid workflow document.`);
  const columns: Record<string, string> = {};
  for (const field of catalog.fields)
    columns[field.id] = tables.columns.get(`${field.id}\u0000${field.type}`)!;
  const compiled = compileSql(parsed.workflow, catalog, {
    dialect: 'postgres',
    leadsRelation: tables.leads,
    eventsRelation: tables.events,
    columns,
    leadIdColumn: 'key',
    eventColumns: { leadId: 'lead_id', type: 'type', time: 'at', props: 'props' },
    asOf: asOf.toISOString(),
  });
  if (!compiled.ok) {
    const first = compiled.diagnostics[0];
    throw new NotInSql(`The ${name} cannot run as SQL${first ? `: ${first.message}` : ''}.`);
  }
  return { workflow: parsed.workflow, compiled };
}

/**
 * A side-by-side simulation of a stored lead set inside PostgreSQL: both documents compiled to
 * SQL over the set's JSON, evaluated and folded into the aggregates there; only the counts and
 * the changed leads come back. The same result as the worker lanes give.
 * @example const result = await simulateInDatabase(db, spec);
 */
export async function simulateInDatabase(db: Db, spec: DatabaseRunSpec): Promise<SimulationResult> {
  const tables = storedLeadSetTables(spec.leadSetId, [spec.baselineCatalog, spec.candidateCatalog]);
  const baseline = compiledSide(spec.baseline, spec.baselineCatalog, tables, spec.asOf, 'baseline');
  const candidate = compiledSide(
    spec.candidate,
    spec.candidateCatalog,
    tables,
    spec.asOf,
    'candidate',
  );
  const statements = simulationSql({
    baseline: baseline.compiled,
    candidate: candidate.compiled,
    leads: {
      relation: tables.leads,
      key: 'key',
      position: 'position',
      id: 'id',
      converted: 'converted',
    },
    keepChanged: spec.keepChanged,
  });
  return inSqlSession(db, async (run) => {
    // The set read from its JSON once, into typed tables both versions read.
    for (const statement of tables.statements) await run(statement);
    return runSimulationSql(run, statements, {
      baseline: baseline.workflow,
      candidate: candidate.workflow,
    });
  });
}
