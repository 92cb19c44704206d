import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../compile/compile';
import { canonicalJson } from '../hash/canonical-json';
import { hashCatalog } from '../hash/hash-catalog';
import { fieldCatalogSchema, type FieldCatalog } from '../schema/field-catalog';
import type { Workflow } from '../schema/workflow';
import { workflowArbitraries } from '../testing/arbitraries';
import { applyCatalogEdits, catalogArb, catalogEditsArb } from '../testing/catalog-arbitraries';
import { AS_OF } from '../testing/fixtures';
import { validate } from '../validate/validate';
import { interpret } from './interpret';

/** A random catalog, a valid workflow over it and messy leads for it. */
const scenarioArb = catalogArb.chain((catalog) => {
  const { workflowArb, leadArb } = workflowArbitraries(catalog);
  return fc.record({
    catalog: fc.constant(catalog),
    workflow: workflowArb,
    leads: fc.array(leadArb, { minLength: 1, maxLength: 5 }),
  });
});

const compiled = (workflow: Workflow, catalog: FieldCatalog) => {
  const result = compile(workflow, catalog);
  if (!result.ok) throw new Error(JSON.stringify(result.diagnostics));
  return result.evaluate;
};

describe('#17: the engine on random field catalogs', () => {
  it('compiles what it validates, and the compiled result equals the reference interpreter', () => {
    let evaluations = 0;
    const typesRead = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, ({ catalog, workflow, leads }) => {
        expect(validate(workflow, catalog).filter((d) => d.severity === 'error')).toEqual([]);
        const evaluate = compiled(workflow, catalog);
        const fields = JSON.stringify(workflow);
        for (const f of catalog.fields) if (fields.includes(`"${f.id}"`)) typesRead.add(f.type);
        for (const lead of leads) {
          expect(evaluate(lead, { asOf: AS_OF })).toEqual(
            interpret(workflow, lead, { asOf: AS_OF }, catalog),
          );
          evaluations++;
        }
      }),
      { numRuns: 400 },
    );
    expect(evaluations).toBeGreaterThan(800);
    // Every field type was read by some workflow.
    expect([...typesRead].sort()).toEqual(
      ['boolean', 'date', 'email', 'enum', 'list', 'number', 'phone', 'string'].sort(),
    );
  }, 120_000);

  it("a stored version's results never change when the workspace's live catalog changes", () => {
    let changed = 0;
    fc.assert(
      fc.property(scenarioArb, catalogEditsArb, ({ catalog, workflow, leads }, edits) => {
        // The live catalog, and the snapshot a version pins when it is proposed.
        const live = structuredClone(catalog);
        const snapshot = canonicalJson(live);
        const hash = hashCatalog(live);
        const evaluate = compiled(workflow, live);
        const before = leads.map((lead) => evaluate(lead, { asOf: AS_OF }));

        applyCatalogEdits(live, edits);
        if (hashCatalog(live) !== hash) changed++;

        // What was compiled does not follow the live catalog…
        expect(leads.map((lead) => evaluate(lead, { asOf: AS_OF }))).toEqual(before);
        // …and the stored snapshot, read back, is the same catalog and answers the same.
        const pinned = fieldCatalogSchema.parse(JSON.parse(snapshot));
        expect(hashCatalog(pinned)).toBe(hash);
        const again = compiled(workflow, pinned);
        expect(leads.map((lead) => again(lead, { asOf: AS_OF }))).toEqual(before);
        expect(leads.map((lead) => interpret(workflow, lead, { asOf: AS_OF }, pinned))).toEqual(
          before,
        );
      }),
      { numRuns: 250 },
    );
    // The edits did change the live catalog (almost always).
    expect(changed).toBeGreaterThan(200);
  }, 120_000);
});
