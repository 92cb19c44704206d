import { parseWorkflow, type Workflow } from '@accord/engine';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useTRPC, useTRPCClient } from '../../lib/trpc';

/** How often an edit is tried again on a draft a teammate saved meanwhile. */
const ATTEMPTS = 3;

const isConflict = (error: unknown) =>
  error instanceof TRPCClientError &&
  (error.data as { code?: string } | undefined)?.code === 'CONFLICT';

/**
 * Edits a workflow's draft from outside the editor (the Tune page): reads the newest draft,
 * applies `recipe` and saves it on that revision through `draft.save`, the path every editor
 * save takes, so the edit is validated, attributed and audited like any other. A teammate's save
 * in between (CONFLICT) re-reads the draft and applies the recipe to it again; the recipe sees
 * the newest document, so nothing of theirs is overwritten.
 * @example const edit = useDraftEdit(workflowId); await edit.mutateAsync((doc) => withRowPoints(doc, 'fit', 'name', 15));
 */
export function useDraftEdit(workflowId: string) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (recipe: (doc: Workflow) => Workflow) => {
      for (let attempt = 1; ; attempt++) {
        const draft = await client.draft.get.query({ workflowId });
        const parsed = parseWorkflow(draft.document);
        if (!parsed.ok)
          throw new Error(
            `The draft is not a readable workflow (${parsed.errors[0]?.path ?? ''}); open it in the editor first.`,
          );
        const document = recipe(parsed.workflow);
        try {
          return await client.draft.save.mutate({
            workflowId,
            baseRevision: draft.revision,
            document,
          });
        } catch (error) {
          if (!isConflict(error) || attempt >= ATTEMPTS) throw error;
        }
      }
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries(trpc.draft.get.queryFilter({ workflowId })),
        queryClient.invalidateQueries({ queryKey: trpc.workflows.pathKey() }),
        // Thresholds, sites and suggestions read the draft.
        queryClient.invalidateQueries({ queryKey: trpc.tuning.pathKey() }),
      ]),
  });
}
