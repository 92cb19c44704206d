import { sql } from 'kysely';
import type { Executor } from '../executor';

/** Most issues kept per lead set; past it they are counted (`issue_count`) but not kept. */
export const MAX_STORED_ISSUES = 1_000_000;

/** One problem of an import, as `appendLeadSetIssues` takes it. */
export interface LeadSetIssueInput {
  line: number;
  columnIndex: number;
  column: string;
  value: string;
  reason: string;
  rowKept: boolean;
}

/**
 * Appends issues of a set at `firstSeq`, `firstSeq + 1` … in one statement (the batch travels as
 * one JSON parameter, as `appendLeads` does).
 * @example await appendLeadSetIssues(db, set.id, 0, [{ line: 2, columnIndex: 3, column: 'Size', value: 'abc', reason: '"abc" is not a number', rowKept: true }]);
 */
export async function appendLeadSetIssues(
  db: Executor,
  leadSetId: string,
  firstSeq: number,
  issues: readonly LeadSetIssueInput[],
): Promise<void> {
  if (issues.length === 0) return;
  await sql`insert into lead_set_issues
      (lead_set_id, seq, line, column_index, column_name, value, reason, row_kept)
    select ${leadSetId}::uuid, ${firstSeq}::int + (t.ord::int - 1), (t.elem->>'line')::int,
      (t.elem->>'columnIndex')::int, t.elem->>'column', t.elem->>'value', t.elem->>'reason',
      (t.elem->>'rowKept')::boolean
    from json_array_elements(${JSON.stringify(issues)}::json) with ordinality as t(elem, ord)`.execute(
    db,
  );
}

/** Issues `fromSeq` … `fromSeq + limit - 1` of a set, in the order they were found. */
export async function leadSetIssuePage(
  db: Executor,
  leadSetId: string,
  fromSeq: number,
  limit: number,
) {
  return db
    .selectFrom('lead_set_issues')
    .select(['seq', 'line', 'column_index', 'column_name', 'value', 'reason', 'row_kept'])
    .where('lead_set_id', '=', leadSetId)
    .where('seq', '>=', fromSeq)
    .where('seq', '<', fromSeq + limit)
    .orderBy('seq')
    .execute();
}
