import {
  checkMapping,
  createRowMapper,
  importColumns,
  importMappingSchema,
  inferColumnType,
  mapLeadDocument,
  suggestMapping,
  type CellError,
  type FieldCatalog,
  type ImportMapping,
  type InferredType,
  type Lead,
  type MappedRow,
  type MappingIssue,
  type SuggestedColumn,
} from '@accord/engine';
import { csvRecords, detectDelimiter, type Delimiter } from './csv-rows';
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

const rowErrors = (line: number, errors: CellError[]): RowError[] =>
  errors.map((e) => ({ line, ...e }));

/**
 * Opens an import: for CSV reads the header (the first record) and checks the mapping against
 * its columns and the catalog (a MappingError before any lead is written), then streams every
 * row mapped to a lead or to its errors, in file order. Records the CSV parser cannot read come
 * as rows with errors too. JSON lead documents (`{id, attributes, …}`) need no mapping; flat JSON
 * records are mapped by key like CSV columns.
 */
export async function openImport(
  input: { format: ImportFormat; delimiter?: Delimiter | 'auto'; mapping: ImportMapping },
  source: Chunks,
  catalog: FieldCatalog,
): Promise<{ columns: string[]; rows: AsyncGenerator<ImportRow> }> {
  if (input.format === 'json') {
    const columns = Object.keys(input.mapping.columns);
    const issues = checkMapping(columns, input.mapping, catalog);
    if (issues.length) throw new MappingError(issues);
    const mapRow = createRowMapper(columns, input.mapping, catalog);
    async function* rows(): AsyncGenerator<ImportRow> {
      for await (const item of jsonValues(source)) {
        if (!item.ok) {
          yield {
            line: item.line,
            ok: false,
            errors: [{ column: '', columnIndex: 0, message: item.message }],
          };
          continue;
        }
        const value = item.value;
        if (isLeadDocument(value)) yield { line: item.line, ...mapLeadDocument(value, catalog) };
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
      ? { delimiter: input.delimiter, chunks: source }
      : await peekDelimiter(source);
  const problems: { line: number; message: string }[] = [];
  const records = csvRecords(peeked.chunks, peeked.delimiter, (p) => problems.push(p));
  const header = await records.next();
  const columns = header.done ? [] : importColumns(header.value.cells);
  const issues = checkMapping(columns, input.mapping, catalog);
  if (issues.length) {
    await records.return(undefined);
    throw new MappingError(issues);
  }
  const mapRow = createRowMapper(columns, input.mapping, catalog);
  async function* rows(): AsyncGenerator<ImportRow> {
    for await (const record of records) {
      while (problems.length) {
        const p = problems.shift()!;
        yield {
          line: p.line,
          ok: false,
          errors: [{ column: '', columnIndex: 0, message: p.message }],
        };
      }
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

/** What an import did: leads kept, rows refused, and the first errors (all counted). */
export interface ImportTally {
  rows: number;
  imported: number;
  rejected: number;
  errors: RowError[];
  errorsTruncated: boolean;
}

/** How many row errors an import answer and its lead set record keep. */
export const MAX_REPORTED_ERRORS = 1_000;

/**
 * Batches the good leads of an import for `loadLeadSet`, tallying refused rows as it goes.
 */
export async function* goodLeads(
  rows: AsyncIterable<ImportRow>,
  tally: ImportTally,
  batchSize = 2_000,
): AsyncGenerator<Lead[]> {
  let batch: Lead[] = [];
  for await (const row of rows) {
    tally.rows++;
    if (row.ok) {
      tally.imported++;
      batch.push(row.lead);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    } else {
      tally.rejected++;
      for (const error of rowErrors(row.line, row.errors)) {
        if (tally.errors.length < MAX_REPORTED_ERRORS) tally.errors.push(error);
        else tally.errorsTruncated = true;
      }
    }
  }
  if (batch.length) yield batch;
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
  suggestions: SuggestedColumn[];
  /** The mapping the preview used: the one given, or the suggested one. */
  mapping: ImportMapping;
  mappingIssues: MappingIssue[];
  rows: { line: number; lead: Lead | null; errors: RowError[] }[];
  sampledRows: number;
  sampledErrors: number;
}

const PREVIEW_ROWS = 20;
const SAMPLE_ROWS = 1_000;

/**
 * What an import of `text` (the start of a file) would give: its columns with samples and a
 * guessed type, a mapping suggested by column name, the first rows as leads or errors, and how
 * many of the sampled rows would be refused. A truncated last line is dropped.
 */
export async function previewImport(
  input: {
    format: ImportFormat;
    text: string;
    delimiter?: Delimiter | 'auto';
    mapping?: ImportMapping;
    truncated?: boolean;
  },
  catalog: FieldCatalog,
): Promise<ImportPreview> {
  let text = input.text;
  if (input.truncated) text = text.slice(0, Math.max(0, text.lastIndexOf('\n') + 1));
  let columns: string[];
  let samples: unknown[][];
  let delimiter: Delimiter | null = null;
  let documents = false;
  if (input.format === 'csv') {
    delimiter =
      input.delimiter && input.delimiter !== 'auto'
        ? input.delimiter
        : detectDelimiter(text.replace(/^\uFEFF/, ''));
    const records: string[][] = [];
    for await (const record of csvRecords([text], delimiter, () => undefined)) {
      records.push(record.cells);
      if (records.length > SAMPLE_ROWS) break;
    }
    columns = importColumns(records[0] ?? []);
    samples = columns.map((_, i) => records.slice(1).map((r) => r[i]));
  } else {
    const values: unknown[] = [];
    for await (const item of jsonValues([text])) {
      if (item.ok) values.push(item.value);
      if (values.length >= SAMPLE_ROWS) break;
    }
    documents = values.length > 0 && values.every(isLeadDocument);
    const keys = new Set<string>();
    for (const v of values)
      if (!documents && typeof v === 'object' && v !== null && !Array.isArray(v))
        for (const key of Object.keys(v)) keys.add(key);
    columns = [...keys];
    samples = columns.map((key) =>
      values.map((v) =>
        typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined,
      ),
    );
  }
  const suggestions = suggestMapping(columns, catalog);
  const mapping: ImportMapping =
    input.mapping ??
    importMappingSchema.parse({
      columns: Object.fromEntries(
        suggestions.filter((s) => s.target.kind !== 'ignore').map((s) => [s.column, s.target]),
      ),
    });
  const mappingIssues = documents ? [] : checkMapping(columns, mapping, catalog);
  const rows: ImportPreview['rows'] = [];
  let sampledRows = 0;
  let sampledErrors = 0;
  if (mappingIssues.length === 0) {
    const usable =
      input.format === 'json' ? { ...mapping, columns: pick(mapping.columns, columns) } : mapping;
    const opened = await openImport(
      { format: input.format, delimiter: delimiter ?? undefined, mapping: usable },
      [text],
      catalog,
    );
    for await (const row of opened.rows) {
      sampledRows++;
      if (!row.ok) sampledErrors++;
      if (rows.length < PREVIEW_ROWS)
        rows.push({
          line: row.line,
          lead: row.ok ? row.lead : null,
          errors: row.ok ? [] : rowErrors(row.line, row.errors),
        });
      if (sampledRows >= SAMPLE_ROWS) break;
    }
  }
  return {
    format: input.format,
    delimiter,
    documents,
    columns: columns.map((name, i) => ({
      name,
      index: i + 1,
      samples: samples[i]!.filter((v) => v !== undefined && v !== null && v !== '')
        .slice(0, 5)
        .map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      inferredType: inferColumnType(samples[i]!.slice(0, 200)),
    })),
    suggestions,
    mapping,
    mappingIssues,
    rows,
    sampledRows,
    sampledErrors,
  };
}

function pick<T>(record: Record<string, T>, keys: readonly string[]): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => keys.includes(k)));
}
