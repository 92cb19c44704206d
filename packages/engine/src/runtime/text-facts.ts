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
 * @example textFacts((t) => (t?.includes('director') ? 1 : 0))('  Marketing DIRECTOR ') // 1
 */
export function textFacts(facts: (text: string | undefined) => number): (raw: unknown) => number {
  const memo = new Map<string, number>();
  let memoising = true;
  let found = 0;
  let lookups = 0;
  return (raw) => {
    if (!memoising || typeof raw !== 'string' || raw.length > MAX_MEMO_LENGTH)
      return facts(toText(raw));
    lookups++;
    const known = memo.get(raw);
    if (known !== undefined) {
      found++;
      return known;
    }
    const bits = facts(toText(raw));
    if (memo.size >= TEXT_FACTS_MEMO_SIZE) {
      memoising = found * 2 >= lookups;
      memo.clear();
      found = 0;
      lookups = 0;
    }
    if (memoising) memo.set(raw, bits);
    return bits;
  };
}
