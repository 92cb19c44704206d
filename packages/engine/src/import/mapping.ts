import { z } from 'zod';

/** What one column of an import becomes. */
export const columnTargetSchema = z.discriminatedUnion('kind', [
  /** Not imported. */
  z.object({ kind: z.literal('ignore') }),
  /** The lead's id (a blank id becomes `row-<line>`). */
  z.object({ kind: z.literal('id') }),
  /** A catalog field, coerced to its type. */
  z.object({ kind: z.literal('field'), field: z.string().min(1) }),
  /** A JSON array of events `{type, at, props}`. */
  z.object({ kind: z.literal('events') }),
  /**
   * What really happened to the lead: `converted` (yes/no), `won` (won/lost, yes/no) or
   * `stage` (the stage reached; `convertedStages` are the ones that count as converted).
   */
  z.object({
    kind: z.literal('outcome'),
    as: z.enum(['converted', 'won', 'stage']),
    convertedStages: z.array(z.string().min(1)).optional(),
  }),
]);
export type ColumnTarget = z.infer<typeof columnTargetSchema>;

/** Column name (as `importColumns` names it) → what it becomes; columns not named are ignored. */
export const importMappingSchema = z.object({
  columns: z.record(z.string(), columnTargetSchema),
  /** How to read dates such as 03/04/2026. */
  dateOrder: z.enum(['mdy', 'dmy']).default('mdy'),
});
export type ImportMapping = z.infer<typeof importMappingSchema>;
export type ImportMappingInput = z.input<typeof importMappingSchema>;

/** Stages that count as converted when an outcome column holds the stage reached. */
export const DEFAULT_CONVERTED_STAGES = [
  'sql',
  'sales qualified',
  'opportunity',
  'customer',
  'won',
  'closed won',
];

/**
 * Column names from a header row: trimmed; a blank name (a trailing comma) becomes
 * `column_<n>`, a repeated one gets ` (2)`, ` (3)` …, so every column has its own name.
 * @example importColumns(['Email', 'email', '']) // ['Email', 'email (2)', 'column_3']
 */
export function importColumns(header: readonly unknown[]): string[] {
  const seen = new Map<string, number>();
  return header.map((cell, i) => {
    const base = String(cell ?? '').trim() || `column_${i + 1}`;
    const key = base.toLowerCase();
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n === 1 ? base : `${base} (${n})`;
  });
}
