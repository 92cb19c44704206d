import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { agreementToMarkdown, describeWorkflow } from './describe-workflow';
import { blankWorkflow, defaultWorkflow } from '../defaults/default-workflow';

describe('describeWorkflow', () => {
  const doc = describeWorkflow(defaultWorkflow(), defaultCatalog);
  const section = (stage: string | null) => doc.sections.find((s) => s.stage === stage)!;

  it('titles the agreement and explains scoring first', () => {
    expect(doc.title).toBe('Inbound B2B qualification: the agreement');
    expect(doc.sections[0]?.heading).toBe('How leads are scored');
    expect(section(null).lines).toEqual(
      expect.arrayContaining([
        '  -20 Fit (undesirable): free-mail address — when Email is a free-mail address',
        '  +5 Engagement (channel): Downloaded content — for each Content download event, halving every 90 days since the event, at most 15 points',
        '  Engagement counts at most 50 points from channel, 50 points from behaviour.',
      ]),
    );
  });

  it('says in words when a lead becomes an MQL, SAL and SQL', () => {
    const mql = section('mql').lines.find((l) => l.startsWith('A lead becomes an MQL when'))!;
    expect(mql).toContain(
      'MQL threshold reached?: yes (Fit score is at least 40 and Engagement score is at least 30)',
    );
    expect(mql).toContain(
      'Name and title given?: yes (First name is given and Last name is given and Job title is given)',
    );
    expect(mql).toContain('Disqualifiers: none of Student, Competitor, Disqualified by sales');
    expect(section('sql').lines.join('\n')).toContain(
      'Sales qualification check: met (all of buying cycle, influencer, timeframe, opportunity size, permission to follow up)',
    );
    expect(section('disqualified').lines[1]).toMatch(
      /^A lead goes to Disqualified when Disqualifiers: Student \(/,
    );
    expect(
      section('nurture').lines.filter((l) => l.startsWith('A lead goes to Nurture')),
    ).toHaveLength(2);
  });

  it('#15: gives stage reasons in words, without placeholders', () => {
    const reasons = doc.sections.flatMap((s) => s.lines).filter((l) => l.startsWith('Reason'));
    expect(reasons).toContain('Reason given: "SAL: accepted by [owner]"');
    expect(reasons).toContain(
      'Reason given: "MQL: fit [Fit score], engagement [Engagement score]; [segment], owner [owner]"',
    );
    for (const line of reasons) expect(line).not.toMatch(/[{}]/);
  });

  it('orders stage sections by funnel order and renders Markdown', () => {
    expect(doc.sections.slice(1, -1).map((s) => s.stage)).toEqual([
      'nurture',
      'mql',
      'sal',
      'sql',
      'disqualified',
      'recycled',
    ]);
    const md = agreementToMarkdown(doc);
    expect(
      md.startsWith('# Inbound B2B qualification: the agreement\n\n## How leads are scored\n'),
    ).toBe(true);
    expect(md).toContain('\n## MQL\n\n- Marketing-qualified');
    expect(md).toContain('\n  - +10 Fit (profile): First and last name given');
  });

  it('#17: ends with the definitions of the fields it reads, from the catalog it is given', () => {
    const fields = doc.sections.at(-1)!;
    expect(fields.heading).toBe('Fields this agreement reads');
    expect(fields.lines).toContain(
      'Seniority (seniority): enum, profile; one of C-level, VP, Director, Manager, Individual contributor, Student',
    );
    expect(fields.lines.some((l) => l.startsWith('First name'))).toBe(true);
    const renamed = describeWorkflow(defaultWorkflow(), {
      fields: [
        {
          id: 'seniority',
          label: 'Level',
          type: 'string',
          category: 'profile',
          missing: ['Select'],
        },
      ],
      events: [],
    });
    const lines = renamed.sections.at(-1)!.lines;
    expect(lines).toContain('Level (seniority): string, profile; "Select" count as missing');
    expect(lines).toContain('job_title: not in the field catalog');
  });

  it('handles a blank agreement', () => {
    const blank = describeWorkflow(blankWorkflow(), defaultCatalog);
    expect(blank.sections.find((s) => s.stage === 'nurture')?.lines).toContain(
      'Every lead goes to Nurture.',
    );
    expect(blank.sections.find((s) => s.stage === 'mql')?.lines).toContain(
      'No route in this workflow leads to MQL.',
    );
  });
});
