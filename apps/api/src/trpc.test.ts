import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from './json-limits';
import { inputProblem, unstorableTextPath } from './trpc';

/** `{"a":{"a":…}}` nested `depth` levels around `leaf`. */
function nested(depth: number, leaf: unknown = 'x'): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('inputProblem', () => {
  it('names the path of text PostgreSQL cannot store, in keys and values', () => {
    expect(unstorableTextPath({ rows: [{ ok: 'fine' }, { bad: 'a\u0000b' }] })).toBe('rows[1].bad');
    expect(unstorableTextPath({ list: ['\uD800'] })).toBe('list[0]');
    // #16: one formatPath (the engine's): a key that is not an identifier is quoted.
    expect(unstorableTextPath({ ['k\u0000']: 1 })).toBe('["k\\u0000"]');
    expect(unstorableTextPath('\uDC00x')).toBe('input');
    expect(unstorableTextPath({ pair: '\uD83D\uDE00', text: 'plain' })).toBeNull();
  });

  it('reports the first problem in reading order', () => {
    expect(unstorableTextPath({ a: ['ok', '\u0000'], b: '\u0000' })).toBe('a[1]');
  });

  it(`#18: refuses input nested deeper than ${MAX_JSON_DEPTH} levels, naming where`, () => {
    expect(inputProblem(nested(MAX_JSON_DEPTH))).toBeNull();
    const problem = inputProblem(nested(MAX_JSON_DEPTH + 1));
    expect(problem?.message).toMatch(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(problem?.path).toBe(Array(MAX_JSON_DEPTH).fill('a').join('.'));
  });

  it('#18: walks a deep input without recursion and a wide one in linear time', () => {
    // 200,000 levels would overflow the stack of a recursive walk.
    expect(inputProblem(nested(200_000))?.message).toMatch('nested deeper');
    const wide = Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: `n${i}` }));
    wide.push({ id: -1, name: '\u0000' });
    expect(unstorableTextPath(wide)).toBe('[200000].name');
  });
});
