/**
 * The wire protocol is y-websocket's (y-protocols sync and awareness), served by the API at
 * `/collab/<workflowId>` on its own port; the first varUint of each message is its type.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** The path prefix of shared drafts (y-websocket appends `/<room>`). */
export const COLLAB_PATH = '/collab';

/** WebSocket close codes the server uses (4000–4999 are the application's). */
export const CLOSE_CODES = {
  /** The workflow does not exist in the person's workspace, or is archived. */
  notFound: 4404,
  /** The server is shutting down; reconnect (to another instance). */
  restarting: 4503,
  /** A message was malformed or too large. */
  badMessage: 4400,
  /** More messages a second than the server allows. */
  tooMany: 4429,
  /**
   * The person already holds as many shared-draft sockets as one may (a tab each); the reason
   * says so in words. Retried, since one of their tabs may close.
   */
  tooManyTabs: 4430,
} as const;

/** The largest WebSocket message the server accepts (a whole 2 MB document as one update, with room). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * The largest presence one client may share, as JSON text: a name, a cursor and what is being
 * edited take a few hundred characters, a selection of all 500 steps of a large workflow about
 * 20,000. Larger states are refused (a socket could otherwise relay megabytes to everyone).
 */
export const MAX_PRESENCE_CHARS = 64 * 1024;

/** How many presence client ids one socket may speak for (a browser tab uses one). */
export const MAX_PRESENCE_CLIENTS = 4;
