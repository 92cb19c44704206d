const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/**
 * Counts failed sign-ins per email and client address over a sliding 15-minute window; after 5
 * the address is refused until the window passes. Kept in memory per API process (see README).
 */
export class SignInThrottle {
  readonly #failures = new Map<string, number[]>();
  /** Password checks under way per key: a parallel burst counts before any of it fails. */
  readonly #inFlight = new Map<string, number>();

  constructor(
    readonly maxFailures = MAX_FAILURES,
    readonly windowMs = WINDOW_MS,
  ) {}

  #recent(key: string, now: number): number[] {
    const kept = (this.#failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (kept.length) this.#failures.set(key, kept);
    else this.#failures.delete(key);
    return kept;
  }

  /**
   * Reserves one password check for `key`; false when the recent failures plus the checks under
   * way already reach the limit. Every `true` must be followed by `fail` or `succeed`.
   */
  begin(key: string, now = Date.now()): boolean {
    const pending = this.#inFlight.get(key) ?? 0;
    if (this.#recent(key, now).length + pending >= this.maxFailures) return false;
    this.#inFlight.set(key, pending + 1);
    return true;
  }

  fail(key: string, now = Date.now()) {
    this.#end(key);
    this.#failures.set(key, [...this.#recent(key, now), now]);
  }

  succeed(key: string) {
    this.#end(key);
    this.#failures.delete(key);
  }

  /** Releases a reservation whose check could not run (e.g. the database failed). */
  cancel(key: string) {
    this.#end(key);
  }

  #end(key: string) {
    const pending = (this.#inFlight.get(key) ?? 1) - 1;
    if (pending > 0) this.#inFlight.set(key, pending);
    else this.#inFlight.delete(key);
  }
}
