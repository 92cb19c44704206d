import { createContext, useContext } from 'react';
import type { RouterOutputs } from '../lib/types';

export type NodeComment = RouterOutputs['comments']['list'][number];

/** The comments of the draft (or of a version) on the canvas, and how to add one. */
export interface CommentsValue {
  byNode: ReadonlyMap<string, readonly NodeComment[]>;
  /** Absent where comments cannot be added (read-only roles). */
  add?: (nodeId: string, body: string) => Promise<void>;
}

export const CommentsContext = createContext<CommentsValue>({ byNode: new Map() });

export function useComments(): CommentsValue {
  return useContext(CommentsContext);
}
