/** How many lines of a list a node shows before "+ N more" (keeps big workflows light). */
export const MAX_LINES = 6;

/** The "+ N more" line closing a card's list that has more than MAX_LINES items. */
export function MoreLines({ count }: { count: number }) {
  return count > MAX_LINES ? <li className="more">+ {count - MAX_LINES} more</li> : null;
}
