/**
 * `accord sql`: a version of a workflow as a `create or replace view` a team runs in its own
 * warehouse (PostgreSQL or DuckDB): the compiled query with its parameters inlined as quoted
 * literals (a view cannot bind them), under a header naming the version and its hashes.
 */
import type { Db } from '@accord/db';
import {
  compileSql,
  inlineParams,
  parseWorkflow,
  quoteIdent,
  type FieldCatalog,
  type SqlDialect,
  type Workflow,
} from '@accord/engine';
import type { Command } from 'commander';
import { pinnedCatalog } from '../services/catalogs';
import { versionBySlug } from '../services/workflows';
import {
  columnOptions,
  fieldColumns,
  type ColumnFlags,
  type WarehouseCommandContext,
} from './warehouse-commands';

export interface SqlViewInput {
  workflow: Workflow;
  catalog: FieldCatalog;
  slug: string;
  version: number;
  workflowHash: string;
  catalogHash: string;
  dialect: SqlDialect;
  leadsTable: string;
  eventsTable?: string;
  viewName?: string;
  leadIdColumn?: string;
  /** Field id → column of the leads table, for fields whose column has another name. */
  columns?: ReadonlyMap<string, string>;
  asOf?: string;
}

/** A possibly schema-qualified table name (`analytics.leads`), each part quoted. */
export function qualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.some((p) => p === '')) throw new RangeError(`"${name}" is not a table name`);
  return parts.map(quoteIdent).join('.');
}

/** A header line: JSON-quoted, so a name can never end the comment. */
const comment = (text: string) => `-- ${text.replace(/[\r\n\u2028\u2029]/g, ' ')}`;

/**
 * The view definition for one version, or the reasons it cannot be written.
 * @example sqlView({ workflow, catalog, slug: 'b2b', version: 3, workflowHash, catalogHash, dialect: 'duckdb', leadsTable: 'leads', eventsTable: 'events' })
 */
export function sqlView(
  input: SqlViewInput,
): { ok: true; sql: string } | { ok: false; errors: string[] } {
  let leadsRelation: string;
  let eventsRelation: string | undefined;
  try {
    leadsRelation = qualifiedName(input.leadsTable);
    eventsRelation = input.eventsTable === undefined ? undefined : qualifiedName(input.eventsTable);
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
  const compiled = compileSql(input.workflow, input.catalog, {
    dialect: input.dialect,
    leadsRelation,
    eventsRelation,
    leadIdColumn: input.leadIdColumn,
    columns: input.columns ? Object.fromEntries(input.columns) : undefined,
    asOf: input.asOf,
  });
  if (!compiled.ok) return { ok: false, errors: compiled.diagnostics.map((d) => d.message) };
  const view = qualifiedName(
    input.viewName ?? `accord_${input.slug.replace(/[^a-z0-9_]/gi, '_')}_v${input.version}`,
  );
  const header = [
    comment(`Accord agreement ${JSON.stringify(input.slug)}, version ${input.version}`),
    comment(`workflow hash ${JSON.stringify(input.workflowHash)}`),
    comment(`catalog hash ${JSON.stringify(input.catalogHash)}`),
    comment(
      `dialect ${input.dialect}; evaluated as of ${input.asOf === undefined ? 'now() when queried' : JSON.stringify(input.asOf)}`,
    ),
    comment(
      `reads ${leadsRelation} (one row per lead, a column per catalog field)${eventsRelation ? ` and ${eventsRelation} (lead_id, type, at, props)` : ''}`,
    ),
    ...[...(input.columns ?? [])].map(([field, column]) =>
      comment(`field ${JSON.stringify(field)} <- column ${JSON.stringify(column)}`),
    ),
    comment('columns: lead_id, stage, one per score, fired (the rule keys below that fired)'),
    ...Object.entries(compiled.scoreColumns).map(([id, col]) =>
      comment(`score ${JSON.stringify(id)} -> column ${JSON.stringify(col)}`),
    ),
    ...compiled.ruleKeys.map((k, i) =>
      comment(
        `rule ${i}: node ${JSON.stringify(k.nodeId)}${k.rowId === undefined ? '' : ` row ${JSON.stringify(k.rowId)}`}`,
      ),
    ),
  ];
  let body: string;
  try {
    body = inlineParams(compiled, input.dialect);
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
  return { ok: true, sql: `${header.join('\n')}\nCREATE OR REPLACE VIEW ${view} AS\n${body};\n` };
}

async function findVersion(db: Db, ctx: WarehouseCommandContext, slug: string, number?: number) {
  const found = await versionBySlug(db, slug, number);
  if (!found.ok) throw ctx.fail(found.message, 2);
  return found.version;
}

/** Registers `accord sql`. */
export function registerSqlCommand(program: Command, ctx: WarehouseCommandContext) {
  const command = program
    .command('sql')
    .description(
      'print a version as a SQL view (PostgreSQL or DuckDB) to run in your own warehouse',
    )
    .requiredOption('--workflow <slug>', 'workflow slug')
    .option('--version <n>', 'version number (default: the published one)', (v) =>
      ctx.positiveInt(v, '--version'),
    )
    .requiredOption('--dialect <dialect>', 'postgres or duckdb')
    .requiredOption(
      '--leads-table <name>',
      'leads table or view (one column per catalog field, plus id)',
    )
    .option(
      '--events-table <name>',
      'events table or view (lead_id, type, at, props); needed when rules read events',
    )
    .option('--view <name>', 'name of the view (default accord_<slug>_v<N>)')
    .option('--as-of <date>', 'evaluate as of this date instead of now() at query time');
  columnOptions(command, 'leads table').action(
    (
      opts: ColumnFlags & {
        workflow: string;
        version?: number;
        dialect: string;
        leadsTable: string;
        eventsTable?: string;
        view?: string;
        asOf?: string;
      },
    ) => {
      if (opts.dialect !== 'postgres' && opts.dialect !== 'duckdb')
        throw ctx.fail(`--dialect must be postgres or duckdb, not "${opts.dialect}".`, 2);
      if (opts.asOf !== undefined && !Number.isFinite(Date.parse(opts.asOf)))
        throw ctx.fail(`--as-of "${opts.asOf}" is not a date.`, 2);
      const dialect: SqlDialect = opts.dialect;
      return ctx.withDb(async (db) => {
        const version = await findVersion(db, ctx, opts.workflow, opts.version);
        const parsed = parseWorkflow(version.document);
        if (!parsed.ok)
          throw ctx.fail(`Version ${version.number} is not a valid workflow document.`);
        // The version's own catalog: a field changed since does not change what it does.
        const catalog = await pinnedCatalog(db, version.catalog_hash);
        const out = sqlView({
          workflow: parsed.workflow,
          catalog,
          slug: opts.workflow,
          version: version.number,
          workflowHash: version.compiled_hash,
          catalogHash: version.catalog_hash,
          dialect,
          leadsTable: opts.leadsTable,
          eventsTable: opts.eventsTable,
          viewName: opts.view,
          leadIdColumn: opts.idColumn,
          columns: fieldColumns(ctx, opts.column, [catalog]),
          asOf: opts.asOf,
        });
        if (!out.ok)
          throw ctx.fail(
            `Version ${version.number} cannot be written as SQL: ${out.errors.join('; ')}`,
            2,
          );
        process.stdout.write(out.sql);
      });
    },
  );
}
