/**
 * npm run bench:import — a real team's CRM export at scale (issue #17).
 *
 * 1. Writes a generated 1,000,000-row, 40-column CSV (BOM, CRLF, quoted commas, `Select` and
 *    `N/A` placeholders, blanks, Yes/No columns, numbers with outliers, case variants such as
 *    Google/google, free text with thousands of distinct values, a Converted 0/1 outcome, and
 *    about one bad cell in a thousand) to a temporary file. Writing it is not counted.
 * 2. Infers the fields of the whole file as the import preview does: the file streamed through
 *    the CSV parser into the engine's `ColumnProfiler`, then `proposeField` per column (`inferMs`).
 * 3. Creates the new fields (`fields.addMany`) and imports the file through the API path: a real
 *    server on loopback, the file streamed as the request body of `POST /api/lead-sets/import`
 *    (what the page does), bad cells costing their cell (`import1MRowsMs`). On embedded PGlite
 *    and, when DATABASE_URL or TEST_DATABASE_URL is set, on PostgreSQL (`import1MRowsMsPostgres`).
 *
 * Ends with one JSON line: {"import1MRowsMs","inferMs","peakRssMb",…}.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import Papa from 'papaparse';
import { createDb, migrateToLatest, type AccordDatabase } from '@accord/db';
import {
  ColumnProfiler,
  importColumns,
  proposeField,
  type ColumnTarget,
  type FieldCategory,
  type ImportMapping,
} from '@accord/engine';
import { parseEnv } from '@accord/api/env';
import { buildServer } from '@accord/api/server';
import { demoCallers } from '@accord/api/testing';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A tiny deterministic generator (mulberry32), so every run imports the same file. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SOURCES = [
  'Google',
  'google',
  'Organic Search',
  'Direct Traffic',
  'Referral',
  'Olark Chat',
  'Welingak Website',
];
const ORIGINS = ['Landing Page Submission', 'API', 'Lead Add Form', 'Lead Import'];
const SPECIALS = [
  'Select',
  'Finance Management',
  'Human Resource Management',
  'Marketing Management',
  'Operations Management',
  'IT Projects Management',
  'Supply Chain Management',
];
const ACTIVITIES = [
  'Email Opened',
  'SMS Sent',
  'Olark Chat Conversation',
  'Page Visited on Website',
  'Converted to Lead',
  'Email Bounced',
];
const COUNTRIES = [
  'India',
  'United States',
  'United Kingdom',
  'Singapore',
  'Germany',
  'France',
  'Canada',
  'Australia',
  'N/A',
];
const OCCUPATIONS = [
  'Unemployed',
  'Working Professional',
  'Student',
  'Businessman',
  'Housewife',
  'Other',
];
const YES_NO = ['Yes', 'No', 'No', 'No'];

/** The 40 columns: [header, cell of row i]. Column 1 is the lead id. */
function columns(random: () => number): [string, (i: number) => string][] {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const cols: [string, (i: number) => string][] = [
    ['Prospect ID', (i) => `P-${i}`],
    ['Email', (i) => (random() < 0.05 ? '' : `lead${i}@example${i % 97}.com`)],
    ['First Name', () => pick(['Ana', 'Raj', 'Li', 'Sam', 'Noor', 'Ola'])],
    ['Lead Origin', () => pick(ORIGINS)],
    ['Lead Source', () => pick(SOURCES)],
    ['Do Not Email', () => pick(YES_NO)],
    ['Do Not Call', () => pick(YES_NO)],
    ['Converted', () => (random() < 0.38 ? '1' : '0')],
    [
      'TotalVisits',
      () => (random() < 0.02 ? '' : random() < 0.001 ? 'abc' : String(Math.floor(random() * 20))),
    ],
    [
      'Total Time Spent on Website',
      () => String(random() < 0.001 ? 250_000 : Math.floor(random() * 2_300)),
    ],
    ['Page Views Per Visit', () => (random() * 8).toFixed(2)],
    ['Last Activity', () => pick(ACTIVITIES)],
    ['Country', () => pick(COUNTRIES)],
    ['Specialization', () => pick(SPECIALS)],
    ['What is your current occupation', () => pick(OCCUPATIONS)],
    ['Search', () => pick(YES_NO)],
    ['Newspaper Article', () => pick(YES_NO)],
    ['Digital Advertisement', () => pick(YES_NO)],
    ['Through Recommendations', () => pick(YES_NO)],
    [
      'Tags',
      () =>
        pick([
          'Will revert after reading the email',
          'Ringing',
          'Interested in other courses',
          'Closed by Horizzon',
          '',
        ]),
    ],
    ['Lead Quality', () => pick(['High in Relevance', 'Might be', 'Not Sure', 'Worst', ''])],
    ['City', () => pick(['Mumbai', 'Thane & Outskirts', 'Other Cities', 'Select'])],
    [
      'Asymmetrique Activity Score',
      () => (random() < 0.4 ? '' : String(10 + Math.floor(random() * 10))),
    ],
    [
      'Asymmetrique Profile Score',
      () => (random() < 0.4 ? '' : String(10 + Math.floor(random() * 10))),
    ],
    ['A free copy of Mastering The Interview', () => pick(YES_NO)],
    ['Last Notable Activity', () => pick(ACTIVITIES)],
    [
      'Created On',
      (i) =>
        `2026-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
    ],
    ['Company', (i) => `"Company ${i % 5000}, Inc."`],
    ['Job Title', (i) => `Title ${i % 900}`],
    ['Notes', (i) => (random() < 0.5 ? '' : `"Called on day ${i % 365}, left voicemail"`)],
  ];
  for (let k = cols.length; k < 40; k++)
    cols.push([
      `Custom Score ${k}`,
      () => (random() < 0.1 ? 'N/A' : String(Math.floor(random() * 100))),
    ]);
  return cols;
}

/** Writes the export: BOM, CRLF line ends, a trailing comma on every line. */
async function writeExport(path: string): Promise<number> {
  const random = prng(17);
  const cols = columns(random);
  const out = createWriteStream(path);
  const header = cols.map(([h]) => h).join(',');
  let bytes = 0;
  const write = (text: string) => {
    bytes += Buffer.byteLength(text);
    return out.write(text);
  };
  write(`\uFEFF${header},\r\n`);
  let lines: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    lines.push(`${cols.map(([, cell]) => cell(i)).join(',')},`);
    if (lines.length === 2_000 || i === ROWS) {
      if (!write(`${lines.join('\r\n')}\r\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
      lines = [];
    }
  }
  out.end();
  await finished(out);
  return bytes;
}

/**
 * Profiles the whole file and proposes a field per column, as the import page does: papaparse
 * (here on a Node stream; the page gives it the File in a Web Worker) into `ColumnProfiler`.
 */
async function infer(path: string) {
  const started = performance.now();
  const parser = Papa.parse(Papa.NODE_STREAM_INPUT, { delimiter: ',', skipEmptyLines: true });
  createReadStream(path).pipe(parser);
  let profiler: ColumnProfiler | undefined;
  for await (const record of parser as AsyncIterable<string[]>) {
    if (profiler) profiler.push(record);
    else {
      if (record[0]?.startsWith('\uFEFF')) record[0] = record[0].slice(1);
      profiler = new ColumnProfiler(importColumns(record));
    }
  }
  const taken = new Set<string>();
  // The trailing comma gives an empty last column: nothing to learn from it.
  const filled = profiler!.profiles().filter((profile) => profile.filled > 0);
  const proposals = filled.map((profile) => {
    const proposed = proposeField(profile, profiler!.rows, taken);
    taken.add(proposed.id);
    return { header: profile.header, proposed };
  });
  return { ms: Math.round(performance.now() - started), proposals, rows: profiler!.rows };
}

async function importOn(
  database: AccordDatabase,
  label: string,
  path: string,
  proposals: Awaited<ReturnType<typeof infer>>['proposals'],
) {
  const as = await demoCallers(database);
  const live = await as.ops.fields.catalog();
  // A column whose proposed id is a field of the same type (and options) goes to that field, as a
  // person would map it; one whose id is taken by a field that does not fit (the CRM's own
  // "Lead Source" against the B2B template's enum) becomes a field of its own.
  const known = new Map(live.catalog.fields.map((f) => [f.id, f]));
  const fits = (p: (typeof proposals)[number]['proposed']) => {
    const field = known.get(p.id);
    if (!field || field.type !== p.type) return false;
    const options = new Set((field.values ?? []).map((o) => o.value));
    return (p.values ?? []).every((o) => options.has(o.value));
  };
  proposals = proposals.map(({ header, proposed }) =>
    known.has(proposed.id) && !fits(proposed)
      ? {
          header,
          proposed: { ...proposed, id: `${proposed.id}_crm`, label: `${proposed.label} (CRM)` },
        }
      : { header, proposed },
  );
  const fresh = proposals.filter(
    (p) => p.header !== 'Prospect ID' && p.header !== 'Converted' && !known.has(p.proposed.id),
  );
  const category = (id: string): FieldCategory =>
    /do_not|search|newspaper|digital|recommend/.test(id)
      ? 'channel'
      : /visits|time|activity|page/.test(id)
        ? 'behaviour'
        : 'profile';
  if (fresh.length > 0)
    await as.ops.fields.addMany({
      baseRevision: live.revision,
      fields: fresh.map(({ proposed }) => ({
        id: proposed.id,
        label: proposed.label,
        type: proposed.type,
        category: category(proposed.id),
        ...(proposed.values ? { values: proposed.values } : {}),
        ...(proposed.missing ? { missing: proposed.missing } : {}),
      })),
      reason: 'bench: learned from the export',
    });
  const columnsMap: Record<string, ColumnTarget> = {
    'Prospect ID': { kind: 'id' },
    Converted: { kind: 'outcome', as: 'converted' },
  };
  for (const { header, proposed } of proposals)
    if (!(header in columnsMap)) columnsMap[header] = { kind: 'field', field: proposed.id };
  const mapping: ImportMapping = { columns: columnsMap, dateOrder: 'mdy' };

  const env = parseEnv({ ...process.env, LOG_LEVEL: 'silent', PORT: '0', ACCORD_SEED: 'none' });
  const server = await buildServer({ database, env });
  const address = await server.listen({ host: '127.0.0.1', port: 0 });
  try {
    const signIn = await fetch(`${address}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops@acme.test', password: 'accord-demo' }),
    });
    const cookie = String(signIn.headers.get('set-cookie')).split(';')[0]!;
    const query = new URLSearchParams({
      name: `bench ${label}`,
      format: 'csv',
      mapping: JSON.stringify(mapping),
    });
    const started = performance.now();
    const res = await fetch(`${address}/api/lead-sets/import?${query}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/csv' },
      body: Readable.toWeb(createReadStream(path)) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    const answer = (await res.json()) as {
      leadSet?: { id: string; lead_count: number };
      rows?: number;
      imported?: number;
      rejected?: number;
      issues?: { count: number; cellsLeftOut: number; rowsKeptWithIssues: number };
    };
    const ms = Math.round(performance.now() - started);
    if (!res.ok || !answer.leadSet)
      throw new Error(
        `import on ${label} answered ${res.status}: ${JSON.stringify(answer).slice(0, 500)}`,
      );
    console.log(
      `${label}: ${answer.imported?.toLocaleString('en')} of ${answer.rows?.toLocaleString('en')} rows imported ` +
        `(${answer.rejected} refused; ${answer.issues?.cellsLeftOut} bad cells left out, ${answer.issues?.rowsKeptWithIssues} rows kept with them) in ${ms} ms`,
    );
    if (process.env.BENCH_IMPORT_DEBUG)
      console.log(
        JSON.stringify((answer.issues as { byColumn?: unknown } | undefined)?.byColumn).slice(
          0,
          3000,
        ),
      );
    // Leave the database as it was (PostgreSQL may be a shared test database).
    await as.ops.leadSets.delete({ leadSetId: answer.leadSet.id });
    return ms;
  } finally {
    await server.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'accord-import-bench-'));
try {
  const file = join(dir, 'export.csv');
  const writeStarted = performance.now();
  const bytes = await writeExport(file);
  console.log(
    `wrote ${ROWS.toLocaleString('en')} rows × 40 columns, ${mb(bytes)} MB, in ${Math.round(performance.now() - writeStarted)} ms (not counted)`,
  );

  const inferred = await infer(file);
  console.log(
    `inferred ${inferred.proposals.length} columns over ${inferred.rows.toLocaleString('en')} rows in ${inferred.ms} ms:`,
  );
  for (const { header, proposed } of inferred.proposals)
    console.log(
      `  ${header} → ${proposed.id}: ${proposed.type}${proposed.values ? ` (${proposed.values.length} options)` : ''}${proposed.missing?.length ? ` missing ${JSON.stringify(proposed.missing)}` : ''}`,
    );

  const pglite = await createDb({ dataDir: join(dir, 'pglite') });
  await migrateToLatest(pglite.db);
  const importMs = await importOn(pglite, 'PGlite', file, inferred.proposals);
  await pglite.close();

  let importPostgres: number | undefined;
  const url = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (url) {
    const pg = await createDb({ databaseUrl: url });
    await migrateToLatest(pg.db);
    importPostgres = await importOn(pg, 'PostgreSQL', file, inferred.proposals);
    await pg.close();
  }
  clearInterval(sampler);
  console.log(
    JSON.stringify({
      import1MRowsMs: importMs,
      inferMs: inferred.ms,
      peakRssMb: mb(peakRss),
      ...(importPostgres !== undefined ? { import1MRowsMsPostgres: importPostgres } : {}),
      rows: ROWS,
      fileMb: mb(bytes),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
