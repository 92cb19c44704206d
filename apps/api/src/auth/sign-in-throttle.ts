import { sha256Hex } from '@accord/engine';
import { clearSignInFailures, countSignInFailures, recordSignInFailure, type Db } from '@accord/db';

/** What is stored of an email and client address: their SHA-256, not the texts. */
const stored = (key: string) => sha256Hex(key);

const MAX_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;

/**
 * Counts failed sign-ins per email and client address over a sliding 15-minute window; after 5
 * the address is refused until the window passes. Failures are kept in the database
 * (`sign_in_failures`), so the limit holds across API instances; password checks under way are
 * counted in this process too, so a parallel burst counts before any of it fails.
 */
export class SignInThrottle {
  /** Password checks under way per key. */
  readonly #inFlight = new Map<string, number>();

  constructor(
    private readonly db: Db,
    readonly maxFailures = MAX_FAILURES,
    readonly windowMs = WINDOW_MS,
  ) {}

  /**
   * Reserves one password check for `key`; false when the recent failures plus the checks under
   * way already reach the limit. Every `true` must be followed by `fail`, `succeed` or `cancel`.
   */
  async begin(key: string, now = Date.now()): Promise<boolean> {
    const pending = this.#inFlight.get(key) ?? 0;
    this.#inFlight.set(key, pending + 1); // before the query: a burst sees its own checks
    let failures: number;
    try {
      failures = await countSignInFailures(this.db, stored(key), new Date(now - this.windowMs));
    } catch (error) {
      this.#end(key);
      throw error;
    }
    if (failures + pending < this.maxFailures) return true;
    this.#end(key);
    return false;
  }

  /** A check failed: stored before the reservation ends, so no moment counts it nowhere. */
  async fail(key: string, now = Date.now()) {
    try {
      await recordSignInFailure(this.db, stored(key), new Date(now), new Date(now - this.windowMs));
    } finally {
      this.#end(key);
    }
  }

  async succeed(key: string) {
    try {
      await clearSignInFailures(this.db, stored(key));
    } finally {
      this.#end(key);
    }
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
