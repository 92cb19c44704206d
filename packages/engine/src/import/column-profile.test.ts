import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ColumnProfiler, fieldSlug, MAX_DISTINCT, proposeField } from './column-profile';

function profileOf(values: readonly string[], header = 'Column') {
  const profiler = new ColumnProfiler([header]);
  for (const v of values) profiler.push([v]);
  return { profile: profiler.profiles()[0]!, rows: profiler.rows };
}

function propose(values: readonly string[], header = 'Column', taken = new Set<string>()) {
  const { profile, rows } = profileOf(values, header);
  return proposeField(profile, rows, taken);
}

const repeat = (n: number, ...values: string[]) =>
  Array.from({ length: n }, (_, i) => values[i % values.length]!);

describe('ColumnProfiler', () => {
  it('counts blanks and placeholders apart, placeholders as written, most frequent first', () => {
    const { profile } = profileOf(['Select', '', '  ', 'N/A', 'Select', 'Acme', 'select']);
    expect(profile).toMatchObject({ filled: 1, blank: 2, placeholderCells: 4 });
    expect(profile.placeholders).toEqual([
      { text: 'Select', count: 2 },
      { text: 'N/A', count: 1 },
      { text: 'select', count: 1 },
    ]);
  });

  it('counts the types filled cells read as, and the numeric range', () => {
    const { profile } = profileOf(['12', '1,500', 'yes', '2026-03-04', 'ann@acme.com', 'x']);
    expect(profile).toMatchObject({
      filled: 6,
      numbers: 2,
      booleans: 2,
      dates: 1,
      emails: 1,
      min: 12,
      max: 1500,
      maxLength: 12,
    });
  });

  it('groups case and spacing variants of one value', () => {
    const { profile } = profileOf(['Google', 'google', ' GOOGLE ', 'Google', 'Bing']);
    expect(profile.variants).toEqual([{ key: 'google', values: ['Google', ' GOOGLE ', 'google'] }]);
    expect(profile.distinct).toEqual([
      { value: 'Google', count: 2 },
      { value: ' GOOGLE ', count: 1 },
      { value: 'Bing', count: 1 },
      { value: 'google', count: 1 },
    ]);
  });

  it(`stops listing values past ${MAX_DISTINCT} different ones, or at a long value`, () => {
    expect(
      profileOf(repeat(MAX_DISTINCT, ...Array.from({ length: MAX_DISTINCT }, (_, i) => `v${i}`)))
        .profile.distinct,
    ).toHaveLength(MAX_DISTINCT);
    expect(
      profileOf(Array.from({ length: MAX_DISTINCT + 1 }, (_, i) => `v${i}`)).profile.distinct,
    ).toBeNull();
    expect(profileOf(['a', 'x'.repeat(500)]).profile.distinct).toBeNull();
  });

  it('treats a short row as blank cells and ignores cells past the headers', () => {
    const profiler = new ColumnProfiler(['A', 'B']);
    profiler.push(['1']);
    profiler.push(['2', '3', 'extra']);
    expect(profiler.rows).toBe(2);
    expect(profiler.profiles().map((p) => [p.header, p.filled, p.blank])).toEqual([
      ['A', 2, 0],
      ['B', 1, 1],
    ]);
  });

  it('gives the same profile whatever the order of the rows', () => {
    const cell = fc.oneof(
      fc.constantFrom(
        '',
        ' ',
        'Select',
        'N/A',
        'Yes',
        'no',
        'Google',
        'google',
        ' GOOGLE ',
        '0',
        '1',
      ),
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(cell, cell), { maxLength: 60 }),
        fc.infiniteStream(fc.nat()),
        (rows, seeds) => {
          const shuffled = rows
            .map((row) => ({ row, key: seeds.next().value as number }))
            .sort((a, b) => a.key - b.key)
            .map((r) => r.row);
          const a = new ColumnProfiler(['x', 'y']);
          const b = new ColumnProfiler(['x', 'y']);
          rows.forEach((r) => a.push(r));
          shuffled.forEach((r) => b.push(r));
          expect(b.profiles()).toEqual(a.profiles());
        },
      ),
    );
  });
  it('gives the same counts whether a column lists its values or has too many to list', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 400 }).map(String),
            fc.constantFrom('', 'Select', 'Yes'),
          ),
          {
            minLength: 150,
            maxLength: 600,
          },
        ),
        (cells) => {
          const whole = new ColumnProfiler(['x']);
          const reversed = new ColumnProfiler(['x']);
          cells.forEach((c) => whole.push([c]));
          [...cells].reverse().forEach((c) => reversed.push([c]));
          const profile = whole.profiles()[0]!;
          expect(reversed.profiles()[0]).toEqual(profile);
          const numeric = cells.filter((c) => /^\d+$/.test(c));
          expect(profile.numbers).toBe(numeric.length);
          expect(profile.booleans).toBe(
            cells.filter((c) => c === 'Yes' || c === '0' || c === '1').length,
          );
          expect(profile.placeholderCells).toBe(cells.filter((c) => c === 'Select').length);
          expect(profile.distinct === null).toBe(
            new Set(numeric.concat(cells.filter((c) => c === 'Yes'))).size > MAX_DISTINCT,
          );
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('proposeField', () => {
  it('makes Yes/No columns booleans and offers the placeholders as missing texts', () => {
    expect(propose([...repeat(40, 'Yes', 'No'), 'Select', ''], 'Do Not Email')).toMatchObject({
      id: 'do_not_email',
      label: 'Do Not Email',
      type: 'boolean',
      missing: ['Select'],
      confidence: 1,
    });
  });

  it('makes a 0/1 column a boolean, but 0/1 among other numbers a number', () => {
    expect(propose(repeat(50, '0', '1', '0'), 'Converted').type).toBe('boolean');
    expect(propose([...repeat(50, '0', '1'), '2', '7'], 'Visits').type).toBe('number');
  });

  it('keeps a number column a number despite outliers and a few bad cells', () => {
    const values = [...Array.from({ length: 97 }, (_, i) => String(i * 3)), '250000', 'abc', 'n/a'];
    const field = propose(values, 'TotalVisits');
    expect(field).toMatchObject({
      id: 'totalvisits',
      label: 'TotalVisits',
      type: 'number',
      missing: ['n/a'],
    });
    expect(field.why).toBe(
      '98 of 99 filled cells are numbers (1 that are not will be reported), from 0 to 250,000.',
    );
  });

  it('reads the whole column, not its first rows', () => {
    const values = [...repeat(30, '12'), ...repeat(70, 'twelve', 'eleven', 'ten')];
    expect(propose(values).type).toBe('enum');
  });

  it('makes dates and email addresses of columns that hold them', () => {
    expect(propose(repeat(30, '2026-03-04', '04.03.2026', '2026-01-01T10:00:00Z')).type).toBe(
      'date',
    );
    expect(propose(repeat(30, 'ann@acme.com', 'bob@beta.io')).type).toBe('email');
  });

  it('makes an enum of few repeating values: option value the folded slug, label the most frequent spelling', () => {
    const values = [
      ...repeat(60, 'Google', 'Direct Traffic', 'Olark Chat'),
      'google',
      ' GOOGLE ',
      'Select',
    ];
    expect(propose(values, 'Lead Source')).toMatchObject({
      id: 'lead_source',
      type: 'enum',
      values: [
        { value: 'google', label: 'Google' },
        { value: 'direct_traffic', label: 'Direct Traffic' },
        { value: 'olark_chat', label: 'Olark Chat' },
      ],
      missing: ['Select'],
    });
  });

  it('keeps free text with many different values text', () => {
    const values = Array.from({ length: 500 }, (_, i) => `Note number ${i} about the lead`);
    expect(propose(values, 'Notes')).toMatchObject({
      type: 'string',
      why: 'Free text: more than 200 different values.',
    });
    expect(propose(['a', 'b', 'c', 'a'], 'Few')).toMatchObject({ type: 'string' });
  });

  it('says an empty column is empty', () => {
    expect(propose(['', 'Select', ''], 'Empty')).toMatchObject({
      type: 'string',
      confidence: 0,
      missing: ['Select'],
    });
  });

  it('gives ids that are slugs, start with a letter, fit 63 characters and are not taken', () => {
    expect(propose(['x'], 'Lead Source', new Set(['lead_source', 'lead_source_2'])).id).toBe(
      'lead_source_3',
    );
    expect(propose(['x'], '2nd Phone').id).toBe('field_2nd_phone');
    expect(propose(['x'], '  ').id).toBe('field');
    expect(propose(['x'], '  ').label).toBe('Column 1');
    expect(propose(['x'], 'Prénom_du contact').label).toBe('Prénom du contact');
    const long = propose(['x'], 'a'.repeat(100), new Set(['a'.repeat(63)])).id;
    expect(long).toBe(`${'a'.repeat(61)}_2`);
  });

  it('always makes a column of generated numbers a number', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -1e9, max: 1e9 }).map(String),
            fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((d) => d.toFixed(2)),
          ),
          { minLength: 3, maxLength: 200 },
        ),
        (values) => {
          const distinct = new Set(values).size;
          fc.pre(!values.every((v) => v === '0' || v === '1'));
          fc.pre(distinct > 2 || values.some((v) => !['0', '1', '0.00', '1.00'].includes(v)));
          expect(propose(values).type).toBe('number');
        },
      ),
    );
  });

  it('fieldSlug makes ids from any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        expect(fieldSlug(text)).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
      }),
    );
  });
});
