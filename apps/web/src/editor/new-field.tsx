import type { FieldDef } from '@accord/engine';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTRPC } from '../lib/trpc';
import { NewFieldDialog } from './new-field-dialog';
import { useWorkflowContext } from './workflow-context';

/** What a field picker asks for "New field…". */
export interface NewFieldRequest {
  /** Opens the dialog; answers the field once it is in the catalog, or undefined if cancelled. */
  create(): Promise<FieldDef | undefined>;
}

/** Exported for component tests; the editor provides it with `NewFieldProvider`. */
export const NewFieldContext = createContext<NewFieldRequest | null>(null);

/** "New field…" for pickers, or null where fields cannot be added (read only, no permission). */
export function useNewField(): NewFieldRequest | null {
  return useContext(NewFieldContext);
}

/**
 * Lets the editor's field pickers add a field to the workspace's catalog without leaving the
 * editor: `fields.add` on the freshest catalog revision, then the live catalog is fetched again
 * so the new field is known (to the pickers and validation) before the picker selects it. Sits
 * inside the WorkflowContextProvider whose catalog is the `fields.catalog` query.
 */
export function NewFieldProvider(props: { enabled: boolean; children: ReactNode }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { index } = useWorkflowContext();
  const [open, setOpen] = useState(false);
  const waiting = useRef<((field: FieldDef | undefined) => void) | null>(null);
  const { mutateAsync } = useMutation(trpc.fields.add.mutationOptions());
  const settle = (field: FieldDef | undefined) => {
    waiting.current?.(field);
    waiting.current = null;
    setOpen(false);
  };
  const value = useMemo<NewFieldRequest | null>(
    () =>
      props.enabled
        ? {
            create: () =>
              new Promise((resolve) => {
                waiting.current?.(undefined);
                waiting.current = resolve;
                setOpen(true);
              }),
          }
        : null,
    [props.enabled],
  );
  const add = async (field: FieldDef) => {
    // The freshest revision: a teammate may have added a field since the editor loaded.
    const fresh = await queryClient.fetchQuery({
      ...trpc.fields.catalog.queryOptions(),
      staleTime: 0,
    });
    await mutateAsync({
      baseRevision: fresh.revision,
      field,
      reason: 'Added from the workflow editor',
    });
    await queryClient.invalidateQueries(trpc.fields.catalog.queryFilter());
    settle(field);
  };
  return (
    <NewFieldContext.Provider value={value}>
      {props.children}
      {props.enabled && (
        <NewFieldDialog
          open={open}
          takenIds={new Set(index.fields.keys())}
          onAdd={add}
          onCancel={() => settle(undefined)}
        />
      )}
    </NewFieldContext.Provider>
  );
}
