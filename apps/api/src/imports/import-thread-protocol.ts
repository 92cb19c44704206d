import type {
  BadCells,
  CellError,
  FieldCatalog,
  ImportMapping,
  MappingIssue,
} from '@accord/engine';
import type { Delimiter } from './csv-rows';
import type { ImportFormat } from './import-leads';

/** What an import's worker thread is started with (`workerData`). */
export interface ImportThreadStart {
  input: {
    format: ImportFormat;
    delimiter?: Delimiter | 'auto';
    mapping: ImportMapping;
    badCells?: BadCells;
  };
  catalog: FieldCatalog;
}

/** The problems of one row: cells left out of a kept row, or why a row was refused. */
export interface RowProblems {
  line: number;
  errors: CellError[];
  kept: boolean;
}

/** Rows of the file per batch (a batch holds at most as many leads as the loader stores at once). */
export const THREAD_BATCH_ROWS = 2_000;

/**
 * Up to `THREAD_BATCH_ROWS` rows of the file, in order: the kept leads written as JSON (with their ids),
 * how many rows they came from, and the problems of those rows.
 */
export interface ThreadBatch {
  ids: string[];
  json: string[];
  hasOutcomes: boolean;
  rows: number;
  problems: RowProblems[];
}

/** An error of the import, sent over as data and thrown again as its own class. */
export type ThreadError =
  | { kind: 'mapping'; issues: MappingIssue[] }
  | { kind: 'refused'; message: string; at?: { line: number; column?: number } }
  | { kind: 'other'; message: string };

export type ToImportThread =
  /** A piece of the file. */
  | { type: 'chunk'; chunk: string | Uint8Array }
  /** The file ended. */
  | { type: 'end' }
  /** One more batch may be sent. */
  | { type: 'more' };

export type FromImportThread =
  /** A piece of the file was taken: another may be sent. */
  | { type: 'took' }
  /** The header was read and the mapping checked against it. */
  | { type: 'columns'; columns: string[] }
  | ({ type: 'batch' } & ThreadBatch)
  | { type: 'done' }
  | { type: 'error'; error: ThreadError };
