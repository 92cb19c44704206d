/**
 * `--mapping` of `accord simulate` and `accord score`: a CSV export read as the app's import
 * reads it (headers mapped to fields, labels to enum values, thousands separators, yes/no,
 * dates in the file's order, a field's "missing" texts), written as lead documents that
 * `loadLeadFiles` reads. The leads are the ones an import of the file would store.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { once } from 'node:events';
import { importMappingSchema, type FieldCatalog, type ImportMapping } from '@accord/engine';
import { IssueLog } from '../imports/import-issues';
import {
  emptyTally,
  goodLeads,
  MappingError,
  openImport,
  previewImport,
} from '../imports/import-leads';
import { WarehouseInputError } from './duckdb-simulation';

/** How much of the file the suggested mapping is made from (as the import page's preview). */
const SUGGEST_FROM_BYTES = 1024 * 1024;

/** What reading the export through the import gave. */
export interface MappedExport {
  rows: number;
  leads: number;
  /** Rows no lead came of (e.g. a row of the wrong width). */
  refused: number;
  /** Cells that could not be read as their field, left out of their lead. */
  cellsLeftOut: number;
  /** The first problems, as `line N, column: message` (a few per column). */
  problems: string[];
}

/** Problems `MappedExport` names. */
const PROBLEMS_SHOWN = 5;

/**
 * The mapping of `--mapping`: `auto` for the one the import page suggests from the start of the
 * file, else a JSON file (`{"columns": {"Column": {"kind": "field", "field": "id"}, …},
 * "dateOrder": "dmy"}`, as the app's import takes it).
 */
export async function exportMapping(
  flag: string,
  path: string,
  catalog: FieldCatalog,
): Promise<ImportMapping> {
  if (flag === 'auto') {
    const head = Buffer.alloc(SUGGEST_FROM_BYTES);
    let read: number;
    try {
      const file = await open(path);
      try {
        ({ bytesRead: read } = await file.read(head, 0, SUGGEST_FROM_BYTES, 0));
      } finally {
        await file.close();
      }
    } catch {
      throw new WarehouseInputError(`--in ${path}: cannot read the file.`);
    }
    const text = head.subarray(0, read).toString('utf8');
    try {
      const preview = await previewImport(
        { format: 'csv', text, truncated: read === SUGGEST_FROM_BYTES },
        catalog,
      );
      return preview.mapping;
    } catch (error) {
      // What the import refuses (not text, empty, too many columns …), in its own words.
      throw new WarehouseInputError(`--in ${path}: ${(error as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(flag, 'utf8'));
  } catch (error) {
    throw new WarehouseInputError(
      `--mapping ${flag}: ${(error as { code?: string }).code === 'ENOENT' ? 'no such file' : `not JSON (${(error as Error).message})`}.`,
    );
  }
  const checked = importMappingSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new WarehouseInputError(
      `--mapping ${flag}: ${issue.path.join('.') || 'the file'}: ${issue.message}.`,
    );
  }
  return checked.data;
}

/**
 * Reads the CSV export at `path` as the app's import would with `mapping`, and writes each lead
 * as a JSON line to `out`. Refuses a mapping that does not fit the file or the catalog, naming why.
 * @example const mapped = await writeMappedExport('export.csv', mapping, catalog, 'leads.ndjson');
 */
export async function writeMappedExport(
  path: string,
  mapping: ImportMapping,
  catalog: FieldCatalog,
  out: string,
): Promise<MappedExport> {
  // The import's own tally; problems counted and summed up per column, none kept for storage.
  const tally = emptyTally();
  const issues = new IssueLog({ maxStored: 0, maxBuffered: 0 });
  const target = createWriteStream(out);
  try {
    const opened = await openImport(
      { format: 'csv', delimiter: 'auto', mapping },
      createReadStream(path) as AsyncIterable<Buffer>,
      catalog,
    );
    for await (const leads of goodLeads(opened.rows, tally, issues, 10_000)) {
      const lines = leads.map((lead) => `${JSON.stringify(lead)}\n`).join('');
      if (!target.write(lines)) await once(target, 'drain');
    }
    target.end();
    await once(target, 'finish');
  } catch (error) {
    target.destroy();
    if (error instanceof MappingError)
      throw new WarehouseInputError(`--mapping does not fit ${path}: ${error.message}`);
    if ((error as { code?: string }).code === 'ENOENT')
      throw new WarehouseInputError(`--in ${path}: no such file.`);
    if (error instanceof WarehouseInputError) throw error;
    throw new WarehouseInputError(`--in ${path}: ${(error as Error).message}`);
  }
  const problems = issues
    .summary()
    .byColumn.flatMap((c) =>
      c.examples.map((e) => `line ${e.line}${c.column ? `, ${c.column}` : ''}: ${e.message}`),
    );
  return {
    rows: tally.rows,
    leads: tally.imported,
    refused: tally.rejected,
    cellsLeftOut: issues.cellsLeftOut,
    problems: problems.slice(0, PROBLEMS_SHOWN),
  };
}
