import {
  mergeWorkflows,
  type FieldCatalog,
  type MergeConflict,
  type MergeSide,
  type Workflow,
  type WorkflowMerge,
} from '@accord/engine';

export type { MergeConflict, MergeSide };

/**
 * Puts my unsaved edits on top of the newest saved draft: a three-way merge against the draft I
 * started from, step by step, row by row and field by field (the engine's `mergeWorkflows`).
 * Whatever only one side changed is kept; a value both changed differently is a conflict that a
 * person settles in `choices` (nothing is settled silently: the caller saves only when every
 * conflict has a choice).
 * @example
 * const { doc, conflicts } = mergeDrafts(base, mine, theirs, catalog);
 * if (conflicts.length === 0) save(doc);
 */
export function mergeDrafts(
  base: Workflow,
  mine: Workflow,
  theirs: Workflow,
  catalog: FieldCatalog,
  choices: Readonly<Record<string, MergeSide>> = {},
): WorkflowMerge {
  return mergeWorkflows(base, mine, theirs, catalog, choices);
}

/** Whether every conflict has a choice. */
export const allChosen = (
  conflicts: readonly MergeConflict[],
  choices: Readonly<Record<string, MergeSide>>,
) => conflicts.every((c) => choices[c.id] !== undefined);

/**
 * A conflict in plain words, e.g.
 * `Fit › Title is VP › points: theirs: 15 (Maya Marketing, marketing) / mine: 20`.
 */
export function conflictText(conflict: MergeConflict, theirs: string): string {
  return `${conflict.where.join(' › ')}: theirs: ${conflict.theirsText} (${theirs}) / mine: ${conflict.mineText}`;
}
