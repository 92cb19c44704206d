import { extendCatalog, type FieldCatalog, type Workflow } from '@accord/engine';
import { useMemo } from 'react';
import { DecoratedCanvas } from '../../editor/decorated-canvas';
import {
  countNodesWith,
  GHOST_CLASS,
  PATH_CLASSES,
  pathDecorations,
} from '../../editor/decorations';

/** One side of a lead's explanation: its label, the document it ran and its path's node ids. */
export interface PathSide {
  label: string;
  document: Workflow;
  /** The catalog the side ran with (a version's pinned one, the live one for a draft). */
  catalog: FieldCatalog;
  path: readonly string[];
}

/**
 * A changed lead's two paths on the candidate workflow: the baseline's and the candidate's in
 * two colours, steps on both in a third; baseline steps the candidate lacks as ghosts.
 */
export function LeadPaths({ baseline, candidate }: { baseline: PathSide; candidate: PathSide }) {
  const shown = useMemo(
    () => pathDecorations(candidate.document, baseline.path, candidate.path, baseline.document),
    [candidate.document, baseline.document, baseline.path, candidate.path],
  );
  // Drawn on the candidate: its catalog names the fields; the baseline's names its ghost steps.
  const catalog = useMemo(
    () => extendCatalog(baseline.catalog, candidate.catalog),
    [baseline.catalog, candidate.catalog],
  );
  const ghosts = countNodesWith(shown.decorations, GHOST_CLASS);
  const count = (className: string) => countNodesWith(shown.decorations, className);
  return (
    <DecoratedCanvas
      doc={shown.doc}
      catalog={catalog}
      decorations={shown.decorations}
      label={`The lead's paths on ${candidate.label}`}
      testId="lead-paths-canvas"
      legend={[
        {
          className: PATH_CLASSES.baseline,
          label: 'baseline path only',
          count: count(PATH_CLASSES.baseline) - ghosts,
        },
        {
          className: PATH_CLASSES.candidate,
          label: 'candidate path only',
          count: count(PATH_CLASSES.candidate),
        },
        { className: PATH_CLASSES.both, label: 'both paths', count: count(PATH_CLASSES.both) },
        ...(ghosts > 0
          ? [
              {
                className: `${PATH_CLASSES.baseline} ${GHOST_CLASS}`,
                label: 'baseline steps the candidate removed',
                count: ghosts,
              },
            ]
          : []),
      ]}
      note={`Baseline: ${baseline.label} · candidate: ${candidate.label}, drawn here.`}
    />
  );
}
