import { defaultCatalog } from '../catalog/default-catalog';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compile/compile';
import { interpret } from './interpret';
import { validate } from '../validate/validate';
import { hasErrors } from '../validate/diagnostic';
import { defaultWorkflow } from '../defaults/default-workflow';
import { generateLeads } from '../generate/generate-leads';
import { leadArb, workflowArb } from '../testing/arbitraries';
import { AS_OF } from '../testing/fixtures';

describe('compiled evaluator = reference interpreter', () => {
  it('on random valid workflows and messy leads', () => {
    let evaluations = 0;
    fc.assert(
      fc.property(
        workflowArb,
        fc.array(leadArb, { minLength: 1, maxLength: 6 }),
        (workflow, leads) => {
          const diagnostics = validate(workflow, defaultCatalog);
          expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          const compiled = compile(workflow, defaultCatalog);
          if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
          for (const lead of leads) {
            expect(compiled.evaluate(lead, { asOf: AS_OF })).toEqual(
              interpret(workflow, lead, { asOf: AS_OF }, defaultCatalog),
            );
            evaluations++;
          }
        },
      ),
      { numRuns: 1500 },
    );
    expect(evaluations).toBeGreaterThan(3000);
  }, 120_000);

  it('without explanations, the verdict (stage, scores, tags) is the same', () => {
    fc.assert(
      fc.property(
        workflowArb,
        fc.array(leadArb, { minLength: 1, maxLength: 4 }),
        (workflow, leads) => {
          const full = compile(workflow, defaultCatalog);
          const bare = compile(workflow, defaultCatalog, { explain: false });
          if (!full.ok || !bare.ok) throw new Error('expected both to compile');
          for (const lead of leads) {
            const a = full.evaluate(lead, { asOf: AS_OF });
            const b = bare.evaluate(lead, { asOf: AS_OF });
            expect(b).toEqual({ ...a, path: [], reasons: [], checklist: undefined });
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 60_000);

  it('on the default workflow and generated leads', () => {
    const workflow = defaultWorkflow();
    expect(hasErrors(validate(workflow, defaultCatalog))).toBe(false);
    const compiled = compile(workflow, defaultCatalog);
    if (!compiled.ok) throw new Error('default workflow must compile');
    const stages = new Set<string>();
    for (const lead of generateLeads({ count: 3000, seed: 11, asOf: AS_OF })) {
      const fast = compiled.evaluate(lead, { asOf: AS_OF });
      expect(fast).toEqual(interpret(workflow, lead, { asOf: AS_OF }, defaultCatalog));
      stages.add(fast.stage);
    }
    expect([...stages].sort()).toEqual([
      'disqualified',
      'mql',
      'nurture',
      'recycled',
      'sal',
      'sql',
    ]);
  }, 60_000);
});
