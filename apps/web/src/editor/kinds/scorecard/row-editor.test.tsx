import { defaultWorkflow, type NodeOf, type ScorecardRow, type WorkflowNode } from '@accord/engine';
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../../testing';
import { ScorecardRowEditor } from './row-editor';

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

  it('#18: never reports a half-life the schema refuses (0 while typing would fail the autosave)', async () => {
    const row: ScorecardRow = {
      ...nodeOf<'scorecard'>('fit').data.rows[0]!,
      perEvent: { event: 'page_view' },
    };
    const changes: (typeof row)[] = [];
    renderWithWorkflow(
      <Controlled initial={row} changes={changes}>
        {(value, onChange) => (
          <ScorecardRowEditor row={value} onChange={onChange} tags={[]} firstEvent="page_view" />
        )}
      </Controlled>,
    );
    const halfLife = screen.getByRole('textbox', { name: /half-life/ });
    await userEvent.type(halfLife, '0');
    expect(changes.some((c) => c.decayHalfLifeDays === 0)).toBe(false);
    expect(halfLife.getAttribute('aria-invalid')).toBe('true');
    await userEvent.type(halfLife, '.5');
    expect(changes.at(-1)?.decayHalfLifeDays).toBe(0.5);
    expect(halfLife.getAttribute('aria-invalid')).toBeNull();
  });
});
