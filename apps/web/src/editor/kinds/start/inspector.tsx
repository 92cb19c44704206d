/** The start step has nothing to set; the inspector says what it is for. */
export function StartInspector() {
  return (
    <p className="hint">
      Every new or updated lead enters the agreement here. Connect it to the first check.
    </p>
  );
}
