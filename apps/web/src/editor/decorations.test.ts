import { defaultWorkflow, diffWorkflows, type Workflow, defaultCatalog } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { diffDecorations, pathDecorations } from './decorations';

/** The default workflow with one row worth more, a step added, one removed, one switch case cut. */
function changedWorkflow(): Workflow {
  const doc = defaultWorkflow();
  const nodes = doc.nodes
    .filter((n) => n.id !== 'handed_back')
    .map((n) => {
      if (n.kind === 'scorecard' && n.id === 'fit')
        return {
          ...n,
          data: {
            ...n.data,
            rows: n.data.rows.map((r, i) => (i === 0 ? { ...r, points: r.points + 15 } : r)),
          },
        };
      if (n.kind === 'switch' && n.id === 'disqualifiers')
        return {
          ...n,
          data: { ...n.data, cases: n.data.cases.filter((c) => c.id !== 'student') },
        };
      return n;
    });
  const copy = doc.nodes.find((n) => n.id === 'name_and_title')!;
  nodes.push({ ...copy, id: 'second_look', label: 'Second look', position: { x: 1200, y: 640 } });
  const edges = doc.edges.filter(
    (e) => e.source !== 'handed_back' && e.target !== 'handed_back' && e.sourceHandle !== 'student',
  );
  edges.push(
    { id: 'handover:next->sal', source: 'handover', sourceHandle: 'next', target: 'sal' },
    {
      id: 'second_look:true->mql_threshold',
      source: 'second_look',
      sourceHandle: 'true',
      target: 'mql_threshold',
    },
  );
  return { ...doc, nodes, edges };
}

describe('diff decorations', () => {
  const before = defaultWorkflow();
  const after = changedWorkflow();
  const shown = diffDecorations(after, diffWorkflows(before, after, defaultCatalog));
  const nodeClass = (id: string) => shown.decorations.nodes.get(id);
  const edgeClass = (id: string) => shown.decorations.edges.get(id);

  it('colours added, changed and unchanged steps of the newer version', () => {
    expect(nodeClass('second_look')).toBe('is-added');
    expect(nodeClass('fit')).toBe('is-changed');
    expect(nodeClass('disqualifiers')).toBe('is-changed');
    expect(nodeClass('start')).toBe('is-unchanged');
    expect(nodeClass('engagement')).toBe('is-unchanged');
    const added = [...shown.decorations.nodes].filter(([, c]) => c === 'is-added');
    expect(added.map(([id]) => id)).toEqual(['second_look']);
  });

  it('draws removed steps as ghosts at their old positions, with their connections', () => {
    expect(nodeClass('handed_back')).toBe('is-removed is-ghost');
    const ghost = shown.doc.nodes.find((n) => n.id === 'handed_back');
    expect(ghost?.position).toEqual(before.nodes.find((n) => n.id === 'handed_back')!.position);
    expect(edgeClass('handover:next->handed_back')).toBe('is-removed is-ghost');
    expect(edgeClass('handed_back:false->sal')).toBe('is-removed is-ghost');
    expect(shown.doc.edges.map((e) => e.id)).toContain('handed_back:false->sal');
  });

  it('colours added connections and leaves out removed ones whose output is gone', () => {
    expect(edgeClass('handover:next->sal')).toBe('is-added');
    expect(edgeClass('start:next->disqualifiers')).toBeUndefined();
    // The switch case "student" was cut: its old connection has no handle to start from.
    expect(edgeClass('disqualifiers:student->stage_disqualified')).toBeUndefined();
    expect(shown.doc.edges.map((e) => e.id)).not.toContain(
      'disqualifiers:student->stage_disqualified',
    );
  });

  it('leaves the documents it was given alone', () => {
    expect(after.nodes.some((n) => n.id === 'handed_back')).toBe(false);
    expect(shown.doc.nodes).toHaveLength(after.nodes.length + 1);
  });
});

describe('path decorations', () => {
  const common = ['start', 'disqualifiers', 'fit', 'engagement', 'name_and_title'];
  const baselinePath = [...common, 'stage_nurture'];
  const candidatePath = [...common, 'mql_threshold', 'segment', 'handover'];

  it('marks steps and connections on the baseline path, the candidate path, both or neither', () => {
    const doc = defaultWorkflow();
    const { decorations } = pathDecorations(doc, baselinePath, candidatePath);
    for (const id of common) expect(decorations.nodes.get(id)).toBe('on-both');
    expect(decorations.nodes.get('stage_nurture')).toBe('on-baseline');
    expect(decorations.nodes.get('mql_threshold')).toBe('on-candidate');
    expect(decorations.nodes.get('handover')).toBe('on-candidate');
    expect(decorations.nodes.get('sql')).toBe('off-path');
    expect(decorations.edges.get('fit:next->engagement')).toBe('on-both');
    expect(decorations.edges.get('name_and_title:false->stage_nurture')).toBe('on-baseline');
    expect(decorations.edges.get('name_and_title:true->mql_threshold')).toBe('on-candidate');
    expect(decorations.edges.get('mql_threshold:false->stage_nurture')).toBe('off-path');
  });

  it("draws baseline steps the candidate removed as ghosts from the baseline's document", () => {
    const baseline = defaultWorkflow();
    const candidate = changedWorkflow();
    const path = ['start', 'disqualifiers', 'handover', 'handed_back', 'sal'];
    const shown = pathDecorations(candidate, path, ['start', 'disqualifiers', 'handover', 'sal'], {
      ...baseline,
    });
    expect(shown.decorations.nodes.get('handed_back')).toBe('on-baseline is-ghost');
    expect(shown.decorations.nodes.get('handover')).toBe('on-both');
    expect(shown.decorations.nodes.get('sal')).toBe('on-both');
    expect(shown.decorations.edges.get('handover:next->handed_back')).toBe('on-baseline is-ghost');
    expect(shown.decorations.edges.get('handed_back:false->sal')).toBe('on-baseline is-ghost');
    expect(shown.decorations.edges.get('handover:next->sal')).toBe('on-candidate');
    expect(shown.doc.nodes.filter((n) => n.id === 'handed_back')).toHaveLength(1);
  });

  it('leaves out baseline steps the candidate lacks when no baseline document is given', () => {
    const shown = pathDecorations(changedWorkflow(), ['start', 'handed_back'], ['start']);
    expect(shown.decorations.nodes.has('handed_back')).toBe(false);
    expect(shown.doc.nodes.some((n) => n.id === 'handed_back')).toBe(false);
    expect(shown.decorations.nodes.get('start')).toBe('on-both');
  });
});
