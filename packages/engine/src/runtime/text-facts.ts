import { toText } from './values';

/** Distinct texts a memo holds before it judges whether memoising pays. */
export const TEXT_FACTS_MEMO_SIZE = 4096;
/** Longer texts are never memoised (free-text notes repeat rarely and cost memory). */
const MAX_MEMO_LENGTH = 128;

/**
 * A text field's facts: `facts` answers every rule the workflow asks of the field (contains,
 * equals, in a list, matches a group of alternatives…) as bits of one number, from the field's
 * normalised text. Fields such as job title, country or lead source repeat the same few values
 * over many leads, so the answer is memoised per raw value: a lead whose title was seen before
 * costs one lookup instead of lower-casing and every match. The memo holds at most
 * `TEXT_FACTS_MEMO_SIZE` texts; when it is full it starts again, or, if fewer than half of the
 * lookups found their text (an address, a name), stops memoising for that field.
 *
 * A class, not a closure: every field's `get` is the same function, so the hot path (one map
 * lookup) optimises the same way whichever fields a workflow reads.
 * @example new TextFacts((t) => (t?.includes('director') ? 1 : 0)).get('  Marketing DIRECTOR ') // 1
 */
export class TextFacts {
  readonly #memo = new Map<string, number>();
  #memoising = true;
  #found = 0;
  #lookups = 0;

  constructor(private readonly facts: (text: string | undefined) => number) {}

  /** The facts of a raw value. */
  get(raw: unknown): number {
    if (typeof raw === 'string' && this.#memoising) {
      this.#lookups++;
      const known = this.#memo.get(raw);
      if (known !== undefined) {
        this.#found++;
        return known;
      }
      if (raw.length <= MAX_MEMO_LENGTH) return this.#learn(raw);
    }
    return this.facts(toText(raw));
  }

  #learn(raw: string): number {
    const bits = this.facts(toText(raw));
    if (this.#memo.size >= TEXT_FACTS_MEMO_SIZE) {
      this.#memoising = this.#found * 2 >= this.#lookups;
      this.#memo.clear();
      this.#found = 0;
      this.#lookups = 0;
    }
    if (this.#memoising) this.#memo.set(raw, bits);
    return bits;
  }
}
