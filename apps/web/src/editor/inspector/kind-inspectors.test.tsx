import { defaultWorkflow, type NodeOf, type WorkflowNode } from '@accord/engine';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../testing';
import {
  ChecklistInspector,
  ScorecardRowEditor,
  StageInspector,
  TableGrid,
} from './kind-inspectors';

afterEach(cleanup);

const nodeOf = <K extends WorkflowNode['kind']>(id: string) =>
  defaultWorkflow().nodes.find((n) => n.id === id) as NodeOf<K>;

describe('scorecard row editor', () => {
  it('edits points and category, and switches a row to per-event points with decay and a cap', async () => {
    const row = nodeOf<'scorecard'>('fit').data.rows[0]!;
    const changes: (typeof row)[] = [];
    renderWithWorkflow(
      <Controlled initial={row} changes={changes}>
        {(value, onChange) => (
          <ScorecardRowEditor row={value} onChange={onChange} tags={[]} firstEvent="page_view" />
        )}
      </Controlled>,
    );
    const points = screen.getByRole('textbox', { name: 'Points' });
    await userEvent.clear(points);
    await userEvent.type(points, '-15');
    expect(changes.at(-1)?.points).toBe(-15);
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Category' }),
      'Undesirable',
    );
    expect(changes.at(-1)?.category).toBe('undesirable');
    expect(screen.queryByRole('textbox', { name: /half-life/ })).toBeNull();

    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Counts' }),
      'For every matching event',
    );
    expect(changes.at(-1)?.perEvent).toEqual({ event: 'page_view' });
    expect(changes.at(-1)?.when).toBeUndefined();
    await userEvent.type(screen.getByRole('textbox', { name: /half-life/ }), '30');
    await userEvent.type(screen.getByRole('textbox', { name: /Row cap/ }), '12');
    expect(changes.at(-1)).toMatchObject({ decayHalfLifeDays: 30, cap: 12 });
  });
});

describe('checklist inspector', () => {
  it('asks how many criteria must be met only in "at least" mode', async () => {
    const node = nodeOf<'checklist'>('sal');
    const changes: (typeof node.data)[] = [];
    renderWithWorkflow(
      <Controlled initial={node.data} changes={changes}>
        {(data, onChange) => (
          <ChecklistInspector node={{ ...node, data }} onChange={onChange} tags={[]} />
        )}
      </Controlled>,
    );
    expect(screen.queryByRole('textbox', { name: /How many/ })).toBeNull();
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Passes when' }),
      'at least some are met',
    );
    expect(changes.at(-1)).toMatchObject({ mode: 'atLeast', atLeast: 2 });
    expect(screen.getByRole('textbox', { name: /How many \(of 3\)/ })).toHaveProperty('value', '2');
  });
});

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

describe('stage inspector', () => {
  it('picks the stage and writes the reason', async () => {
    const node = nodeOf<'stage'>('stage_mql');
    const changes: (typeof node.data)[] = [];
    renderWithWorkflow(
      <Controlled initial={node.data} changes={changes}>
        {(data, onChange) => (
          <StageInspector node={{ ...node, data }} onChange={onChange} tags={[]} />
        )}
      </Controlled>,
    );
    await userEvent.click(screen.getByRole('radio', { name: 'SAL' }));
    expect(changes.at(-1)?.stage).toBe('sal');
    const reason = screen.getByRole('textbox', { name: /Reason/ });
    await userEvent.clear(reason);
    expect(changes.at(-1)?.reason).toBeUndefined();
  });
});
