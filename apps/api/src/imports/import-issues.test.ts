import type { LeadSetIssueInput } from '@accord/db';
import { describe, expect, it } from 'vitest';
import { IssueLog } from './import-issues';

const cell = (column: string, columnIndex: number, value: string) => ({
  column,
  columnIndex,
  value,
  message: `"${value}" is not a number`,
});

describe('IssueLog (#17)', () => {
  it('sums problems up per column in column order with the first three examples', () => {
    const log = new IssueLog();
    for (let line = 2; line < 7; line++) log.record(line, [cell('Size', 3, `x${line}`)], true);
    log.record(
      9,
      [{ column: '', columnIndex: 0, message: 'The row has 2 cells; the header has 3.' }],
      false,
    );
    log.record(10, [cell('Email', 2, 'nope'), cell('Size', 3, 'y')], true);
    expect(log.summary()).toEqual({
      count: 8,
      cellsLeftOut: 7,
      rowsKeptWithIssues: 6,
      stored: 8,
      capped: false,
      byColumn: [
        {
          column: '',
          columnIndex: 0,
          count: 1,
          examples: [{ line: 9, value: '', message: 'The row has 2 cells; the header has 3.' }],
        },
        {
          column: 'Email',
          columnIndex: 2,
          count: 1,
          examples: [{ line: 10, value: 'nope', message: '"nope" is not a number' }],
        },
        {
          column: 'Size',
          columnIndex: 3,
          count: 6,
          examples: [2, 3, 4].map((line) => ({
            line,
            value: `x${line}`,
            message: `"x${line}" is not a number`,
          })),
        },
      ],
    });
  });

  it('writes every problem in order up to the cap, counts the rest and says it was capped', async () => {
    const log = new IssueLog({ maxStored: 5, maxBuffered: 3 });
    const written: { seq: number; line: number }[] = [];
    const write = async (firstSeq: number, batch: readonly LeadSetIssueInput[]) => {
      batch.forEach((issue, i) => written.push({ seq: firstSeq + i, line: issue.line }));
    };
    // Before the set exists, at most `maxBuffered` wait.
    for (let line = 2; line < 6; line++) log.record(line, [cell('Size', 3, 'x')], true);
    expect(log.stored).toBe(3);
    await log.flush(write);
    for (let line = 6; line < 10; line++) log.record(line, [cell('Size', 3, 'x')], true);
    await log.flush(write);
    expect(written).toEqual([
      { seq: 0, line: 2 },
      { seq: 1, line: 3 },
      { seq: 2, line: 4 },
      { seq: 3, line: 6 },
      { seq: 4, line: 7 },
    ]);
    expect(log.summary()).toMatchObject({ count: 8, stored: 5, capped: true });
    expect(log.summary().byColumn[0]!.count).toBe(8);
  });
});
