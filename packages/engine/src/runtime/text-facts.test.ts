import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TextFacts, TEXT_FACTS_MEMO_SIZE } from './text-facts';
import { toText } from './values';

/** Facts of a job title: contains "director", equals "ceo", is given. */
const titleFacts = (t: string | undefined) =>
  (t?.includes('director') ? 1 : 0) | (t === 'ceo' ? 2 : 0) | (t !== undefined ? 4 : 0);

/** `titleFacts` behind the memo, counting how often the facts are worked out. */
function counted() {
  let computed = 0;
  const memo = new TextFacts((t) => {
    computed++;
    return titleFacts(t);
  });
  const facts = (raw: unknown) => memo.get(raw);
  return { facts, computed: () => computed };
}

describe('TextFacts', () => {
  it('answers from the normalised text, whatever the raw value', () => {
    const { facts } = counted();
    expect(facts('  Marketing DIRECTOR ')).toBe(1 | 4);
    expect(facts('CEO')).toBe(2 | 4);
    expect(facts('   ')).toBe(0);
    expect(facts(undefined)).toBe(0);
    expect(facts(42)).toBe(4);
  });

  it('gives the same answers as working them out each time, in any order and repetition', () => {
    const raw = fc.oneof(
      fc.constantFrom('CEO', ' ceo', 'Director', 'director of sales', '', ' '),
      fc.string(),
      fc.integer(),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.array(raw, { maxLength: 200 }), (values) => {
        const { facts } = counted();
        for (const v of values) expect(facts(v)).toBe(titleFacts(toText(v)));
      }),
    );
  });

  it('works a repeated title out once', () => {
    const { facts, computed } = counted();
    for (let i = 0; i < 1_000; i++) facts(i % 2 ? 'VP Sales' : 'Marketing Director');
    expect(computed()).toBe(2);
  });

  it('stops memoising a field whose values rarely repeat, and stays bounded', () => {
    const { facts, computed } = counted();
    const n = TEXT_FACTS_MEMO_SIZE * 3;
    for (let i = 0; i < n; i++) expect(facts(`lead${i}@example.com`)).toBe(4);
    expect(computed()).toBe(n);
    // Memoising is off now: a repeat is worked out again, not looked up.
    facts('lead0@example.com');
    expect(computed()).toBe(n + 1);
  });

  it('keeps memoising when a full memo was mostly hits', () => {
    const { facts, computed } = counted();
    // Many lookups of a few titles, then enough new ones to fill the memo.
    for (let i = 0; i < TEXT_FACTS_MEMO_SIZE * 4; i++) facts(`title ${i % 8}`);
    for (let i = 0; i < TEXT_FACTS_MEMO_SIZE; i++) facts(`other ${i}`);
    const before = computed();
    facts('title 1'); // memo started again: worked out once more …
    facts('title 1'); // … then found
    expect(computed()).toBe(before + 1);
  });
});
