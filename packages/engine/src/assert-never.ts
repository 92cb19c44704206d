/**
 * Ends a `switch` over a closed union: adding a member makes every unhandled switch a type error.
 * @example default: return assertNever(node);
 */
export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`);
}
