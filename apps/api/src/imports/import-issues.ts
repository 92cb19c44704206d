import { MAX_STORED_ISSUES, type LeadSetIssueInput } from '@accord/db';
import { IMPORT_LIMITS, type CellError } from '@accord/engine';

/** The problems of one column: how many, and the first few with their line and value. */
export interface ColumnIssues {
  /** The column name ('' for problems of a whole row, a path such as `attributes.x` for JSON). */
  column: string;
  /** 1-based position; 0 for the whole row or a JSON path. */
  columnIndex: number;
  count: number;
  examples: { line: number; value: string; message: string }[];
}

/** What an import (or a preview of one) found wrong, summed up. */
export interface IssueSummary {
  /** Every problem found: cells left out of kept rows, and the problems of refused rows. */
  count: number;
  /** Cells left out of rows that were kept (`badCells: 'skip-cell'`). */
  cellsLeftOut: number;
  /** Rows kept with at least one cell left out. */
  rowsKeptWithIssues: number;
  /** Problems kept with the lead set for download (fewer than `count` when `capped`). */
  stored: number;
  capped: boolean;
  /** Per column, in the order of the file's columns (row problems first). */
  byColumn: ColumnIssues[];
}

/** Examples kept per column. */
const EXAMPLES = 3;
/** Columns summed up one by one; problems of further columns (JSON paths) go to one entry. */
const MAX_SUMMARY_COLUMNS = IMPORT_LIMITS.columns;
const OTHER = '(other columns)';
/** Problems held in memory before the lead set exists (no row kept yet), to store later. */
const MAX_BUFFERED = 100_000;
/** Problems written per statement. */
const WRITE_BATCH = 5_000;

/**
 * Collects the problems of an import as rows go by: counts and examples per column for the
 * answer, and every problem (up to `MAX_STORED_ISSUES` per set) for `lead_set_issues`, written
 * in batches by `flush` once the set exists. Memory stays bounded: at most `MAX_BUFFERED`
 * problems wait for the set to exist, at most `WRITE_BATCH` or so afterwards.
 */
export class IssueLog {
  private readonly maxStored: number;
  private readonly maxBuffered: number;
  constructor(limits: { maxStored?: number; maxBuffered?: number } = {}) {
    this.maxStored = limits.maxStored ?? MAX_STORED_ISSUES;
    this.maxBuffered = limits.maxBuffered ?? MAX_BUFFERED;
  }

  private readonly columns = new Map<string, ColumnIssues>();
  private pending: LeadSetIssueInput[] = [];
  private written = 0;
  private buffered = true;
  count = 0;
  cellsLeftOut = 0;
  rowsKeptWithIssues = 0;
  /** Problems not kept (past the cap, or past the buffer before the set existed). */
  dropped = 0;

  /** The problems of one row: cells left out of a kept row, or why a row was refused. */
  record(line: number, errors: readonly CellError[], rowKept: boolean): void {
    if (errors.length === 0) return;
    if (rowKept) {
      this.rowsKeptWithIssues++;
      this.cellsLeftOut += errors.length;
    }
    for (const error of errors) {
      this.count++;
      const value = error.value ?? '';
      this.summarise(line, error, value);
      const room = this.buffered
        ? this.maxBuffered - this.pending.length
        : this.maxStored - this.written - this.pending.length;
      if (room > 0 && this.written + this.pending.length < this.maxStored)
        this.pending.push({
          line,
          columnIndex: error.columnIndex,
          column: error.column,
          value,
          reason: error.message,
          rowKept,
        });
      else this.dropped++;
    }
  }

  private summarise(line: number, error: CellError, value: string) {
    let key = `${error.columnIndex}\u0000${error.column}`;
    let entry = this.columns.get(key);
    if (entry === undefined && this.columns.size >= MAX_SUMMARY_COLUMNS) {
      key = OTHER;
      entry = this.columns.get(key);
    }
    if (entry === undefined) {
      entry = {
        column: key === OTHER ? OTHER : error.column,
        columnIndex: key === OTHER ? 0 : error.columnIndex,
        count: 0,
        examples: [],
      };
      this.columns.set(key, entry);
    }
    entry.count++;
    if (entry.examples.length < EXAMPLES)
      entry.examples.push({ line, value, message: error.message });
  }

  /** Whether enough problems wait that they should be written now. */
  get full(): boolean {
    return this.pending.length >= WRITE_BATCH;
  }

  /**
   * Writes the waiting problems (`write` stores a batch at `firstSeq`, e.g. `appendLeadSetIssues`
   * for the set); from now on, few wait at a time.
   */
  async flush(
    write: (firstSeq: number, batch: readonly LeadSetIssueInput[]) => Promise<void>,
  ): Promise<void> {
    this.buffered = false;
    while (this.pending.length) {
      const batch = this.pending.splice(0, WRITE_BATCH);
      await write(this.written, batch);
      this.written += batch.length;
    }
  }

  /** Problems kept so far (written and waiting). */
  get stored(): number {
    return this.written + this.pending.length;
  }

  summary(): IssueSummary {
    return {
      count: this.count,
      cellsLeftOut: this.cellsLeftOut,
      rowsKeptWithIssues: this.rowsKeptWithIssues,
      stored: this.stored,
      capped: this.dropped > 0,
      byColumn: [...this.columns.values()].sort(
        (a, b) =>
          (a.column === OTHER ? 1 : 0) - (b.column === OTHER ? 1 : 0) ||
          a.columnIndex - b.columnIndex,
      ),
    };
  }
}

/** Where the whole report of a lead set's problems is downloaded as CSV. */
export const issuesCsvPath = (leadSetId: string) => `/api/lead-sets/${leadSetId}/issues.csv`;
