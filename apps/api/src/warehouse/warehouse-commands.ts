/**
 * `accord simulate` and `accord score`: lead files of any size through versions of a workflow in
 * embedded DuckDB (duckdb-simulation.ts). Versions and their pinned catalogs come from the app
 * database; the leads never enter it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceCatalog, workflowsBySlug, type Db } from '@accord/db';
import { asOfOrNow, parseWorkflow, type FieldCatalog, type SimulationResult } from '@accord/engine';
import type { Command } from 'commander';
import { pinnedCatalog } from '../services/catalogs';
import { versionBySlug } from '../services/workflows';
import {
  catalogReads,
  loadLeadFiles,
  openDuckDb,
  scoreInDuckDb,
  simulateInDuckDb,
  WarehouseInputError,
  type WarehouseSide,
} from './duckdb-simulation';
import { exportMapping, writeMappedExport } from './mapped-export';

/** What the CLI lends these commands: its database and its error with an exit code. */
export interface WarehouseCommandContext {
  withDb: <T>(run: (db: Db) => Promise<T>) => Promise<T>;
  fail: (message: string, exitCode?: number) => Error;
  positiveInt: (value: string, name: string) => number;
}

async function versionSide(
  db: Db,
  ctx: WarehouseCommandContext,
  slug: string,
  number: number | undefined,
): Promise<WarehouseSide & { number: number }> {
  const found = await versionBySlug(db, slug, number);
  if (!found.ok) throw ctx.fail(found.message, 2);
  const { version } = found;
  const parsed = parseWorkflow(version.document);
  if (!parsed.ok) throw ctx.fail(`Version ${version.number} is not a valid workflow document.`);
  // The version's own catalog: a field changed since does not change what it does.
  return {
    number: version.number,
    workflow: parsed.workflow,
    catalog: await pinnedCatalog(db, version.catalog_hash),
  };
}

function asOfOption(ctx: WarehouseCommandContext, value: string | undefined) {
  try {
    return asOfOrNow(value);
  } catch {
    throw ctx.fail(`--as-of "${value}" is not a date.`, 2);
  }
}

/** `--column FIELD=COLUMN`, given any number of times: collected in order. */
function collectColumn(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * The `--column FIELD=COLUMN` flags as field id → column of the table or file, checked: each
 * names a field of one of `catalogs` once, and a column that is not blank.
 * @example fieldColumns(ctx, ['lead_source=Lead Origin'], [catalog]) // Map { 'lead_source' => 'Lead Origin' }
 */
export function fieldColumns(
  ctx: WarehouseCommandContext,
  flags: readonly string[],
  catalogs: readonly FieldCatalog[],
): Map<string, string> {
  const fields = new Set(catalogs.flatMap((c) => c.fields.map((f) => f.id)));
  const columns = new Map<string, string>();
  for (const flag of flags) {
    const at = flag.indexOf('=');
    const field = at < 0 ? '' : flag.slice(0, at).trim();
    const column = at < 0 ? '' : flag.slice(at + 1).trim();
    if (!field || !column)
      throw ctx.fail(`--column "${flag}" is not FIELD=COLUMN (e.g. lead_source="Lead Origin").`, 2);
    if (!fields.has(field))
      throw ctx.fail(
        `--column ${field}=…: the version's catalog has no field "${field}" (accord fields export lists them).`,
        2,
      );
    if (columns.has(field)) throw ctx.fail(`--column names the field "${field}" twice.`, 2);
    columns.set(field, column);
  }
  return columns;
}

/** What `columnOptions` adds, as commander hands it over. */
export interface ColumnFlags {
  column: string[];
  idColumn: string;
}

/** The options every warehouse command takes for columns named otherwise than the fields. */
export function columnOptions(command: Command, what: string): Command {
  return command
    .option(
      '--column <field=column>',
      `read a field from a ${what} column of another name (repeatable)`,
      collectColumn,
      [],
    )
    .option('--id-column <name>', `lead id column of the ${what}`, 'id');
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

/**
 * The comparison as a few aligned lines: leads per stage on both sides, how many moved, and the
 * outcome metrics where the file has outcomes.
 * @example console.log(simulationSummary(result, { baseline: 'v1', candidate: 'v2' }));
 */
export function simulationSummary(
  result: SimulationResult,
  names: { baseline: string; candidate: string },
): string {
  const rows: string[][] = [['stage', names.baseline, names.candidate, 'change']];
  const stageIds = new Set([
    ...result.stages.map((s) => s.id),
    ...Object.keys(result.funnel.baseline),
    ...Object.keys(result.funnel.candidate),
  ]);
  const label = new Map(result.stages.map((s) => [s.id, s.label]));
  for (const id of stageIds) {
    const a = result.funnel.baseline[id] ?? 0;
    const b = result.funnel.candidate[id] ?? 0;
    if (a === 0 && b === 0) continue;
    rows.push([label.get(id) ?? id, String(a), String(b), `${b - a >= 0 ? '+' : ''}${b - a}`]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '),
  );
  lines.push(
    '',
    `${result.leads} leads; ${result.changed.total} changed stage (${pct(result.leads ? result.changed.total / result.leads : 0)}).`,
  );
  if (result.outcomes) {
    const { baseline: a, candidate: b } = result.outcomes;
    lines.push(
      `${a.leadsWithOutcome} leads with an outcome, ${a.converted} converted (${pct(a.baseRate)}).`,
      `MQL or better: precision ${pct(a.precision)} → ${pct(b.precision)}, recall ${pct(a.recall)} → ${pct(b.recall)}, lift ${a.lift.toFixed(2)} → ${b.lift.toFixed(2)}.`,
    );
  }
  return lines.join('\n');
}

/** A size DuckDB reads as a memory limit: a number and a unit, such as `512MB` or `4GB`. */
const MEMORY_SIZE = /^[0-9]{1,9}(?:\.[0-9]{1,3})? ?(?:[KMGT]i?B)$/i;

function memoryLimitOption(ctx: WarehouseCommandContext, value: string | undefined) {
  if (value === undefined || MEMORY_SIZE.test(value)) return value;
  throw ctx.fail(`--memory-limit "${value}" is not a size such as 512MB or 4GB.`, 2);
}

async function withLeadFiles<T>(
  ctx: WarehouseCommandContext,
  input: {
    in: string;
    events?: string;
    memoryLimit?: string;
    sides: WarehouseSide[];
    columns: ColumnFlags;
    outcomeColumn?: string;
    /** `--mapping`: read the CSV export as the app's import does, to the workspace's catalog. */
    mapping?: { flag: string; catalog: FieldCatalog };
  },
  run: (
    connection: Awaited<ReturnType<typeof openDuckDb>>['connection'],
    leads: Awaited<ReturnType<typeof loadLeadFiles>>,
  ) => Promise<T>,
): Promise<T> {
  // What does not fit in memory goes to a directory of its own, removed afterwards (DuckDB's
  // default would be .tmp in whatever directory the command runs in).
  const spillDirectory = mkdtempSync(join(tmpdir(), 'accord-duckdb-'));
  const duck = await openDuckDb({
    spillDirectory,
    ...(input.memoryLimit ? { memoryLimit: input.memoryLimit } : {}),
  }).catch((error: unknown) => {
    rmSync(spillDirectory, { recursive: true, force: true });
    throw error;
  });
  try {
    const catalogs = input.sides.map((s) => s.catalog);
    const leads = await loadLeadFiles(duck.connection, {
      leads: input.mapping
        ? await mappedLeads(ctx, input, input.mapping, join(spillDirectory, 'mapped-leads.ndjson'))
        : input.in,
      events: input.events,
      catalogs,
      columns: fieldColumns(ctx, input.columns.column, catalogs),
      idColumn: input.columns.idColumn,
      outcomeColumn: input.outcomeColumn,
      reads: catalogReads(input.sides.map((s) => s.workflow)),
    });
    return await run(duck.connection, leads);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('Out of Memory Error'))
      throw ctx.fail(
        `${message.split('\n')[0]} DuckDB needs more memory for this file: raise --memory-limit (its default is 80% of RAM).`,
        2,
      );
    if (error instanceof WarehouseInputError) throw ctx.fail(error.message, 2);
    throw error;
  } finally {
    duck.close();
    rmSync(spillDirectory, { recursive: true, force: true });
  }
}

/**
 * The CSV export of `--in` read as the app's import reads it with `--mapping`, written as lead
 * documents to `out` (answered); what the import made of it goes to stderr.
 */
async function mappedLeads(
  ctx: WarehouseCommandContext,
  input: { in: string; events?: string; columns: ColumnFlags; outcomeColumn?: string },
  { flag, catalog }: { flag: string; catalog: FieldCatalog },
  out: string,
) {
  if (!input.in.toLowerCase().endsWith('.csv'))
    throw ctx.fail(`--mapping reads a .csv export; ${input.in} is not one.`, 2);
  if (
    input.events ||
    input.columns.column.length ||
    input.columns.idColumn !== 'id' ||
    input.outcomeColumn
  )
    throw ctx.fail(
      '--mapping says what every column is (events and outcome included): leave out --events, --column, --id-column and --outcome-column.',
      2,
    );
  const mapping = await exportMapping(flag, input.in, catalog);
  const mapped = await writeMappedExport(input.in, mapping, catalog, out);
  const lines = [
    `Read ${input.in} as the import would: ${plural(mapped.rows, 'row')}, ${plural(mapped.leads, 'lead')}` +
      `${mapped.refused ? `, ${plural(mapped.refused, 'row')} refused` : ''}` +
      `${mapped.cellsLeftOut ? `, ${plural(mapped.cellsLeftOut, 'cell')} left out` : ''}.`,
    ...mapped.problems.map((p) => `  ${p}`),
  ];
  if (flag === 'auto')
    lines.push(
      'Mapping (the one the import page suggests; save it as JSON, edit it and pass it to --mapping):',
      JSON.stringify(mapping),
    );
  console.error(lines.join('\n'));
  return out;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** The live catalog of the workspace of the workflow `slug`: the one an import coerces to. */
async function importCatalog(db: Db, ctx: WarehouseCommandContext, slug: string) {
  const [workflow] = await workflowsBySlug(db, slug);
  if (!workflow) throw ctx.fail(`No workflow "${slug}".`, 2);
  return (await findWorkspaceCatalog(db, workflow.workspace_id)).catalog;
}

/** The options `simulate` and `score` share: when to evaluate, and how much memory DuckDB may use. */
function evaluationOptions(command: Command): Command {
  return command
    .option('--as-of <date>', 'evaluation time (ISO 8601; default now)')
    .option(
      '--memory-limit <size>',
      'most memory DuckDB may use before it spills to a temporary directory (e.g. 2GB; default 80% of RAM)',
    )
    .option(
      '--mapping <file|auto>',
      "read a CSV export as the app's import does: a mapping JSON file, or auto for the suggested one",
    );
}

/** What `evaluationOptions` adds, as commander hands it over. */
interface EvaluationFlags {
  asOf?: string;
  memoryLimit?: string;
  mapping?: string;
}

/** The evaluation time and DuckDB's memory limit from `evaluationOptions`' flags, checked. */
function evaluationSettings(ctx: WarehouseCommandContext, flags: EvaluationFlags) {
  return {
    asOf: asOfOption(ctx, flags.asOf),
    memoryLimit: memoryLimitOption(ctx, flags.memoryLimit),
  };
}

/** Registers `simulate` and `score` on the CLI program. */
export function registerWarehouseCommands(program: Command, ctx: WarehouseCommandContext) {
  const simulate = program
    .command('simulate')
    .description(
      'compare two versions on a lead file of any size in embedded DuckDB; prints the aggregates',
    )
    .requiredOption(
      '--in <file>',
      'leads: .csv (id, field ids, optional converted), .parquet, or .ndjson lead documents',
    )
    .option('--events <file>', 'events: .csv or .parquet (lead_id, type, at, props as JSON)')
    .requiredOption('--workflow <slug>', 'workflow slug')
    .requiredOption('--baseline <n>', 'baseline version number', (v) =>
      ctx.positiveInt(v, '--baseline'),
    )
    .requiredOption('--candidate <n>', 'candidate version number', (v) =>
      ctx.positiveInt(v, '--candidate'),
    );
  evaluationOptions(columnOptions(simulate, 'leads file'))
    .option(
      '--outcome-column <name>',
      'column saying whether each lead converted (yes/no, true/false, 1/0; default converted)',
    )
    .option('--json', 'print the whole result as JSON')
    .action(
      (
        opts: EvaluationFlags &
          ColumnFlags & {
            in: string;
            events?: string;
            workflow: string;
            baseline: number;
            candidate: number;
            json?: boolean;
            outcomeColumn?: string;
          },
      ) =>
        ctx.withDb(async (db) => {
          const { asOf, memoryLimit } = evaluationSettings(ctx, opts);
          const baseline = await versionSide(db, ctx, opts.workflow, opts.baseline);
          const candidate = await versionSide(db, ctx, opts.workflow, opts.candidate);
          const result = await withLeadFiles(
            ctx,
            {
              in: opts.in,
              events: opts.events,
              memoryLimit,
              sides: [baseline, candidate],
              columns: opts,
              outcomeColumn: opts.outcomeColumn,
              ...(opts.mapping
                ? {
                    mapping: {
                      flag: opts.mapping,
                      catalog: await importCatalog(db, ctx, opts.workflow),
                    },
                  }
                : {}),
            },
            (connection, leads) =>
              simulateInDuckDb(connection, leads, { baseline, candidate, asOf }),
          );
          console.log(
            opts.json
              ? JSON.stringify(result)
              : simulationSummary(result, {
                  baseline: `version ${baseline.number}`,
                  candidate: `version ${candidate.number}`,
                }),
          );
        }),
    );

  const score = program
    .command('score')
    .description(
      'write lead id, stage and scores of every lead of a file (.csv, .parquet or .ndjson)',
    )
    .requiredOption(
      '--in <file>',
      'leads: .csv (id, field ids), .parquet, or .ndjson lead documents',
    )
    .option('--events <file>', 'events: .csv or .parquet (lead_id, type, at, props as JSON)')
    .requiredOption('--out <file>', 'results: .csv or .parquet')
    .requiredOption('--workflow <slug>', 'workflow slug')
    .option('--version <n>', 'version number (default: the published one)', (v) =>
      ctx.positiveInt(v, '--version'),
    );
  evaluationOptions(columnOptions(score, 'leads file')).action(
    (
      opts: EvaluationFlags &
        ColumnFlags & {
          in: string;
          events?: string;
          out: string;
          workflow: string;
          version?: number;
        },
    ) =>
      ctx.withDb(async (db) => {
        const { asOf, memoryLimit } = evaluationSettings(ctx, opts);
        const side = await versionSide(db, ctx, opts.workflow, opts.version);
        const written = await withLeadFiles(
          ctx,
          {
            in: opts.in,
            events: opts.events,
            memoryLimit,
            sides: [side],
            columns: opts,
            ...(opts.mapping
              ? {
                  mapping: {
                    flag: opts.mapping,
                    catalog: await importCatalog(db, ctx, opts.workflow),
                  },
                }
              : {}),
          },
          (connection, leads) => scoreInDuckDb(connection, leads, { side, asOf, out: opts.out }),
        );
        console.log(
          `Scored ${written} leads with version ${side.number} of ${opts.workflow}. Results in ${opts.out}.`,
        );
      }),
  );
}
