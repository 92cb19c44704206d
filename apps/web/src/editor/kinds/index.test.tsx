import { defaultWorkflow, NODE_KINDS, nodeSchema, type WorkflowNode } from '@accord/engine';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ComponentType } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithWorkflow } from '../testing';
import { NODE_SPECS } from './index';
import { TableInspector } from './table/inspector';

afterEach(cleanup);

describe('#16: the registry of node kinds', () => {
  it('has a spec for every engine kind whose new node the schema accepts and whose card draws', () => {
    expect(Object.keys(NODE_SPECS).sort()).toEqual([...NODE_KINDS].sort());
    const doc = defaultWorkflow();
    for (const kind of NODE_KINDS) {
      const spec = NODE_SPECS[kind];
      const node = { id: `new_${kind}`, kind, position: { x: 0, y: 0 }, ...spec.create(doc) };
      expect(nodeSchema.safeParse(node).success, kind).toBe(true);
      const Body = spec.Body as ComponentType<{ node: WorkflowNode }>;
      const { container } = renderWithWorkflow(<Body node={node as WorkflowNode} />);
      expect(container.textContent, kind).not.toBe('');
      cleanup();
    }
  });

  it('opens the decision table wide in the shared dialog, named after the table', async () => {
    const node = defaultWorkflow().nodes.find((n) => n.id === 'segment');
    if (node?.kind !== 'table') throw new Error('expected the segment table');
    renderWithWorkflow(<TableInspector node={node} onChange={() => {}} tags={[]} />);
    await userEvent.click(screen.getByRole('button', { name: 'Expand' }));
    const dialog = screen.getByRole('dialog', { name: node.label });
    expect(
      within(dialog).queryAllByRole('combobox', { name: 'Row 1 Company size operator' }),
    ).toHaveLength(1);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
