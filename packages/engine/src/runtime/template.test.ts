import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { compile } from '../compile/compile';
import { blankWorkflow, defaultWorkflow } from '../defaults/default-workflow';
import { interpret } from '../reference/interpret';
import type { Workflow } from '../schema/workflow';
import { templateInWords } from './template';

const AS_OF = '2026-03-01T00:00:00Z';

/** Start → a stage whose reason names a tag nothing set and a score the workflow lacks. */
function withReason(reason: string): Workflow {
  const doc = blankWorkflow();
  const nodes = doc.nodes.map((n) =>
    n.kind === 'stage' ? { ...n, data: { ...n.data, reason } } : n,
  );
  return { ...doc, nodes };
}

describe('#15: reason templates', () => {
  it('say a plain word where a tag or score has no value, in both evaluators', () => {
    const doc = withReason('Nurture: owner {tag.owner}, rating {score.rating}, fit {score.fit}');
    const compiled = compile(doc, defaultCatalog);
    if (!compiled.ok) throw new Error('expected to compile');
    const expected = 'Nurture: owner (owner not set), rating (rating not set), fit 0';
    expect(
      compiled.evaluate({ id: 'l1', attributes: {} }, { asOf: AS_OF }).reasons.at(-1)?.text,
    ).toBe(expected);
    expect(
      interpret(doc, { id: 'l1', attributes: {} }, { asOf: AS_OF }, defaultCatalog).reasons.at(-1)
        ?.text,
    ).toBe(expected);
  });

  it('read in words when the workflow itself is shown', () => {
    const names = {
      score: (id: string) => (id === 'fit' ? 'Fit' : undefined),
      field: (id: string) => (id === 'job_title' ? 'Job title' : undefined),
      stage: 'MQL',
    };
    expect(
      templateInWords('{stage}: fit {score.fit}, {tag.owner} ({field.job_title})', names),
    ).toBe('MQL: fit [Fit score], [owner] ([Job title])');
    const mql = defaultWorkflow().nodes.find((n) => n.id === 'stage_mql')!;
    if (mql.kind !== 'stage') throw new Error('expected a stage');
    expect(templateInWords(mql.data.reason ?? '', names)).not.toMatch(/[{}]/);
  });
});
