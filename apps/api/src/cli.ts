import {
  closeSync,
  createReadStream,
  createWriteStream,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import {
  activeApiKeysByRef,
  appendAuditEvent,
  BackupRefused,
  createDb,
  DatabaseStartError,
  findWorkspaceCatalog,
  migrateToLatest,
  ROLES,
  workspaceIds,
  type Db,
  type Role,
} from '@accord/db';
import { createApiKey, createUser, EmailTaken, revokeKey } from './auth/accounts';
import { hashPassword } from './auth/password';
import {
  asOfOrNow,
  CATALOG_TEMPLATES,
  checkLeadValues,
  ColumnProfiler,
  columnNameTooLong,
  compile,
  fieldCatalogSchema,
  formatPath,
  IMPORT_LIMITS,
  leadSchema,
  parseWorkflow,
  proposeField,
  suggestMapping,
  tooManyColumns,
  type CatalogTemplate,
  type FieldCatalog,
  type Lead,
  type ProposedField,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { pinnedCatalog } from './services/catalogs';
import { replaceCatalog, type CatalogEditor } from './services/field-catalog';
import { createWorkspace, WORKSPACE_SLUG, WorkspaceSlugTaken } from './services/workspaces';
import { versionBySlug } from './services/workflows';
import { Command, CommanderError } from 'commander';
import { parse as parseCsv } from 'csv-parse';
import { stringify as stringifyCsv } from 'csv-stringify';
import { EnvError, parseEnv } from './env';
import { seedDemo } from './seed';
import { streamEvaluate, StreamEvaluateError } from './stream-evaluate';
import { registerWarehouseCommands } from './warehouse/warehouse-commands';
import { registerSqlCommand } from './warehouse/sql-view';
import { registerBackupCommands } from './backup-commands';

/** A failure the CLI reports in one line with its exit code (2: bad usage/input, 1: otherwise). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** What the CLI runs against: by default the configured database; tests pass one they opened. */
export interface CliOptions {
  db?: Db;
}

async function withConfiguredDb<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const env = parseEnv();
  const database = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: env.ACCORD_DATA_DIR });
  try {
    await migrateToLatest(database.db);
    return await run(database.db);
  } finally {
    await database.close();
  }
}

async function findVersion(db: Db, slug: string, number: number | undefined) {
  const found = await versionBySlug(db, slug, number);
  if (!found.ok) throw new CliError(found.message, 2);
  return found.version;
}

/** Reads leads from JSON (an array), JSON Lines or CSV (columns named after catalog fields, plus `id`). */
async function* readLeads(path: string): AsyncGenerator<{ line: number; raw: unknown }> {
  if (path.endsWith('.csv')) {
    const parser = createReadStream(path).pipe(
      parseCsv({
        columns: true,
        bom: true,
        skip_empty_lines: true,
        trim: true,
        relax_column_count: true,
        info: true,
      }),
    );
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      const { id, ...rest } = record;
      // Cells stay text: the engine reads numbers, yes/no and dates from text by each field's
      // type (and a phone number keeps its leading zero).
      const attributes: Record<string, string> = {};
      for (const [key, value] of Object.entries(rest)) if (value !== '') attributes[key] = value;
      yield { line: info.lines, raw: { id: id || `line-${info.lines}`, attributes, events: [] } };
    }
    return;
  }
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('[')) {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (error) {
      throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`, 2);
    }
    let i = 0;
    for (const raw of items as unknown[]) yield { line: ++i, raw };
    return;
  }
  let line = 0;
  for (const row of text.split('\n')) {
    line++;
    if (row.trim() === '') continue;
    try {
      yield { line, raw: JSON.parse(row) };
    } catch {
      yield { line, raw: Symbol('bad json') };
    }
  }
}

/** Whether a file's text begins with `[` (a JSON array of leads), judged on its first 4 KB. */
function startsWithBracket(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const n = readSync(fd, head, 0, head.length, 0);
    return head
      .toString('utf8', 0, n)
      .replace(/^\uFEFF/, '')
      .trimStart()
      .startsWith('[');
  } finally {
    closeSync(fd);
  }
}

/**
 * A file's leads as an NDJSON body: a JSON-lines file as it is (the server numbers its lines and
 * answers a bad one with its own error line), CSV rows and JSON array items one lead per line.
 */
function ndjsonBodyOf(path: string): Readable {
  if (!path.endsWith('.csv') && !startsWithBracket(path)) return createReadStream(path);
  return Readable.from(
    (async function* () {
      let batch = '';
      for await (const { raw } of readLeads(path)) {
        batch += `${JSON.stringify(raw)}\n`;
        if (batch.length >= 64 * 1024) {
          yield batch;
          batch = '';
        }
      }
      if (batch !== '') yield batch;
    })(),
  );
}

/**
 * `accord evaluate --url`: streams the file's leads to a server's NDJSON evaluate endpoint and
 * writes the result lines, as they arrive, to `--out` or stdout (the summary then goes to stderr).
 */
async function evaluateOnServer(opts: {
  workflow: string;
  in: string;
  out?: string;
  version?: number;
  asOf?: string;
  url: string;
  key?: string;
  explain: boolean;
}) {
  const key = opts.key ?? parseEnv().ACCORD_API_KEY;
  if (key === undefined)
    throw new CliError(
      "--url needs an API key of the workflow's workspace: set ACCORD_API_KEY (or pass --key).",
      2,
    );
  try {
    statSync(opts.in);
  } catch {
    throw new CliError(`Cannot read --in ${opts.in}.`, 2);
  }
  const toStdout = opts.out === undefined;
  try {
    const summary = await streamEvaluate({
      url: opts.url,
      key,
      workflow: opts.workflow,
      version: opts.version,
      asOf: opts.asOf,
      explain: opts.explain,
      body: ndjsonBodyOf(opts.in),
      out: opts.out === undefined ? process.stdout : createWriteStream(opts.out),
      endOut: !toStdout,
    });
    (toStdout ? console.error : console.log)(
      `Evaluated ${summary.evaluated} leads with version ${summary.version} of ${opts.workflow} on ${opts.url}; ${summary.bad} bad lines.${toStdout ? '' : ` Results in ${opts.out}.`}`,
    );
    if (summary.bad > 0 && summary.evaluated === 0)
      throw new CliError('No lead could be evaluated.', 2);
  } catch (error) {
    if (!(error instanceof StreamEvaluateError)) throw error;
    // A refusal (bad key, workflow, version or query) is bad input; the rest is not.
    throw new CliError(error.message, error.badInput ? 2 : 1);
  }
}

export function buildCli(options: CliOptions = {}) {
  const withDb = <T>(run: (db: Db) => Promise<T>): Promise<T> =>
    options.db ? run(options.db) : withConfiguredDb(run);
  const program = new Command('accord').description('Accord command line').exitOverride();

  program
    .command('migrate')
    .description('migrate the configured database (DATABASE_URL, or PGlite in ACCORD_DATA_DIR)')
    .action(() => withDb(async () => console.log('Database is up to date.')));

  program
    .command('seed')
    .description('seed the demo workspace, users and workflow (idempotent)')
    .action(() =>
      withDb(async (db) => {
        const { users, password } = await seedDemo(db);
        console.log(`Seeded ${users.length} demo users (password ${password}).`);
      }),
    );

  program
    .command('export')
    .description('print the workflow document of a version as JSON')
    .requiredOption('--workflow <slug>', 'workflow slug')
    .option('--version <n>', 'version number (default: the published one)', (v) =>
      positiveInt(v, '--version'),
    )
    .action((opts: { workflow: string; version?: number }) =>
      withDb(async (db) => {
        const version = await findVersion(db, opts.workflow, opts.version);
        process.stdout.write(`${JSON.stringify(version.document, null, 2)}\n`);
      }),
    );

  program
    .command('evaluate')
    .description(
      'evaluate leads offline with the published (or named) version, writing CSV; or, with --url, on a server, streaming NDJSON result lines',
    )
    .requiredOption('--workflow <slug>', 'workflow slug')
    .requiredOption(
      '--in <file>',
      'leads: .csv (columns = catalog field ids, plus id), .json (array) or .jsonl',
    )
    .option('--out <file>', 'results: CSV (required offline); with --url NDJSON (default stdout)')
    .option('--version <n>', 'version number', (v) => positiveInt(v, '--version'))
    .option('--as-of <date>', 'evaluation time (ISO 8601; default now)')
    .option('--url <url>', "a server's base URL: evaluate there through the NDJSON API")
    .option(
      '--key <key>',
      "with --url: an API key of the workflow's workspace (default: ACCORD_API_KEY, which keeps it out of the process list)",
    )
    .option('--no-explain', 'with --url: result lines carry only lead id, stage and scores')
    .action(
      (opts: {
        workflow: string;
        in: string;
        out?: string;
        version?: number;
        asOf?: string;
        url?: string;
        key?: string;
        explain: boolean;
      }) => {
        if (opts.url !== undefined) return evaluateOnServer({ ...opts, url: opts.url });
        if (opts.out === undefined)
          throw new CliError('--out is required (or --url to evaluate on a server).', 2);
        const outPath = opts.out;
        return withDb(async (db) => {
          let asOf: number;
          try {
            asOf = asOfOrNow(opts.asOf);
          } catch {
            throw new CliError(`--as-of "${opts.asOf}" is not a date.`, 2);
          }
          const version = await findVersion(db, opts.workflow, opts.version);
          // The version's own catalog: a field changed since does not change what it does.
          const catalog = await pinnedCatalog(db, version.catalog_hash);
          const parsedVersion = parseWorkflow(version.document);
          if (!parsedVersion.ok)
            throw new CliError(`Version ${version.number} is not a valid workflow document.`);
          const compiled = compile(parsedVersion.workflow, catalog);
          if (!compiled.ok) throw new CliError(`Version ${version.number} does not compile.`);
          const out = stringifyCsv({
            header: true,
            columns: ['lead_id', 'stage', 'scores', 'tags', 'reasons', 'error', 'version'],
          });
          const written = finished(out.pipe(createWriteStream(outPath)));
          let good = 0;
          let bad = 0;
          const ignored = new Set<string>();
          for await (const { line, raw } of readLeads(opts.in)) {
            const parsed = leadSchema.safeParse(raw);
            const check = parsed.success ? checkLeadValues(parsed.data, catalog) : null;
            const problem = !parsed.success
              ? `${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}`
              : check!.errors.length > 0
                ? `${check!.errors[0]!.path}: ${check!.errors[0]!.message}`
                : null;
            for (const warning of check?.warnings ?? []) ignored.add(warning.path);
            if (!parsed.success || problem !== null) {
              bad++;
              const rawId = (raw as { id?: unknown } | null)?.id;
              out.write(
                safeRow({
                  lead_id: typeof rawId === 'string' ? rawId : '',
                  error: `line ${line}: ${problem}`,
                  version: version.number,
                }),
              );
              continue;
            }
            good++;
            const r = compiled.evaluate(parsed.data as Lead, { asOf });
            out.write(
              safeRow({
                lead_id: parsed.data.id,
                stage: r.stage,
                scores: JSON.stringify(r.scores),
                tags: JSON.stringify(r.tags),
                reasons: r.reasons.map((x) => x.text).join('; '),
                error: '',
                version: version.number,
              }),
            );
          }
          out.end();
          await written;
          console.log(
            `Evaluated ${good} leads with version ${version.number} of ${opts.workflow}; ${bad} bad rows. Results in ${outPath}.`,
          );
          if (ignored.size > 0) {
            const some = [...ignored].slice(0, 10).join(', ');
            console.log(
              `Warnings (not in the field catalog, or none of its values): ${some}${ignored.size > 10 ? ` and ${ignored.size - 10} more` : ''}.`,
            );
          }
          if (bad > 0 && good === 0) throw new CliError('No lead could be evaluated.', 2);
        });
      },
    );
  const warehouseContext = {
    withDb,
    fail: (message: string, exitCode?: number) => new CliError(message, exitCode),
    positiveInt,
  };
  registerWarehouseCommands(program, warehouseContext);
  registerSqlCommand(program, warehouseContext);
  const CLI_ACTOR = { id: null, label: 'cli' };

  const users = program.command('users').description('manage users');
  users
    .command('add')
    .description('add a user to a workspace')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--password <password>', 'at least 10 characters')
    .option('--workspace <slug>', 'workspace slug (default: the only one)')
    .action(
      (opts: { email: string; name: string; role: string; password: string; workspace?: string }) =>
        withDb(async (db) => {
          if (!(ROLES as readonly string[]).includes(opts.role))
            throw new CliError(`--role must be one of ${ROLES.join(', ')}, not "${opts.role}".`, 2);
          if (opts.password.length < 10)
            throw new CliError('--password needs at least 10 characters.', 2);
          const email = opts.email.trim().toLowerCase();
          if (!/^[^@\s]+@[^@\s]+$/.test(email))
            throw new CliError(`--email "${opts.email}" is not an email address.`, 2);
          const workspaceId = await findWorkspace(db, opts.workspace);
          const passwordHash = await hashPassword(opts.password);
          const user = await db
            .transaction()
            .execute((trx) =>
              createUser(
                trx,
                { workspaceId, email, name: opts.name, role: opts.role as Role, passwordHash },
                (event) => appendAuditEvent(trx, { ...event, actor: CLI_ACTOR }),
              ),
            )
            .catch((error: unknown) => {
              if (error instanceof EmailTaken) throw new CliError(error.message, 2);
              throw error;
            });
          console.log(`Added ${user.email} (${user.role}).`);
        }),
    );

  const keys = program.command('api-keys').description('manage API keys for the evaluation API');
  keys
    .command('create')
    .description('create a key (printed once; only its hash is stored)')
    .requiredOption('--name <name>', 'what the key is for, e.g. "HubSpot sync"')
    .option('--workspace <slug>', 'workspace slug (default: the only one)')
    .action((opts: { name: string; workspace?: string }) =>
      withDb(async (db) => {
        const workspaceId = await findWorkspace(db, opts.workspace);
        const { key } = await db
          .transaction()
          .execute((trx) =>
            createApiKey(trx, { workspaceId, name: opts.name, createdBy: null }, (event) =>
              appendAuditEvent(trx, { ...event, actor: CLI_ACTOR }),
            ),
          );
        console.log(key);
      }),
    );
  keys
    .command('revoke')
    .description('revoke a key by its id or its prefix')
    .argument('<key>', 'key id or prefix (acc_…)')
    .action((ref: string) =>
      withDb(async (db) => {
        const keys = await activeApiKeysByRef(db, ref);
        if (keys.length > 1)
          throw new CliError(`"${ref}" matches ${keys.length} keys; use the key id.`, 2);
        const revoked: { name: string; prefix: string }[] = [];
        for (const key of keys) {
          const row = await db
            .transaction()
            .execute((trx) =>
              revokeKey(trx, { workspaceId: key.workspace_id, keyId: key.id }, (event) =>
                appendAuditEvent(trx, { ...event, actor: CLI_ACTOR }),
              ),
            );
          if (row) revoked.push(row);
        }
        if (revoked.length === 0) throw new CliError(`No active API key "${ref}".`, 2);
        console.log(
          `Revoked ${revoked[0]!.name} (${revoked[0]!.prefix}…). Running servers refuse it within 2 seconds.`,
        );
      }),
    );
  const fields = program
    .command('fields')
    .description("manage a workspace's field catalog (the fields and event types leads carry)");
  fields
    .command('export')
    .description('print the live field catalog as JSON (or write it to a file)')
    .option('--workspace <slug>', 'workspace slug (default: the only one)')
    .option('--out <file>', 'write the JSON here instead of printing it')
    .action((opts: { workspace?: string; out?: string }) =>
      withDb(async (db) => {
        const workspaceId = await findWorkspace(db, opts.workspace);
        const live = await findWorkspaceCatalog(db, workspaceId);
        const text = `${JSON.stringify(live.catalog, null, 2)}\n`;
        if (opts.out) {
          writeFileSync(opts.out, text);
          console.log(
            `Wrote ${live.catalog.fields.length} fields and ${live.catalog.events.length} event types (revision ${live.revision}) to ${opts.out}.`,
          );
        } else process.stdout.write(text);
      }),
    );
  fields
    .command('import')
    .description(
      'replace the live field catalog with a JSON file (as exported); a field read by a proposed, approved or published version cannot be retyped, retired or removed',
    )
    .argument('<file>', 'catalog JSON: {"fields": [...], "events": [...]}')
    .option('--workspace <slug>', 'workspace slug (default: the only one)')
    .option('--reason <text>', 'why (kept in the audit log)')
    .action((file: string, opts: { workspace?: string; reason?: string }) =>
      withDb(async (db) => {
        const catalog = readCatalogFile(file);
        if (opts.reason !== undefined && opts.reason.length > 500)
          throw new CliError('--reason takes at most 500 characters.', 2);
        const workspaceId = await findWorkspace(db, opts.workspace);
        const editor: CatalogEditor = { db, workspaceId, userId: null, actor: CLI_ACTOR };
        const { revision: baseRevision } = await findWorkspaceCatalog(db, workspaceId);
        const saved = await replaceCatalog(editor, {
          baseRevision,
          catalog,
          reason: opts.reason?.trim() || undefined,
        }).catch((error: unknown) => {
          if (error instanceof TRPCError) throw new CliError(error.message, 2);
          throw error;
        });
        if (saved.changes.length === 0) {
          console.log(`No change: the catalog already is ${file} (revision ${saved.revision}).`);
          return;
        }
        console.log(
          `Saved the field catalog as revision ${saved.revision} (${saved.changes.length} change${saved.changes.length === 1 ? '' : 's'}):`,
        );
        for (const change of saved.changes.slice(0, 50)) console.log(`  ${change}`);
        if (saved.changes.length > 50) console.log(`  and ${saved.changes.length - 50} more`);
      }),
    );
  fields
    .command('learn')
    .description(
      'read a CSV export and print the fields an import would create for its columns that match no field (the file is not imported)',
    )
    .requiredOption('--in <file>', 'the CSV export')
    .option('--workspace <slug>', 'workspace slug (default: the only one)')
    .option('--json', 'print the proposed fields as JSON (for accord fields import)')
    .action((opts: { in: string; workspace?: string; json?: boolean }) =>
      withDb(async (db) => {
        const workspaceId = await findWorkspace(db, opts.workspace);
        const { catalog } = await findWorkspaceCatalog(db, workspaceId);
        const learned = await learnFields(opts.in, catalog);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(learned.proposed, null, 2)}\n`);
          return;
        }
        console.log(
          `${opts.in}: ${learned.rows.toLocaleString('en')} rows, ${learned.columns} columns; ${learned.matched.length} match a field, ${learned.proposed.length} would become new fields.`,
        );
        for (const m of learned.matched) console.log(`  ${m.column} -> ${m.target}`);
        for (const field of learned.proposed) console.log(describeProposal(field));
        if (learned.empty.length > 0)
          console.log(`Empty columns (no field proposed): ${learned.empty.join(', ')}`);
      }),
    );

  registerBackupCommands(program, withDb);

  const workspaces = program.command('workspace').description('manage workspaces');
  workspaces
    .command('create')
    .description(
      'create a workspace, its field catalog from a template and its first admin (prints a one-time password)',
    )
    .requiredOption('--slug <slug>', 'short name used at sign-in, e.g. globex')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--admin-email <email>', "the first admin's sign-in email")
    .option(
      '--template <template>',
      `field catalog to start from: ${Object.keys(CATALOG_TEMPLATES).join(' or ')}`,
      'empty',
    )
    .action((opts: { slug: string; name: string; adminEmail: string; template: string }) =>
      withDb(async (db) => {
        if (!WORKSPACE_SLUG.test(opts.slug))
          throw new CliError(
            `--slug "${opts.slug}" is not a workspace slug: use lower case letters, digits and - (at most 63).`,
            2,
          );
        const name = opts.name.trim();
        if (name === '' || name.length > 120)
          throw new CliError('--name needs 1 to 120 characters.', 2);
        const email = opts.adminEmail.trim().toLowerCase();
        if (email.length > 320 || !/^[^@\s]+@[^@\s]+$/.test(email))
          throw new CliError(`--admin-email "${opts.adminEmail}" is not an email address.`, 2);
        if (!Object.hasOwn(CATALOG_TEMPLATES, opts.template))
          throw new CliError(
            `--template must be one of ${Object.keys(CATALOG_TEMPLATES).join(', ')}, not "${opts.template}".`,
            2,
          );
        const created = await createWorkspace(
          db,
          {
            slug: opts.slug,
            name,
            adminEmail: email,
            template: opts.template as CatalogTemplate['id'],
          },
          CLI_ACTOR,
        ).catch((error: unknown) => {
          if (error instanceof WorkspaceSlugTaken) throw new CliError(error.message, 2);
          throw error;
        });
        const template = CATALOG_TEMPLATES[created.template];
        console.log(
          `Created workspace ${created.workspace.slug} (${created.workspace.name}) with the ${template.label} field catalog (${template.catalog.fields.length} fields).`,
        );
        console.log(`Admin: ${created.admin.email}`);
        console.log(`One-time password (shown once, only its hash is stored): ${created.password}`);
      }),
    );
  return program;
}

async function findWorkspace(db: Db, slug: string | undefined): Promise<string> {
  const rows = await workspaceIds(db, slug);
  if (rows.length === 1) return rows[0]!.id;
  throw new CliError(
    rows.length === 0
      ? `No workspace${slug ? ` "${slug}"` : ''}; run accord seed or name one with --workspace.`
      : 'There are several workspaces; name one with --workspace.',
    2,
  );
}

/** Largest catalog file `accord fields import` reads. */
const MAX_CATALOG_FILE_BYTES = 8 * 1024 * 1024;

/** A catalog JSON file, parsed and checked; errors name the file and the path inside it. */
function readCatalogFile(file: string) {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new CliError(`Cannot read ${file}.`, 2);
  }
  if (size > MAX_CATALOG_FILE_BYTES)
    throw new CliError(
      `${file} has ${size.toLocaleString('en')} bytes; a catalog file holds at most ${MAX_CATALOG_FILE_BYTES.toLocaleString('en')}.`,
      2,
    );
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`, 2);
  }
  const parsed = fieldCatalogSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatPath(issue.path);
    throw new CliError(`${file}${path ? ` at ${path}` : ''}: ${issue.message}`, 2);
  }
  return parsed.data;
}

/**
 * What `accord fields learn` finds in a CSV: the columns a suggested mapping gives a field (or the
 * id, events, outcome) and, for the others, the field a person would make of them, judged on every
 * row (streamed, so the file may be of any size).
 */
async function learnFields(path: string, catalog: FieldCatalog) {
  let profiler: ColumnProfiler | undefined;
  let headers: string[] = [];
  const parser = createReadStream(path).pipe(
    parseCsv({
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: IMPORT_LIMITS.cellChars * 4,
    }),
  );
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      if (!profiler) {
        headers = record.map((h) => h.trim());
        const problem =
          tooManyColumns(headers) ?? headers.map(columnNameTooLong).find((p) => p !== undefined);
        if (problem) throw new CliError(`${path}: ${problem}`, 2);
        profiler = new ColumnProfiler(headers);
        continue;
      }
      profiler.push(record);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new CliError(`Cannot read ${path}.`, 2);
    throw new CliError(`${path} is not a CSV file this can read: ${(error as Error).message}`, 2);
  }
  if (!profiler || profiler.rows === 0) throw new CliError(`${path} has no data rows.`, 2);
  const profiles = profiler.profiles();
  const suggested = suggestMapping(headers, catalog, profiles);
  const targets = new Map(suggested.map((s) => [s.column, s.target]));
  const taken = new Set(catalog.fields.map((f) => f.id));
  const matched: { column: string; target: string }[] = [];
  const proposed: ProposedField[] = [];
  const empty: string[] = [];
  for (const profile of profiles) {
    const target = targets.get(profile.header);
    if (target && target.kind !== 'ignore') {
      matched.push({
        column: profile.header,
        target:
          target.kind === 'field'
            ? `field ${target.field}`
            : target.kind === 'outcome'
              ? `outcome (${target.as})`
              : target.kind,
      });
      continue;
    }
    if (profile.filled === 0) {
      empty.push(profile.header === '' ? `column ${profile.index + 1}` : profile.header);
      continue;
    }
    const field = proposeField(profile, profiler.rows, taken);
    taken.add(field.id);
    proposed.push(field);
  }
  return { rows: profiler.rows, columns: headers.length, matched, proposed, empty };
}

/** One proposed field in a few lines: id, label, type, options, missing texts, why. */
function describeProposal(field: ProposedField): string {
  const lines = [`${field.id}  "${field.label}"  ${field.type}  (confidence ${field.confidence})`];
  if (field.values?.length) {
    const shown = field.values
      .slice(0, 30)
      .map((o) => (o.value === o.label ? o.value : `${o.value} (${o.label})`));
    lines.push(
      `    options: ${shown.join(', ')}${field.values.length > 30 ? `, and ${field.values.length - 30} more` : ''}`,
    );
  }
  if (field.missing?.length)
    lines.push(`    missing: ${field.missing.map((t) => `"${t}"`).join(', ')}`);
  lines.push(`    ${field.why}`);
  return lines.join('\n');
}

/** Spreadsheet formulas in exported text become inert text (every string cell of a row). */
function safeRow(row: Record<string, string | number>) {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v,
    ]),
  );
}

/** Largest number a version can have (PostgreSQL `integer`). */
const MAX_INT = 2_147_483_647;

function positiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_INT)
    throw new CliError(
      `${name} must be a whole number from 1 to ${MAX_INT.toLocaleString('en-US')}, not "${value}".`,
      2,
    );
  return n;
}

/** Runs the CLI; resolves to the process exit code. */
export async function runCli(argv: string[], options: CliOptions = {}): Promise<number> {
  try {
    await buildCli(options).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const known =
      error instanceof CliError ||
      error instanceof EnvError ||
      error instanceof DatabaseStartError ||
      error instanceof BackupRefused;
    console.error(`accord: ${known ? (error as Error).message : String(error)}`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}
