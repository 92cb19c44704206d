import { parseWorkflow, type Workflow } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { DecoratedCanvas } from '../../editor/decorated-canvas';
import {
  countNodesWith,
  GHOST_CLASS,
  PATH_CLASSES,
  pathDecorations,
} from '../../editor/decorations';
import { useTRPC } from '../../lib/trpc';
import { useVersionDocument } from '../use-version-document';

/** One side of a lead's explanation: its label and the node ids its path went through. */
export interface PathSide {
  label: string;
  path: readonly string[];
}

/**
 * The documents a run compared: the baseline version, and the candidate version or the draft
 * (the draft as it is now, with whether it is still the revision the run used: the run's own
 * copy of the draft is not served).
 */
function useRunDocuments(runId: string) {
  const trpc = useTRPC();
  const run = useQuery(trpc.simulations.get.queryOptions({ runId }));
  const baseline = useVersionDocument(run.data?.baseline.versionId ?? '');
  const candidateVersionId = run.data?.candidate.versionId ?? '';
  const candidateVersion = useVersionDocument(candidateVersionId);
  const draft = useQuery({
    ...trpc.draft.get.queryOptions({ workflowId: run.data?.workflowId ?? '' }),
    enabled: !!run.data && !candidateVersionId,
  });
  const draftDoc = useMemo(() => {
    if (!draft.data) return undefined;
    const parsed = parseWorkflow(draft.data.document);
    return parsed.ok ? parsed.workflow : undefined;
  }, [draft.data]);
  const candidate: Workflow | undefined = candidateVersionId ? candidateVersion.workflow : draftDoc;
  const draftMoved =
    !candidateVersionId &&
    !!draft.data &&
    draft.data.revision !== run.data?.candidate.draftRevision;
  const error =
    run.error ?? baseline.version.error ?? candidateVersion.version.error ?? draft.error;
  return { baseline: baseline.workflow, candidate, draftMoved, error };
}

/**
 * A changed lead's two paths on the candidate workflow: the baseline's and the candidate's in
 * two colours, steps on both in a third; baseline steps the candidate lacks as ghosts.
 */
export function LeadPaths(props: { runId: string; baseline: PathSide; candidate: PathSide }) {
  const docs = useRunDocuments(props.runId);
  const { baseline, candidate } = props;
  const shown = useMemo(
    () =>
      docs.candidate &&
      pathDecorations(docs.candidate, baseline.path, candidate.path, docs.baseline),
    [docs.candidate, docs.baseline, baseline.path, candidate.path],
  );
  if (docs.error) return <p className="error">{docs.error.message}</p>;
  if (!shown) return <p className="muted">Drawing the paths…</p>;
  const ghosts = countNodesWith(shown.decorations, GHOST_CLASS);
  const count = (className: string) => countNodesWith(shown.decorations, className);
  return (
    <>
      {docs.draftMoved && (
        <p className="small muted">
          The draft has been edited since this run; the paths are drawn on the draft as it is now.
        </p>
      )}
      <DecoratedCanvas
        doc={shown.doc}
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
    </>
  );
}
