import { describe, expect, it } from 'vitest';
import { profileCsv } from './profile-file';

describe('profileCsv', () => {
  it('#17: profiles every row of a file read in slices, as the server parses it', async () => {
    const rows = ['\uFEFFSource,Visits,Opted out,,Source'];
    for (let i = 0; i < 3_000; i++)
      rows.push(
        `${['Google', 'google', 'Select', ''][i % 4]},${i},${i % 2 ? 'Yes' : 'No'},x,"a, b"`,
      );
    // CRLF line ends and a blank line read as the server reads them.
    const text = `${rows.slice(0, 10).join('\r\n')}\r\n\r\n${rows.slice(10).join('\r\n')}\r\n`;
    const seen: number[] = [];
    const profile = await profileCsv(new Blob([text]), ',', (p) => seen.push(p.read));
    expect(profile.rows).toBe(3_000);
    expect(profile.columns).toEqual(['Source', 'Visits', 'Opted out', 'column_4', 'Source (2)']);
    const [source, visits, opted] = profile.profiles;
    expect(source).toMatchObject({ filled: 1_500, blank: 750, placeholderCells: 750 });
    expect(source!.variants).toEqual([{ key: 'google', values: ['Google', 'google'] }]);
    expect(visits).toMatchObject({ numbers: 3_000, min: 0, max: 2_999 });
    expect(opted!.booleans).toBe(3_000);
    expect(profile.profiles[4]!.distinct).toEqual([{ value: 'a, b', count: 3_000 }]);
    expect(seen.at(-1)).toBe(new Blob([text]).size);
  });

  it('stops when asked', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      profileCsv(new Blob(['a\n1\n']), ',', undefined, controller.signal),
    ).rejects.toThrow('not read to its end');
  });
});
