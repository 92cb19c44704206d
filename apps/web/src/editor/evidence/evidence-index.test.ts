import type { EvidenceReport, RuleEvidence, RulePartEvidence } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { evidenceKey, indexEvidence, nodeBadge } from './evidence-index';

const rate = (converted: number, leads: number) => ({
  leads,
  converted,
  rate: leads ? converted / leads : 0,
  low: 0,
  high: 1,
});

function part(
  fired: number,
  conv: number,
  rest: number,
  restConv: number,
  flags: Partial<RulePartEvidence> = {},
): RulePartEvidence {
  const leads = fired + rest;
  const base = (conv + restConv) / leads;
  return {
    leads,
    reached: leads,
    fired,
    share: fired / leads,
    whenFired: rate(conv, fired),
    whenNotFired: rate(restConv, rest),
    lift: fired ? conv / fired / base : null,
    contradicts: false,
    tooRare: false,
    ...flags,
  };
}

function rule(
  nodeId: string,
  rowId: string | null,
  holdout: RulePartEvidence,
  direction: RuleEvidence['direction'] = 'up',
): RuleEvidence {
  return {
    nodeId,
    rowId,
    kind: rowId ? 'scorecardRow' : 'condition',
    label: `${nodeId} › ${rowId}`,
    points: 10,
    direction,
    fit: holdout,
    holdout,
  };
}

describe('evidence on the canvas and in the inspector (issue #19)', () => {
  const a = rule('fit', 'a', part(100, 30, 900, 90)); // 30% vs 10%: lift 2.5×
  const b = rule('fit', 'b', part(500, 55, 500, 65)); // 11% vs 13%: lift 0.92×
  const c = rule('check', null, part(10, 1, 990, 119, { tooRare: true }));
  const report = {
    split: {
      seed: 1,
      holdoutShare: 0.3,
      leadsRead: 1000,
      withoutOutcome: 0,
      fit: { leads: 700, converted: 84, baseRate: 0.12 },
      holdout: { leads: 1000, converted: 120, baseRate: 0.12 },
    },
    minFirings: 30,
    rules: [a, b, c],
  } satisfies EvidenceReport;

  it('finds a rule by node and row, and a node’s rules', () => {
    const index = indexEvidence(report, null);
    expect(index.rules.get(evidenceKey('fit', 'a'))).toBe(a);
    expect(index.rules.get(evidenceKey('check', null))).toBe(c);
    expect(index.byNode.get('fit')).toEqual([a, b]);
    expect(index.suggestions.size).toBe(0);
  });

  it('badges a node with its strongest lift, green when the rule works the way it means to', () => {
    const badge = nodeBadge([a, b])!;
    expect(badge.text).toBe('2.50×');
    expect(badge.tone).toBe('good');
    expect(badge.title).toContain('fit › a: fired 100, lift 2.50×');
    // A negative row whose leads convert less works as meant, too.
    expect(nodeBadge([rule('x', 'r', part(100, 3, 900, 117), 'down')])!.tone).toBe('good');
    expect(nodeBadge([rule('x', 'r', part(100, 30, 900, 90), 'down')])!.tone).toBe('neutral');
  });

  it('counts contradicted rules first, and says when every rule is too rare to judge', () => {
    const bad = rule('fit', 'c', part(200, 10, 800, 110, { contradicts: true }));
    const badge = nodeBadge([a, bad])!;
    expect(badge).toMatchObject({ text: '1 ✗', tone: 'bad', contradicting: 1 });
    expect(nodeBadge([c])).toMatchObject({ text: 'rare', tone: 'rare', tooRare: 1 });
    expect(nodeBadge([])).toBeNull();
  });
});
