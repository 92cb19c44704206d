/** Every diagnostic code `validate` can report. */
export const DIAGNOSTIC_CODES = [
  'invalid-document',
  'invalid-catalog',
  'internal-error',
  'missing-start',
  'multiple-starts',
  'duplicate-id',
  'duplicate-handle',
  'dangling-edge',
  'unknown-handle',
  'edge-into-start',
  'duplicate-edge',
  'ambiguous-handle',
  'cycle',
  'unreachable-node',
  'unconnected-handle',
  'path-without-stage',
  'unknown-field',
  'retired-field',
  'field-changed',
  'unknown-event',
  'unknown-event-prop',
  'unknown-score',
  'unknown-stage',
  'unknown-tag',
  'unknown-enum-value',
  'unknown-placeholder',
  'missing-prop',
  'missing-score',
  'bad-aggregate',
  'operator-type-mismatch',
  'value-type-mismatch',
  'empty-value',
  'ignored-value',
  'empty-predicate',
  'empty-node',
  'empty-tag',
  'bad-threshold',
  'bad-table',
  'decay-without-events',
  'missing-label',
  /** compileSql: a feature SQL cannot compute exactly as the JavaScript evaluator does. */
  'not-in-sql',
] as const;
export type DiagnosticCode = (typeof DIAGNOSTIC_CODES)[number];

/** One finding of `validate`; errors block proposing and publishing a version. */
export interface Diagnostic {
  severity: 'error' | 'warning';
  code: DiagnosticCode;
  message: string;
  nodeId?: string;
  edgeId?: string;
  /** Where in the document, e.g. `nodes[3].data.rows[2].points`. */
  path?: string;
}

/**
 * Whether any diagnostic is an error.
 * @example hasErrors(validate(workflow)) // false for the default workflow
 */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
