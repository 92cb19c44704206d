/** The start card: every lead enters here. */
export function StartBody() {
  return <p className="node-note">Every new or updated lead</p>;
}
