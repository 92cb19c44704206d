/**
 * Hostile input for the fuzz suites: strings that would run as code if a compiler pasted them into
 * source, prototype keys, numbers at the edges of IEEE 754, and the checks that prove nothing ran
 * (a globalThis sentinel, untouched built-in prototypes).
 */
import fc from 'fast-check';

/** The property a payload sets on globalThis if it ever runs as code. */
export const SENTINEL = '__accordFuzzPwned';

/** Strings that break out of string literals, template literals, comments or script tags. */
export const HOSTILE_STRINGS: readonly string[] = [
  `"); process.exit(1); ("`,
  `'); process.exit(1); ('`,
  `\`); process.exit(1); (\``,
  `\${globalThis.${SENTINEL}=1}`,
  `\`+(globalThis.${SENTINEL}=1)+\``,
  `"+(globalThis.${SENTINEL}=1)+"`,
  `'+(globalThis.${SENTINEL}=1)+'`,
  `*/ globalThis.${SENTINEL}=1; /*`,
  `\n globalThis.${SENTINEL}=1; //`,
  `\u2028globalThis.${SENTINEL}=1;\u2029`,
  '\u2028',
  '\u2029',
  `</script><script>globalThis.${SENTINEL}=1</script>`,
  '`',
  '${',
  '\\',
  '\\u0000',
  '\\"',
  '\u0000',
  '\ud800',
  '\udfff',
  '\ufeff',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-0',
  '0x10',
  '9007199254740993',
  '',
  ' ',
  "'); drop table users; --",
  '=HYPERLINK("http://evil.test","x")',
  '.*+?^${}()|[]\\',
  '(a+)+$',
  '(?=',
  '[',
  '{score.fit}{tag.__proto__}{field.constructor}{',
  '{field.__proto__}',
  '2026-13-45T99:99:99Z',
  '+275760-09-13T00:00:00.000Z',
  '0000-00-00',
  '@gmail.com',
  'a@b@c',
  'x@GMAIL.COM.',
  'é'.normalize('NFD'),
  '🙂'.repeat(50),
  'a'.repeat(5_000),
];

/** Numbers at the edges: NaN and infinities (not JSON, but JS callers can pass them), huge, tiny, -0. */
export const HOSTILE_NUMBERS: readonly number[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  8.64e15 + 1,
  -8.64e15 - 1,
  1e21,
  0.1 + 0.2,
  -1,
  2 ** 31,
  -(2 ** 31) - 1,
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 8 }))
      .map(([a, b]) => `${b}${a}${b}`),
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.double(),
  fc.integer(),
);

/** Any value a hostile client can put where a field is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 4 }) },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 2 }),
  },
  { weight: 1, arbitrary: fc.constant(protoObject()) },
);

/** An object whose own `__proto__` and `constructor` keys a careless merge would follow. */
export function protoObject(): Record<string, unknown> {
  return JSON.parse(
    `{"__proto__": {"${SENTINEL}": 1, "polluted": true}, "constructor": {"prototype": {"${SENTINEL}": 1}}}`,
  ) as Record<string, unknown>;
}

const BUILTINS: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Date.prototype', Date.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['globalThis', globalThis],
];

function keysOf(target: object): string {
  return Reflect.ownKeys(target)
    .map((key) => String(key))
    .sort()
    .join('\u0001');
}

/** A snapshot of the built-in prototypes' own keys and the sentinel, to compare after each case. */
export function integritySnapshot(): () => string | null {
  const before = BUILTINS.map(([name, target]) => [name, keysOf(target)] as const);
  return () => {
    if (SENTINEL in globalThis) return `globalThis.${SENTINEL} was set: data ran as code`;
    if ((Object.prototype as Record<string, unknown>).polluted !== undefined)
      return 'Object.prototype.polluted was set';
    for (const [name, keys] of before) {
      const target = BUILTINS.find(([n]) => n === name)![1];
      if (keysOf(target) !== keys) return `${name} gained or lost own properties`;
    }
    return null;
  };
}
