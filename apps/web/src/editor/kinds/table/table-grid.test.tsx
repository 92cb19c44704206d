import { defaultWorkflow, type NodeOf, type WorkflowNode } from '@accord/engine';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../../testing';
import { TableGrid } from './table-grid';

afterEach(cleanup);

const nodeOf = <K extends WorkflowNode['kind']>(id: string) =>
  defaultWorkflow().nodes.find((n) => n.id === id) as NodeOf<K>;

describe('decision table grid', () => {
  it('offers the operators of each column type in its cells, plus "any"', async () => {
    const node = nodeOf<'table'>('segment');
    const changes: (typeof node.data)[] = [];
    renderWithWorkflow(
      <Controlled initial={node.data} changes={changes}>
        {(data, onChange) => <TableGrid node={{ ...node, data }} onChange={onChange} tags={[]} />}
      </Controlled>,
    );
    const cell = screen.getByRole('combobox', { name: 'Row 1 Company size operator' });
    const labels = () =>
      within(screen.getByRole('combobox', { name: 'Row 1 Company size operator' }))
        .getAllByRole('option')
        .map((o) => o.textContent);
    expect(labels()).toContain('any');
    expect(labels()).toContain('is at least');
    expect(cell).toHaveProperty('value', 'gte');
    expect(screen.getByRole('textbox', { name: 'Row 1 Company size value' })).toHaveProperty(
      'value',
      '1000',
    );

    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Column 1 tests' }),
      'Industry',
    );
    // The column's cells reset to "any"; an enum column offers enum operators.
    expect(changes.at(-1)?.rows.every((r) => r.cells[0]?.op === 'any')).toBe(true);
    expect(labels()).toContain('is one of');
    expect(labels()).not.toContain('is at least');
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Row 1 Company size operator' }),
      'is',
    );
    expect(
      within(screen.getByRole('combobox', { name: 'Row 1 Company size value' }))
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toContain('Software');
  });
});
