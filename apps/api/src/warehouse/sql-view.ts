/**
 * `accord sql`: a version of a workflow as a `create or replace view` a team runs in its own
 * warehouse (PostgreSQL or DuckDB), or as a dbt model: the compiled query with its parameters
 * inlined as quoted literals (a view cannot bind them), under a header naming the version and
 * its hashes.
 */
import { randomBytes } from 'node:crypto';
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
  /**
   * A dbt model instead of a view: the tables are dbt relations (`leads` a model, read with
   * `ref`; `crm.leads` a source, read with `source`) and the text is safe from Jinja.
   */
  dbt?: boolean;
}

/** A possibly schema-qualified table name (`analytics.leads`), each part quoted. */
export function qualifiedName(name: string): string {
  const parts = name.split('.');
  if (parts.some((p) => p === '')) throw new RangeError(`"${name}" is not a table name`);
  return parts.map(quoteIdent).join('.');
}

const DBT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,126}$/;

/**
 * A dbt relation as the Jinja call that reads it: `leads` is a model (`ref('leads')`),
 * `crm.leads` a source (`source('crm', 'leads')`).
 * @example dbtRelation('crm.leads') // "source('crm', 'leads')"
 */
export function dbtRelation(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => DBT_NAME.test(p)))
    throw new RangeError(
      `"${name}" is not a dbt model (a name) or source (source.table) of letters, digits and _`,
    );
  return parts.length === 1 ? `ref('${parts[0]}')` : `source('${parts[0]}', '${parts[1]}')`;
}

/** Where Jinja would read a tag: `{{`, `{%` or `{#`. */
const JINJA_TAG = /\{[{%#]/;

/**
 * SQL text between the model's own Jinja, kept as written: wrapped in a raw block where Jinja
 * would otherwise read something of it (a literal of the workflow holding `{{`). Text that also
 * holds `endraw` could end the raw block early: refused. (The compiler writes each relation after
 * `FROM `, so no text ends in a `{` that would join the tag after it.)
 */
function jinjaLiteral(text: string): string {
  if (!JINJA_TAG.test(text)) return text;
  if (text.includes('endraw'))
    throw new RangeError(
      'the version holds text Jinja reads ("{{", "{%" or "{#") together with "endraw", which a dbt model cannot keep as written; use the view (without --dbt)',
    );
  return `{% raw %}${text}{% endraw %}`;
}

/** A header line: JSON-quoted, so a name can never end the comment. */
const comment = (text: string) => `-- ${text.replace(/[\r\n\u2028\u2029]/g, ' ')}`;

/**
 * The view definition (or dbt model) for one version, or the reasons it cannot be written.
 * @example sqlView({ workflow, catalog, slug: 'b2b', version: 3, workflowHash, catalogHash, dialect: 'duckdb', leadsTable: 'leads', eventsTable: 'events' })
 */
export function sqlView(
  input: SqlViewInput,
): { ok: true; sql: string } | { ok: false; errors: string[] } {
  let leadsRelation: string;
  let eventsRelation: string | undefined;
  // For dbt, the compiler writes a random stand-in for each relation, replaced by its Jinja
  // once the rest of the text is made safe from Jinja (no workflow text can hold the stand-in).
  const stand = input.dbt ? `accord_relation_${randomBytes(12).toString('hex')}_` : '';
  const jinja = new Map<string, string>();
  const relation = (name: string) => {
    if (!input.dbt) return qualifiedName(name);
    const token = `${stand}${jinja.size}`;
    jinja.set(token, dbtRelation(name));
    return token;
  };
  try {
    leadsRelation = relation(input.leadsTable);
    eventsRelation = input.eventsTable === undefined ? undefined : relation(input.eventsTable);
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
  // In a dbt model's header, a relation as the call that reads it.
  const shown = (written: string) => jinja.get(written) ?? written;
  const name = `accord_${input.slug.replace(/[^a-z0-9_]/gi, '_')}_v${input.version}`;
  const header = [
    comment(`Accord agreement ${JSON.stringify(input.slug)}, version ${input.version}`),
    comment(`workflow hash ${JSON.stringify(input.workflowHash)}`),
    comment(`catalog hash ${JSON.stringify(input.catalogHash)}`),
    comment(
      `dialect ${input.dialect}; evaluated as of ${input.asOf === undefined ? 'now() when queried' : JSON.stringify(input.asOf)}`,
    ),
    comment(
      `reads ${shown(leadsRelation)} (one row per lead, a column per catalog field)${eventsRelation ? ` and ${shown(eventsRelation)} (lead_id, type, at, props)` : ''}`,
    ),
    ...(input.dbt ? [comment(`a dbt model: save it as models/${name}.sql (or any name)`)] : []),
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
    if (!input.dbt) {
      const view = qualifiedName(input.viewName ?? name);
      return {
        ok: true,
        sql: `${header.join('\n')}\nCREATE OR REPLACE VIEW ${view} AS\n${body};\n`,
      };
    }
    const text = `${header.join('\n')}\n`;
    const pieces = body.split(new RegExp(`(${stand}\\d+)`));
    const read = (piece: string) => {
      const call = jinja.get(piece);
      return call === undefined ? jinjaLiteral(piece) : `{{ ${call} }}`;
    };
    return {
      ok: true,
      sql: `${jinjaLiteral(text)}{{ config(materialized='view') }}\n${pieces.map(read).join('')}\n`,
    };
  } catch (e) {
    return { ok: false, errors: [(e as Error).message] };
  }
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
    .option('--as-of <date>', 'evaluate as of this date instead of now() at query time')
    .option(
      '--dbt',
      'print a dbt model instead: the tables are dbt models (leads: ref) or sources (crm.leads: source)',
    );
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
        dbt?: boolean;
      },
    ) => {
      if (opts.dbt && opts.view !== undefined)
        throw ctx.fail('--view names a view; a dbt model is named by its file (drop --view).', 2);
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
          dbt: opts.dbt === true,
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
