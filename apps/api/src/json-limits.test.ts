import { describe, expect, it } from 'vitest';
import { jsonLimitProblem } from './json-limits';

const limits = { maxDepth: 3, maxStringLength: 5 };

describe('jsonLimitProblem', () => {
  it('accepts JSON within the limits, brackets inside strings and escaped quotes included', () => {
    expect(jsonLimitProblem('{"a":[{"b":1}]}', limits)).toBeNull();
    expect(jsonLimitProblem('["[[[[", "{{{{"]', limits)).toBeNull();
    expect(jsonLimitProblem('["\\"[[["]', limits)).toBeNull();
    expect(jsonLimitProblem('["\\\\", [[1]]]', limits)).toBeNull();
  });

  it('#18: refuses nesting past the cap, naming it and where', () => {
    expect(jsonLimitProblem('[[[[1]]]]', limits)).toEqual({
      message: 'The JSON is nested deeper than 3 levels.',
      offset: 3,
    });
    // An escaped backslash before a quote ends the string: the brackets after it count.
    expect(jsonLimitProblem('["\\\\",[[[1]]]]', limits)?.offset).toBe(8);
  });

  it('#18: refuses a string longer than the cap', () => {
    expect(jsonLimitProblem('{"k":"123456"}', limits)).toEqual({
      message: 'A string in the JSON is longer than the limit of 5 characters.',
      offset: 5,
    });
    expect(jsonLimitProblem('{"k":"12345"}', limits)).toBeNull();
  });

  it('leaves malformed JSON to the parser', () => {
    expect(jsonLimitProblem('["unterminated', limits)).toBeNull();
    expect(jsonLimitProblem(']]]', limits)).toBeNull();
  });

  it('#18: judges a 10 MB body of nesting by its first 4 levels', () => {
    const deep = '['.repeat(5_000_000) + ']'.repeat(5_000_000);
    expect(jsonLimitProblem(deep, limits)?.offset).toBe(3);
  });
});
