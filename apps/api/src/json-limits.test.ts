import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { JsonLimitError, jsonLimited, jsonLimitProblem, JsonLimitScanner } from './json-limits';

const limits = { maxDepth: 3, maxStringBytes: 5 };

describe('jsonLimitProblem', () => {
  it('accepts JSON within the limits, brackets inside strings and escaped quotes included', () => {
    expect(jsonLimitProblem('{"a":[{"b":1}]}', limits)).toBeNull();
    expect(jsonLimitProblem('["[[[[", "{{{{"]', limits)).toBeNull();
    expect(jsonLimitProblem('["\\"[[["]', limits)).toBeNull();
    expect(jsonLimitProblem('["\\\\", [[1]]]', limits)).toBeNull();
  });

  it('#18: refuses nesting past the cap, naming it and where', () => {
    expect(jsonLimitProblem('[[[[1]]]]', limits)).toEqual({
      kind: 'depth',
      message: 'The JSON is nested deeper than 3 levels.',
      offset: 3,
    });
    // An escaped backslash before a quote ends the string: the brackets after it count.
    expect(jsonLimitProblem('["\\\\",[[[1]]]]', limits)?.offset).toBe(8);
  });

  it('#18: refuses a string longer than the cap, counting bytes', () => {
    expect(jsonLimitProblem('{"k":"123456"}', limits)).toMatchObject({
      kind: 'string',
      message: 'A string in the JSON is longer than the limit of 5 bytes.',
    });
    expect(jsonLimitProblem('{"k":"12345"}', limits)).toBeNull();
    expect(jsonLimitProblem('{"k":"éé"}', limits)).toBeNull();
    expect(jsonLimitProblem('{"k":"ééé"}', limits)?.kind).toBe('string');
  });

  it('leaves malformed JSON to the parser', () => {
    expect(jsonLimitProblem('["unte', limits)).toBeNull();
    expect(jsonLimitProblem(']]]', limits)).toBeNull();
  });
});

describe('JsonLimitScanner', () => {
  it('#18: judges a body piece by piece, across strings and escapes split between pieces', () => {
    const text = '{"a":"x\\"[[[[","b":[[1]]}';
    for (let cut = 0; cut <= text.length; cut++) {
      const scanner = new JsonLimitScanner({ maxDepth: 3, maxStringBytes: 100 });
      expect(scanner.push(Buffer.from(text.slice(0, cut)))).toBeNull();
      expect(scanner.push(Buffer.from(text.slice(cut)))).toBeNull();
    }
    const deep = new JsonLimitScanner(limits);
    expect(deep.push(Buffer.from('[['))).toBeNull();
    expect(deep.push(Buffer.from('[['))).toMatchObject({ kind: 'depth', offset: 3 });
  });

  it('#18: refuses 5 MB of nesting at its fourth byte', () => {
    const scanner = new JsonLimitScanner(limits);
    expect(scanner.push(Buffer.from('['.repeat(5_000_000)))?.offset).toBe(3);
  });
});

describe('jsonLimited', () => {
  it('#18: a refusal after the consumer stopped listening (Fastify answered 413) is no uncaught exception', async () => {
    const source = new PassThrough();
    const out = jsonLimited(source, { maxDepth: 64, maxStringBytes: 10 }, 1_000_000);
    const seen: unknown[] = [];
    const consumer = (error: unknown) => seen.push(error);
    out.on('error', consumer);
    out.resume();
    source.write(`{"a":"${'x'.repeat(100)}`);
    await new Promise((resolve) => setImmediate(resolve));
    out.off('error', consumer); // the consumer has answered and stopped listening
    const closed = new Promise((resolve) => out.once('close', resolve));
    source.end('"}');
    await closed; // without a listener of its own, the end-of-body refusal would be thrown here
    expect(seen).toEqual([]);
    expect(out.errored).toBeInstanceOf(JsonLimitError);
  });
});
