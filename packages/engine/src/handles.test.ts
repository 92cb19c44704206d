import { describe, expect, it } from 'vitest';
import { nodeHandles } from './handles';
import { NODE_KINDS, type WorkflowNode } from './schema/node';
import { when, field } from './defaults/builders';

const pos = { x: 0, y: 0 };
const p = when(field('phone'), 'isSet');

describe('nodeHandles', () => {
  it('gives each kind its outputs', () => {
    const nodes: Record<(typeof NODE_KINDS)[number], WorkflowNode> = {
      start: { id: 's', kind: 'start', label: '', position: pos, data: {} },
      condition: { id: 'c', kind: 'condition', label: '', position: pos, data: { when: p } },
      switch: {
        id: 'w',
        kind: 'switch',
        label: '',
        position: pos,
        data: {
          cases: [
            { id: 'a', label: 'A', when: p },
            { id: 'b', label: 'B', when: p },
          ],
        },
      },
      scorecard: {
        id: 'k',
        kind: 'scorecard',
        label: '',
        position: pos,
        data: { score: 'fit', rows: [] },
      },
      checklist: {
        id: 'l',
        kind: 'checklist',
        label: '',
        position: pos,
        data: { mode: 'all', criteria: [] },
      },
      table: {
        id: 't',
        kind: 'table',
        label: '',
        position: pos,
        data: { hitPolicy: 'first', inputs: [], rows: [{ id: 'r1', label: 'Row 1', cells: [] }] },
      },
      assign: { id: 'a', kind: 'assign', label: '', position: pos, data: { tags: [] } },
      stage: { id: 'z', kind: 'stage', label: '', position: pos, data: { stage: 'mql' } },
    };
    const ids = Object.fromEntries(
      NODE_KINDS.map((k) => [k, nodeHandles(nodes[k]).map((h) => h.id)]),
    );
    expect(ids).toEqual({
      start: ['next'],
      condition: ['true', 'false'],
      switch: ['a', 'b', 'default'],
      scorecard: ['next'],
      checklist: ['pass', 'fail'],
      table: ['r1', 'default'],
      assign: ['next'],
      stage: [],
    });
    expect(nodeHandles(nodes.condition).map((h) => h.label)).toEqual(['Yes', 'No']);
    const collect = {
      ...nodes.table,
      data: { hitPolicy: 'collect', inputs: [], rows: [] },
    } as WorkflowNode;
    expect(nodeHandles(collect)).toEqual([{ id: 'next', label: 'Next' }]);
  });
});
