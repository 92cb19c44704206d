import { defaultCatalog } from '../catalog/default-catalog';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { hashWorkflow } from './hash-workflow';
import { sha256Hex } from './sha256';
import { defaultWorkflow } from '../defaults/default-workflow';
import { compile } from '../compile/compile';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined like JSON', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 3, c: undefined, e: 'x' }], u: undefined })).toBe(
      '{"a":[2,{"d":3,"e":"x"}],"b":1}',
    );
    expect(canonicalJson([undefined, NaN, -0, 'é\u2028'])).toBe('[null,null,0,"é\u2028"]');
    expect(JSON.parse(canonicalJson(defaultWorkflow()))).toEqual(
      JSON.parse(JSON.stringify(defaultWorkflow())),
    );
  });
});

describe('sha256Hex', () => {
  it('matches the standard test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    expect(sha256Hex('a'.repeat(1000))).toBe(
      '41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3',
    );
  });
});

describe('hashWorkflow', () => {
  it('ignores key order and changes with any rule', () => {
    const a = defaultWorkflow();
    const reordered = JSON.parse(
      JSON.stringify(
        a,
        Object.keys(a)
          .reverse()
          .concat(...collectKeys(a)),
      ),
    );
    expect(hashWorkflow(reordered)).toBe(hashWorkflow(a));
    const b = defaultWorkflow();
    const fit = b.nodes.find((n) => n.id === 'fit');
    if (fit?.kind === 'scorecard') fit.data.rows[0]!.points = 11;
    expect(hashWorkflow(b)).not.toBe(hashWorkflow(a));
    const compiled = compile(a, defaultCatalog);
    expect(compiled.ok && compiled.hash).toBe(hashWorkflow(a));
  });
});

function collectKeys(v: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(v)) v.forEach((x) => collectKeys(x, out));
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      collectKeys(x, out);
    }
  return [...out].sort().reverse();
}

describe('sha256Hex against node:crypto', () => {
  it('agrees on any text, lone surrogates included (#16: one hash for the project)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const expected = createHash('sha256')
          .update(Buffer.from(new TextEncoder().encode(text)))
          .digest('hex');
        expect(sha256Hex(text)).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
