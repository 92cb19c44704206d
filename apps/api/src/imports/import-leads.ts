import type { LeadDocuments } from '@accord/db';
import {
  checkMapping,
  ColumnProfiler,
  columnNameTooLong,
  createRowMapper,
  IMPORT_LIMITS,
  importColumns,
  importMappingSchema,
  inferColumnType,
  mapLeadDocument,
  suggestMapping,
  type BadCells,
  type CellError,
  type ColumnProfile,
  type FieldCatalog,
  type ImportMapping,
  type InferredType,
  type Lead,
  type MappedRow,
  type MappingIssue,
  type SuggestedColumn,
  tooManyColumns,
} from '@accord/engine';
import { checkedText, checkText } from './checked-text';
import { csvRecords, detectDelimiter, type CsvRecord, type Delimiter } from './csv-rows';
import { IssueLog, type IssueSummary } from './import-issues';
import { ImportRefused } from './import-refused';
import type { ThreadBatch } from './import-thread-protocol';
import { jsonValues } from './json-values';

export type ImportFormat = 'csv' | 'json';
export type Chunks = AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>;

/** A problem with one row of an import: its line (1-based), the column and what is wrong. */
export interface RowError {
  line: number;
  /** The column name ('' for the whole row; a path such as `attributes.email` for JSON leads). */
  column: string;
  /** 1-based column position; 0 for the whole row or a JSON path. */
  columnIndex: number;
  message: string;
  /** The cell as written (at most 200 characters), when the problem is one cell's. */
  value?: string;
}

/** The mapping does not fit the file or the catalog. */
export class MappingError extends Error {
  constructor(readonly issues: MappingIssue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join(' '));
  }
}

/** A mapped row of an import: a lead, or the errors that kept it out. */
export type ImportRow = { line: number } & MappedRow;

/** Whether a JSON value is a lead document (`{id, attributes: {…}}`) rather than a flat record. */
function isLeadDocument(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    'attributes' in value &&
    typeof (value as { attributes: unknown }).attributes === 'object'
  );
}

/**
 * Refuses a header (line 1) past the limits before anything reads its cells: too many columns or
 * a name too long. A data cell too long costs that cell (the row mapper reports it), not the file.
 */
function checkHeader(record: CsvRecord): void {
  const wide = tooManyColumns(record.cells);
  if (wide) throw new ImportRefused(wide, { line: record.line });
  for (let i = 0; i < record.cells.length; i++) {
    const problem = columnNameTooLong(record.cells[i]!);
    if (problem) throw new ImportRefused(problem, { line: record.line, column: i + 1 });
  }
}

/**
 * Refuses a JSON item past the limits: a record (or a lead document's attributes) with too many
 * keys or a key too long. A text value too long costs that value (the mapper reports it).
 */
function checkJsonItem(value: unknown, line: number): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const document = isLeadDocument(value);
  const record = (document ? (value as { attributes: object }).attributes : value) as Record<
    string,
    unknown
  >;
  if (typeof record !== 'object' || record === null) return;
  const keys = Object.keys(record);
  if (keys.length > IMPORT_LIMITS.columns)
    throw new ImportRefused(
      `The ${document ? 'lead has' : 'record has'} ${keys.length.toLocaleString('en')} ${document ? 'attributes' : 'keys'}; an import takes at most ${IMPORT_LIMITS.columns.toLocaleString('en')}.`,
      { line },
    );
  for (const key of keys) {
    const problem = columnNameTooLong(key);
    if (problem)
      throw new ImportRefused(`${JSON.stringify(key.slice(0, 40))}: ${problem}`, { line });
  }
}

const PIECE_CHARS = 16_384;

/**
 * A text in pieces of 16 K characters (never splitting a surrogate pair), with a turn of the event
 * loop between them: the CSV parser splits a piece at a time, so other requests are served
 * meanwhile and a reader that stops early (a preview) leaves the rest unparsed.
 * @example for await (const piece of textPieces(text)) …
 */
export async function* textPieces(text: string): AsyncGenerator<string> {
  for (let start = 0; start < text.length;) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    const code = text.charCodeAt(end);
    if (end < text.length && code >= 0xdc00 && code <= 0xdfff) end--;
    yield text.slice(start, end);
    start = end;
    if (start < text.length) await turn();
  }
}

/** A turn of the event loop, so a long run of buffered rows does not hold up other requests. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Rows mapped between turns of the event loop. */
const ROWS_PER_TURN = 250;

/**
 * Refuses a CSV header wider than the column cap while it streams past, before the parser splits
 * it into cells (a line of 100,000 cells would take it a long while).
 */
async function* narrowHeader(
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  delimiter: Delimiter,
): AsyncGenerator<string | Uint8Array> {
  const separator = delimiter.charCodeAt(0);
  let counting = true;
  let quoted = false;
  let started = false;
  let cells = 1;
  for await (const chunk of chunks) {
    if (counting && typeof chunk === 'string')
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (!quoted && (c === 10 || c === 13)) {
          if (started) {
            counting = false;
            break;
          }
        } else if (!quoted && c === separator && ++cells > IMPORT_LIMITS.columns)
          throw new ImportRefused(
            `The file has more than ${IMPORT_LIMITS.columns.toLocaleString('en')} columns; an import takes at most ${IMPORT_LIMITS.columns.toLocaleString('en')}.`,
            { line: 1 },
          );
        if (c > 32 && c !== 0xfeff) started = true;
      }
    yield chunk;
  }
}

/** Reads the first chunk to detect the delimiter, then hands every chunk on. */
async function peekDelimiter(chunks: Chunks): Promise<{ delimiter: Delimiter; chunks: Chunks }> {
  const iterator = (
    Symbol.asyncIterator in chunks
      ? (chunks as AsyncIterable<string | Uint8Array>)[Symbol.asyncIterator]()
      : (chunks as Iterable<string | Uint8Array>)[Symbol.iterator]()
  ) as AsyncIterator<string | Uint8Array> | Iterator<string | Uint8Array>;
  const first = await iterator.next();
  const head = first.done
    ? ''
    : typeof first.value === 'string'
      ? first.value.slice(0, 65_536)
      : new TextDecoder().decode(first.value.subarray(0, 65_536));
  async function* all() {
    if (first.done) return;
    yield first.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next())
      yield next.value;
  }
  return { delimiter: detectDelimiter(head.replace(/^\uFEFF/, '')), chunks: all() };
}

const rowErrors = (line: number, errors: readonly CellError[]): RowError[] =>
  errors.map((e) => ({ line, ...e }));

/**
 * Opens an import: for CSV reads the header (the first record) and checks the mapping against
 * its columns and the catalog (a MappingError before any lead is written), then streams every
 * row mapped to a lead or to its errors, in file order. Records the CSV parser cannot read come
 * as rows with errors too. JSON lead documents (`{id, attributes, …}`) need no mapping; flat JSON
 * records are mapped by key like CSV columns.
 */
export async function openImport(
  input: {
    format: ImportFormat;
    delimiter?: Delimiter | 'auto';
    mapping: ImportMapping;
    /** What a cell that does not fit its field costs: the cell (default) or the row. */
    badCells?: BadCells;
  },
  source: Chunks,
  catalog: FieldCatalog,
): Promise<{ columns: string[]; rows: AsyncGenerator<ImportRow> }> {
  const text = checkedText(source);
  if (input.format === 'json') {
    const columns = Object.keys(input.mapping.columns);
    // Lead documents need no mapping; flat records mapped to nothing are refused row by row.
    const issues = checkMapping(columns, input.mapping, catalog, { needsData: false });
    if (issues.length) throw new MappingError(issues);
    const options = { badCells: input.badCells };
    const mapRow = createRowMapper(columns, input.mapping, catalog, options);
    async function* rows(): AsyncGenerator<ImportRow> {
      let count = 0;
      for await (const item of jsonValues(text)) {
        if (!item.ok) {
          yield {
            line: item.line,
            ok: false,
            errors: [{ column: '', columnIndex: 0, message: item.message }],
          };
          continue;
        }
        const value = item.value;
        checkJsonItem(value, item.line);
        if (++count % ROWS_PER_TURN === 0) await turn();
        if (isLeadDocument(value))
          yield { line: item.line, ...mapLeadDocument(value, catalog, options) };
        else if (typeof value === 'object' && value !== null && !Array.isArray(value))
          yield { line: item.line, ...mapRow(value as Record<string, unknown>, item.line) };
        else
          yield {
            line: item.line,
            ok: false,
            errors: [{ column: '', columnIndex: 0, message: 'Each item must be a JSON object.' }],
          };
      }
    }
    return { columns, rows: rows() };
  }

  const peeked =
    input.delimiter && input.delimiter !== 'auto'
      ? { delimiter: input.delimiter, chunks: text }
      : await peekDelimiter(text);
  const problems: { line: number; message: string }[] = [];
  const records = csvRecords(narrowHeader(peeked.chunks, peeked.delimiter), peeked.delimiter, (p) =>
    problems.push(p),
  );
  const header = await records.next();
  try {
    if (!header.done) checkHeader(header.value);
  } catch (error) {
    await records.return(undefined);
    throw error;
  }
  const columns = header.done ? [] : importColumns(header.value.cells);
  const issues = checkMapping(columns, input.mapping, catalog);
  if (issues.length) {
    await records.return(undefined);
    throw new MappingError(issues);
  }
  const mapRow = createRowMapper(columns, input.mapping, catalog, { badCells: input.badCells });
  async function* rows(): AsyncGenerator<ImportRow> {
    let count = 0;
    for await (const record of records) {
      while (problems.length) {
        const p = problems.shift()!;
        yield {
          line: p.line,
          ok: false,
          errors: [{ column: '', columnIndex: 0, message: p.message }],
        };
      }
      if (++count % ROWS_PER_TURN === 0) await turn();
      yield { line: record.line, ...mapRow(record.cells, record.line) };
    }
    for (const p of problems.splice(0))
      yield {
        line: p.line,
        ok: false,
        errors: [{ column: '', columnIndex: 0, message: p.message }],
      };
  }
  return { columns, rows: rows() };
}

/**
 * What an import did: leads kept, rows refused, the first problems of refused rows (all of them,
 * and the cells left out of kept rows, are in `issues`).
 */
export interface ImportTally {
  rows: number;
  imported: number;
  rejected: number;
  /** The problems of the first refused rows, at most `MAX_REPORTED_ERRORS`. */
  errors: RowError[];
  /** More refused-row problems were found than `errors` holds (see `issues` for all). */
  errorsTruncated: boolean;
}

/** A tally before the first row. */
export const emptyTally = (): ImportTally => ({
  rows: 0,
  imported: 0,
  rejected: 0,
  errors: [],
  errorsTruncated: false,
});

/** How many row errors an import answer and its lead set record keep. */
export const MAX_REPORTED_ERRORS = 1_000;

/** Counts one row of an import in its tally and logs its problems (kept or refused). */
function tallyRow(
  tally: ImportTally,
  issues: IssueLog,
  line: number,
  errors: readonly CellError[] | undefined,
  kept: boolean,
) {
  tally.rows++;
  if (kept) {
    tally.imported++;
    if (errors) issues.record(line, errors, true);
    return;
  }
  tally.rejected++;
  issues.record(line, errors ?? [], false);
  for (const error of rowErrors(line, errors ?? [])) {
    if (tally.errors.length < MAX_REPORTED_ERRORS) tally.errors.push(error);
    else tally.errorsTruncated = true;
  }
}

/**
 * Batches the good leads of an import for `loadLeadSet`, tallying refused rows and logging every
 * problem as it goes. A batch also comes (maybe empty) when many problems wait to be written.
 */
export async function* goodLeads(
  rows: AsyncIterable<ImportRow>,
  tally: ImportTally,
  issues: IssueLog,
  batchSize = 2_000,
): AsyncGenerator<Lead[]> {
  let batch: Lead[] = [];
  for await (const row of rows) {
    if (row.ok) {
      batch.push(row.lead);
      tallyRow(tally, issues, row.line, row.issues, true);
    } else tallyRow(tally, issues, row.line, row.errors, false);
    if (batch.length >= batchSize || issues.full) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/**
 * `goodLeads` for an import read on its own thread (`openImportInThread`): the thread's batches
 * of leads already written as JSON, tallied and their problems logged the same way.
 */
export async function* goodLeadDocuments(
  batches: AsyncIterable<ThreadBatch>,
  tally: ImportTally,
  issues: IssueLog,
): AsyncGenerator<LeadDocuments & { hasOutcomes: boolean }> {
  for await (const batch of batches) {
    for (const p of batch.problems) tallyRow(tally, issues, p.line, p.errors, p.kept);
    // Every other row of the batch was kept whole.
    const whole = batch.rows - batch.problems.length;
    tally.rows += whole;
    tally.imported += whole;
    yield { ids: batch.ids, json: batch.json, hasOutcomes: batch.hasOutcomes };
  }
}

export interface PreviewColumn {
  name: string;
  /** 1-based position. */
  index: number;
  samples: string[];
  inferredType: InferredType;
}

export interface ImportPreview {
  format: ImportFormat;
  delimiter: Delimiter | null;
  /** JSON lead documents (`{id, attributes, …}`): no mapping needed. */
  documents: boolean;
  columns: PreviewColumn[];
  /** What each column holds over the sampled rows (see `ColumnProfiler`), in column order. */
  profiles: ColumnProfile[];
  suggestions: SuggestedColumn[];
  /** The mapping the preview used: the one given, or the suggested one. */
  mapping: ImportMapping;
  mappingIssues: MappingIssue[];
  badCells: BadCells;
  rows: { line: number; lead: Lead | null; errors: RowError[]; issues: RowError[] }[];
  sampledRows: number;
  /** Sampled rows that would be refused. */
  sampledErrors: number;
  /** Sampled rows that would be kept with some cells left out. */
  sampledKeptWithIssues: number;
  /** The problems of the sampled rows, per column with the first examples. */
  issues: IssueSummary;
  /**
   * What to look at before importing: a mapped column most sampled rows would have no value of
   * because its values do not fit; no sampled row giving a lead (the import would be refused).
   */
  warnings: string[];
}

const PREVIEW_ROWS = 20;
const SAMPLE_ROWS = 1_000;

/** A JSON value as the text a CSV cell would hold, for profiling. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * What an import of `text` (the start of a file) would give: its columns with samples, a guessed
 * type and a profile of the sampled rows, a mapping suggested by column name and values, the
 * first rows as leads (with cells left out) or errors, the problems per column, and warnings. A
 * truncated last line is dropped.
 */
export async function previewImport(
  input: {
    format: ImportFormat;
    text: string;
    delimiter?: Delimiter | 'auto';
    mapping?: ImportMapping;
    truncated?: boolean;
    badCells?: BadCells;
  },
  catalog: FieldCatalog,
): Promise<ImportPreview> {
  let text = input.text;
  if (input.truncated) {
    // The cut last line is left out, unless it is the only one (a header longer than the sample).
    const lastLine = text.lastIndexOf('\n');
    if (lastLine !== -1) text = text.slice(0, lastLine + 1);
  }
  checkText(text);
  const badCells = input.badCells ?? 'skip-cell';
  let columns: string[];
  let samples: unknown[][];
  let profiler: ColumnProfiler;
  let delimiter: Delimiter | null = null;
  let documents = false;
  if (input.format === 'csv') {
    delimiter =
      input.delimiter && input.delimiter !== 'auto'
        ? input.delimiter
        : detectDelimiter(text.replace(/^\uFEFF/, ''));
    const records: string[][] = [];
    const pieces = narrowHeader(textPieces(text), delimiter);
    for await (const record of csvRecords(pieces, delimiter, () => undefined)) {
      if (records.length === 0) checkHeader(record);
      records.push(record.cells);
      if (records.length % ROWS_PER_TURN === 0) await turn();
      if (records.length > SAMPLE_ROWS) break;
    }
    columns = importColumns(records[0] ?? []);
    profiler = new ColumnProfiler(columns);
    for (const record of records.slice(1)) profiler.push(record);
    samples = columns.map((_, i) => records.slice(1).map((r) => r[i]));
  } else {
    const values: unknown[] = [];
    const keys = new Set<string>();
    for await (const item of jsonValues(textPieces(text))) {
      if (!item.ok) continue;
      checkJsonItem(item.value, item.line);
      values.push(item.value);
      if (typeof item.value === 'object' && item.value !== null && !Array.isArray(item.value))
        for (const key of Object.keys(item.value)) keys.add(key);
      if (keys.size > IMPORT_LIMITS.columns)
        throw new ImportRefused(
          `The records have more than ${IMPORT_LIMITS.columns.toLocaleString('en')} different keys; an import takes at most ${IMPORT_LIMITS.columns.toLocaleString('en')} columns.`,
          { line: item.line },
        );
      if (values.length >= SAMPLE_ROWS) break;
    }
    documents = values.length > 0 && values.every(isLeadDocument);
    columns = documents ? [] : [...keys];
    samples = columns.map((key) =>
      values.map((v) => (typeof v === 'object' && v !== null ? ownValue(v, key) : undefined)),
    );
    profiler = new ColumnProfiler(columns);
    for (let r = 0; r < values.length; r++) profiler.push(samples.map((c) => cellText(c[r])));
  }
  const profiles = profiler.profiles();
  const suggestions = suggestMapping(columns, catalog, profiles);
  const mapping: ImportMapping =
    input.mapping ??
    importMappingSchema.parse({
      columns: Object.fromEntries(
        suggestions.filter((s) => s.target.kind !== 'ignore').map((s) => [s.column, s.target]),
      ),
    });
  const mappingIssues = documents ? [] : checkMapping(columns, mapping, catalog);
  const rows: ImportPreview['rows'] = [];
  const issues = new IssueLog();
  let sampledRows = 0;
  let sampledErrors = 0;
  let sampledKeptWithIssues = 0;
  /** Per mapped field: sampled rows that would have a value of it. */
  const valued = new Map<string, number>();
  if (mappingIssues.length === 0) {
    const usable =
      input.format === 'json' ? { ...mapping, columns: pick(mapping.columns, columns) } : mapping;
    const opened = await openImport(
      { format: input.format, delimiter: delimiter ?? undefined, mapping: usable, badCells },
      textPieces(text),
      catalog,
    );
    for await (const row of opened.rows) {
      sampledRows++;
      if (!row.ok) {
        sampledErrors++;
        issues.record(row.line, row.errors, false);
      } else {
        if (row.issues) {
          sampledKeptWithIssues++;
          issues.record(row.line, row.issues, true);
        }
        for (const field of Object.keys(row.lead.attributes))
          valued.set(field, (valued.get(field) ?? 0) + 1);
      }
      if (rows.length < PREVIEW_ROWS)
        rows.push({
          line: row.line,
          lead: row.ok ? row.lead : null,
          errors: row.ok ? [] : rowErrors(row.line, row.errors),
          issues: row.ok ? rowErrors(row.line, row.issues ?? []) : [],
        });
      if (sampledRows >= SAMPLE_ROWS) break;
    }
  }
  const summary = issues.summary();
  return {
    format: input.format,
    delimiter,
    documents,
    columns: columns.map((name, i) => ({
      name,
      index: i + 1,
      samples: samples[i]!.filter((v) => v !== undefined && v !== null && v !== '')
        .slice(0, SAMPLES)
        .map((v) => clipSample(typeof v === 'string' ? v : JSON.stringify(v))),
      inferredType: inferColumnType(samples[i]!.slice(0, 200)),
    })),
    profiles,
    suggestions,
    mapping,
    mappingIssues,
    badCells,
    rows,
    sampledRows,
    sampledErrors,
    sampledKeptWithIssues,
    issues: summary,
    warnings: previewWarnings(
      { mapping, catalog, profiles, summary, valued },
      sampledRows,
      sampledErrors,
    ),
  };
}

/**
 * Warnings of a preview: each mapped field column most of whose values would be lost because they
 * do not fit its field ("Company size: 980 of 1,000 sampled rows would have no value — "abc" is
 * not a number"), and a sample where no row gives a lead.
 */
function previewWarnings(
  seen: {
    mapping: ImportMapping;
    catalog: FieldCatalog;
    profiles: readonly ColumnProfile[];
    summary: IssueSummary;
    valued: ReadonlyMap<string, number>;
  },
  sampledRows: number,
  sampledErrors: number,
): string[] {
  const { mapping, catalog, profiles, summary, valued } = seen;
  const warnings: string[] = [];
  if (sampledRows === 0) return warnings;
  const n = (x: number) => x.toLocaleString('en');
  const labels = new Map(catalog.fields.map((f) => [f.id, f.label]));
  for (const [column, target] of Object.entries(mapping.columns)) {
    if (target.kind !== 'field') continue;
    const bad = summary.byColumn.find((c) => c.column === column && c.columnIndex > 0);
    const filled = profiles.find((p) => p.header === column)?.filled ?? 0;
    // Most of the values written in the column are lost (not: the column is mostly blank).
    if (!bad || bad.count * 2 <= filled) continue;
    const without = sampledRows - (valued.get(target.field) ?? 0);
    const label = labels.get(target.field) ?? target.field;
    warnings.push(
      `${label} (column "${column}"): ${n(without)} of ${n(sampledRows)} sampled rows would have no value — ${bad.examples[0]!.message} (${n(bad.count)} cell${bad.count === 1 ? ' does' : 's do'} not fit).`,
    );
  }
  if (sampledErrors === sampledRows)
    warnings.push(
      `None of the ${n(sampledRows)} sampled rows would give a lead: the import would be refused. Map at least one column whose values fit its field.`,
    );
  return warnings;
}

function pick<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  const wanted = new Set(keys);
  return Object.fromEntries(Object.entries(record).filter(([k]) => wanted.has(k)));
}

/** Samples a preview answers per column, and their longest text: what the page shows. */
const SAMPLES = 3;
const SAMPLE_CHARS = 120;

function clipSample(text: string): string {
  return text.length > SAMPLE_CHARS ? `${text.slice(0, SAMPLE_CHARS)}…` : text;
}

const ownValue = (value: object, key: string): unknown =>
  Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
