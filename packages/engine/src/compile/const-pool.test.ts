/// <reference types="node" />
// Runs in Node on purpose: it asks V8 whether a text is its shared copy.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ConstPool } from './const-pool';

setFlagsFromString('--allow-natives-syntax');
// eslint-disable-next-line no-new-func
const isShared = new Function('text', 'return %IsInternalizedString(text);') as (
  text: string,
) => boolean;

describe('ConstPool', () => {
  it("stores texts as V8's shared copies, so generated code compares them by address", () => {
    const copy = ['page', 'view'].join('_'); // built at run time: not a shared copy
    expect(isShared(copy)).toBe(false);
    const pool = new ConstPool();
    expect(pool.add(copy)).toBe('c0');
    expect(pool.values[0]).toBe('page_view');
    expect(isShared(pool.values[0] as string)).toBe(true);
  });

  it('keeps texts that are array indices or __proto__ as they are', () => {
    const pool = new ConstPool();
    pool.add(['1', '2'].join(''));
    pool.add(['__pro', 'to__'].join(''));
    expect(pool.values).toEqual(['12', '__proto__']);
  });

  it('shares one constant per text', () => {
    const pool = new ConstPool();
    expect(pool.add('a')).toBe('c0');
    expect(pool.add(['a'].join(''))).toBe('c0');
    expect(pool.add(3)).toBe('c1');
    expect(pool.declarations()).toBe('const c0 = k[0], c1 = k[1];\n');
  });
});
