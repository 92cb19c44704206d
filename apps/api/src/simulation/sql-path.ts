import {
  findTypedLeadSet,
  inSqlSessions,
  leadSlices,
  storedLeadSetRelations,
  typedLeadSetRelations,
  type Db,
  type DbKind,
  type StoredLeadSetRelations,
  type TypedLeadSet,
  type TypedLeadSetRelations,
} from '@accord/db';
import {
  compileSqlSides,
  mergeSimulationSqlRows,
  parseWorkflow,
  simulationResultFromSqlRows,
  simulationSql,
  simulationSqlRows,
  type CompiledSidesSql,
  type FieldCatalog,
  type SqlSide,
  type SimulationResult,
  type Workflow,
} from '@accord/engine';

/** Where a simulation runs: chosen by size (`auto`), in the database (`sql`) or on worker threads. */
export const SIMULATION_PATHS = ['auto', 'sql', 'workers'] as const;
export type SimulationPath = (typeof SIMULATION_PATHS)[number];

/** From this many leads, with a typed copy, `auto` runs inside PostgreSQL (ACCORD_SQL_SIMULATION_MIN_LEADS). */
export const SQL_SIMULATION_MIN_LEADS = 1_000_000;

/**
 * Where a run of `leadCount` leads goes: `sql` only on PostgreSQL (embedded PGlite runs in this
 * process, so the workers are faster there); `auto` goes to the database from `sqlMinLeads`
 * leads (ACCORD_SQL_SIMULATION_MIN_LEADS, default `SQL_SIMULATION_MIN_LEADS`) when the set has a
 * typed copy for the run's catalogs (`typed`): read from its JSON, the database was slower than
 * the worker lanes at every size bench:warehouse measured. A reason when `sql` cannot be had.
 * @example choosePath('auto', 'postgres', 2_000_000, undefined, true) // { path: 'sql' }
 */
export function choosePath(
  requested: SimulationPath,
  dbKind: DbKind,
  leadCount: number,
  sqlMinLeads: number | undefined,
  typed: boolean,
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
    path: typed && leadCount >= (sqlMinLeads ?? SQL_SIMULATION_MIN_LEADS) ? 'sql' : 'workers',
  };
}

/** The set's typed copy, when it has one of this size holding every field of `catalogs`. */
async function usableCopy(
  db: Db,
  leadSetId: string,
  leadCount: number,
  catalogs: readonly FieldCatalog[],
): Promise<TypedLeadSet | null> {
  const copy = await findTypedLeadSet(db, leadSetId);
  return copy?.leadCount === leadCount && typedLeadSetRelations(copy, catalogs) ? copy : null;
}

/** Whether a run inside PostgreSQL of the set with these catalogs would read its typed copy. */
export async function hasTypedCopy(
  db: Db,
  leadSetId: string,
  leadCount: number,
  catalogs: readonly FieldCatalog[],
): Promise<boolean> {
  return (await usableCopy(db, leadSetId, leadCount, catalogs)) !== null;
}

/**
 * Sets of at least this many leads get a typed copy on PostgreSQL (run-manager's
 * `typeLeadSet`): below it a run is quick from the JSON too, and the copy is not worth its space.
 */
export const TYPE_FROM_LEADS = 10_000;

/**
 * Whether a set is typed as soon as it loads: when `auto` would run it inside the database (from
 * `sqlMinLeads`, ACCORD_SQL_SIMULATION_MIN_LEADS). A smaller set is typed after its first run
 * inside the database (asked for with `sql`) instead: typing it at once took a core from the
 * runs people start right after a load (a 100k set's first runs on the workers went from
 * 1.6–1.7 s to 3.3–4.2 s on PostgreSQL) for a copy `auto` never reads.
 */
export function typeAtLoad(leadCount: number, sqlMinLeads: number | undefined): boolean {
  return leadCount >= Math.max(TYPE_FROM_LEADS, sqlMinLeads ?? SQL_SIMULATION_MIN_LEADS);
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
  /** The set's size, for `slices`. */
  leadCount: number;
  /**
   * Slices of the set evaluated at once, each on a connection of its own (default 1). PostgreSQL
   * runs a query's per-lead work on one core (the events' totals are a LATERAL subquery, which
   * its parallel workers cannot take): slices are how the run uses more.
   */
  slices?: number;
}

/** A side that SQL cannot evaluate exactly (the run then goes to the workers, or fails if `sql` was asked for). */
export class NotInSql extends Error {}

function parsed(document: unknown, name: string): Workflow {
  const result = parseWorkflow(document);
  if (!result.ok) throw new NotInSql(`The ${name} is not a valid workflow document.`);
  return result.workflow;
}

/**
 * Both versions in one query over the set's leads (fields and events read once for both): from
 * its typed copy when it has one that covers both catalogs, else from its JSON in place.
 */
function compiledSides(
  spec: DatabaseRunSpec,
  tables: StoredLeadSetRelations | TypedLeadSetRelations,
): { workflows: Record<'baseline' | 'candidate', Workflow>; compiled: CompiledSidesSql } {
  const workflows = {
    baseline: parsed(spec.baseline, 'baseline'),
    candidate: parsed(spec.candidate, 'candidate'),
  };
  const typed = 'eventPropColumns' in tables ? tables : null;
  const sideOf = (workflow: Workflow, catalog: FieldCatalog, index: number): SqlSide => {
    const columns: Record<string, string> = {};
    for (const field of catalog.fields)
      columns[field.id] = tables.columns.get(`${field.id}\u0000${field.type}`)!;
    return {
      workflow,
      catalog,
      columns,
      ...(typed ? { eventPropColumns: typed.eventPropColumns[index] } : {}),
    };
  };
  const compiled = compileSqlSides(
    [
      sideOf(workflows.baseline, spec.baselineCatalog, 0),
      sideOf(workflows.candidate, spec.candidateCatalog, 1),
    ],
    {
      dialect: 'postgres',
      leadsRelation: tables.leads,
      eventsRelation: tables.events,
      leadIdColumn: 'key',
      // The JSON's events are split per lead; the typed copy's are a table, grouped by lead.
      eventsOfLead: !typed,
      eventsInLeadOrder: typed !== null,
      eventColumns: {
        leadId: 'lead_key',
        type: 'type',
        time: 'at',
        props: 'props',
        timeIsEpochMs: true,
      },
      normalizedText: typed !== null,
      asOf: spec.asOf.toISOString(),
      carry: { position: 'position', id: 'id', converted: 'converted' },
    },
  );
  if (!compiled.ok) {
    const first = compiled.diagnostics[0];
    const name = compiled.side === 0 ? 'baseline' : 'candidate';
    throw new NotInSql(`The ${name} cannot run as SQL${first ? `: ${first.message}` : ''}.`);
  }
  const [baseline, candidate] = compiled.sides;
  return {
    workflows,
    compiled: {
      sql: compiled.sql,
      params: compiled.params,
      carried: { position: 'position', id: 'id', converted: 'converted' },
      baseline: baseline!,
      candidate: candidate!,
    },
  };
}

/** A simulation run inside the database, and whether it read the set's typed copy. */
export interface DatabaseSimulation {
  result: SimulationResult;
  typed: boolean;
}

/**
 * A side-by-side simulation of a stored lead set inside PostgreSQL: both documents compiled to
 * one SQL query over the set (its typed copy when it has one for both catalogs, else its JSON),
 * evaluated and folded into the aggregates there; only the counts and the changed leads come
 * back. The same result as the worker lanes give.
 * @example const { result } = await simulateInDatabase(db, spec);
 */
export async function simulateInDatabase(
  db: Db,
  spec: DatabaseRunSpec,
): Promise<DatabaseSimulation> {
  const catalogs = [spec.baselineCatalog, spec.candidateCatalog];
  const copy = await usableCopy(db, spec.leadSetId, spec.leadCount, catalogs);
  try {
    return await simulateFrom(db, spec, copy);
  } catch (error) {
    // The copy was replaced (its tables dropped) between finding it and reading it: the JSON
    // gives the same answers.
    if (copy && (error as { code?: unknown }).code === UNDEFINED_TABLE)
      return simulateFrom(db, spec, null);
    throw error;
  }
}

const UNDEFINED_TABLE = '42P01';

async function simulateFrom(
  db: Db,
  spec: DatabaseRunSpec,
  copy: TypedLeadSet | null,
): Promise<DatabaseSimulation> {
  const catalogs = [spec.baselineCatalog, spec.candidateCatalog];
  const slices = leadSlices(spec.leadCount, spec.slices ?? 1).map((slice) => {
    const tables = copy
      ? typedLeadSetRelations(copy, catalogs, slice)!
      : storedLeadSetRelations(spec.leadSetId, catalogs, slice);
    const { workflows, compiled } = compiledSides(spec, tables);
    return {
      workflows,
      statements: simulationSql({ sides: compiled, keepChanged: spec.keepChanged }),
    };
  });
  const parts = await inSqlSessions(
    db,
    slices.length,
    (run, i) => simulationSqlRows(run, slices[i]!.statements),
    { leadsPerSession: Math.ceil(spec.leadCount / slices.length) },
  );
  const { workflows, statements } = slices[0]!;
  return {
    result: simulationResultFromSqlRows(
      statements.layout,
      mergeSimulationSqlRows(statements.layout, parts),
      workflows,
    ),
    typed: copy !== null,
  };
}
