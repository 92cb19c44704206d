import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { defaultWorkflow } from '../defaults/default-workflow';
import { hasErrors } from './diagnostic';
import { groupDiagnostics } from './group-diagnostics';
import { validate } from './validate';

const without = (edgeId: string) => {
  const doc = defaultWorkflow();
  const edges = doc.edges.filter((e) => e.id !== edgeId);
  expect(edges).toHaveLength(doc.edges.length - 1);
  return { ...doc, edges };
};

describe('#15: problems grouped by cause', () => {
  it('one deleted connection mid-way reads as one problem, its cut-off steps folded under it', () => {
    const doc = without('name_and_title:true->mql_threshold');
    const diagnostics = validate(doc, defaultCatalog);
    // validate stays complete: the API and the proposal check see every step it cuts off.
    expect(diagnostics.filter((d) => d.code === 'unreachable-node')).toHaveLength(10);
    expect(hasErrors(diagnostics)).toBe(true);
    const groups = groupDiagnostics(doc, diagnostics);
    expect(groups).toHaveLength(1);
    const [group] = groups;
    expect(group!.cause).toMatchObject({ code: 'unconnected-handle', nodeId: 'name_and_title' });
    expect(group!.summary).toEqual(['and 10 steps after it cannot be reached']);
    expect(group!.consequences).toHaveLength(diagnostics.length - 1);
  });

  it('a dead end early on folds the steps before it that now give no stage', () => {
    const doc = without('engagement:next->name_and_title');
    const diagnostics = validate(doc, defaultCatalog);
    const groups = groupDiagnostics(doc, diagnostics);
    expect(diagnostics.length).toBeGreaterThan(10);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.cause).toMatchObject({ code: 'unconnected-handle', nodeId: 'engagement' });
    expect(groups[0]!.summary).toEqual([
      'and 12 steps after it cannot be reached',
      'so leads through 2 steps never get a stage',
    ]);
  });

  it('a step no connection leads to heads its own group; unrelated problems stay apart', () => {
    const doc = defaultWorkflow();
    doc.nodes.push({
      id: 'loose',
      kind: 'assign',
      label: 'Loose',
      position: { x: 0, y: 0 },
      data: { tags: [] },
    });
    const diagnostics = validate(doc, defaultCatalog);
    const groups = groupDiagnostics(doc, diagnostics);
    const loose = groups.find((g) => g.cause.code === 'unreachable-node')!;
    expect(loose.cause.nodeId).toBe('loose');
    expect(loose.consequences.map((d) => d.code)).toEqual(['unconnected-handle']);
    expect(groups.find((g) => g.cause.code === 'empty-node')?.cause.nodeId).toBe('loose');
    expect(groups.reduce((n, g) => n + 1 + g.consequences.length, 0)).toBe(diagnostics.length);
  });

  it('leaves a valid workflow without groups', () => {
    expect(
      groupDiagnostics(defaultWorkflow(), validate(defaultWorkflow(), defaultCatalog)),
    ).toEqual([]);
  });
});
