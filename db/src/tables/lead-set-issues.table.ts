/** One problem an import found: a cell left out of its lead (`row_kept`) or a row refused. */
export interface LeadSetIssuesTable {
  lead_set_id: string;
  /** 0, 1, 2 … in the order the import found them (file order). */
  seq: number;
  /** Line of the file (1-based; the header is line 1). */
  line: number;
  /** 1-based column position; 0 for the whole row or a JSON path. */
  column_index: number;
  column_name: string;
  /** The cell as written, at most 200 characters. */
  value: string;
  reason: string;
  /** The row still gave a lead (only this cell was left out). */
  row_kept: boolean;
}
