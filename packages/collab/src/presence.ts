/** Who someone in a shared draft is, as the server vouches for it (never as the client says). */
export interface PresenceUser {
  id: string;
  name: string;
  role: string;
  colour: string;
}

/** What each person in a shared draft shares with the others (Yjs awareness state). */
export interface Presence {
  user: PresenceUser;
  /** The pointer on the canvas, in flow coordinates; null off the canvas. */
  cursor?: { x: number; y: number } | null;
  /** The steps selected. */
  selection?: string[];
  /** The step open in the inspector and the part being edited, e.g. "Title is VP". */
  editing?: { nodeId: string; what: string } | null;
}

/** What a server instance shares in the draft: what it has persisted. */
export interface ServerPresence {
  server: {
    instance: string;
    /** The draft's revision in the database. */
    revision: number;
    savedAt: string;
    /** The persisted state vector: per client id, how many of its changes are in the database. */
    persisted: Record<string, number>;
  };
}

/** Eight colours that read on white and on the stage colours; one per person by their id. */
export const PRESENCE_COLOURS = [
  '#d9480f',
  '#1971c2',
  '#2f9e44',
  '#ae3ec9',
  '#e8590c',
  '#0c8599',
  '#c2255c',
  '#5f3dc4',
] as const;

/**
 * A person's colour in every shared draft (a hash of their id).
 * @example colourFor('9f0c…') // '#1971c2'
 */
export function colourFor(userId: string): string {
  let hash = 0;
  for (let i = 0; i < userId.length; i++) hash = (hash * 31 + userId.charCodeAt(i)) >>> 0;
  return PRESENCE_COLOURS[hash % PRESENCE_COLOURS.length] as string;
}
