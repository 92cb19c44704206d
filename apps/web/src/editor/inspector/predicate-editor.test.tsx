import type { Predicate } from '@accord/engine';
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../testing';
import { NEW_COMPARISON, PredicateEditor } from './predicate-editor';

afterEach(cleanup);

function setup(initial: Predicate) {
  const changes: Predicate[] = [];
  renderWithWorkflow(
    <Controlled initial={initial} changes={changes}>
      {(value, onChange) => <PredicateEditor value={value} onChange={onChange} />}
    </Controlled>,
  );
  return () => changes[changes.length - 1];
}

const title: Predicate = {
  operand: { kind: 'field', field: 'job_title' },
  op: 'contains',
  value: 'director',
};

describe('PredicateEditor', () => {
  it('starts an empty group with a hint and adds a condition to fill in', async () => {
    const last = setup({ all: [] });
    expect(screen.queryAllByText(/No conditions yet/)).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: '+ Condition' }));
    expect(last()).toEqual({ all: [NEW_COMPARISON] });
    expect(screen.getByRole('combobox', { name: 'Field' })).toHaveProperty('value', '');
  });

  it('keeps a lone comparison as written, and groups it once a second one is added', async () => {
    const last = setup(title);
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Operator' }),
      'starts with',
    );
    expect(last()).toEqual({ ...title, op: 'startsWith' });
    await userEvent.click(screen.getByRole('button', { name: '+ Condition' }));
    expect(last()).toEqual({ all: [{ ...title, op: 'startsWith' }, NEW_COMPARISON] });
  });

  it('switches between all and any, negates and removes conditions', async () => {
    const last = setup({ all: [title, NEW_COMPARISON] });
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Match' }), 'any of');
    expect(last()).toEqual({ any: [title, NEW_COMPARISON] });
    await userEvent.click(screen.getAllByRole('button', { name: 'Not' })[0]!);
    expect(last()).toEqual({ any: [{ not: title }, NEW_COMPARISON] });
    expect(screen.queryAllByText('NOT')).toHaveLength(1);
    await userEvent.click(screen.getAllByRole('button', { name: 'Remove condition' })[1]!);
    expect(last()).toEqual({ any: [{ not: title }] });
  });

  it('nests a group', async () => {
    const last = setup({ all: [title] });
    await userEvent.click(screen.getByRole('button', { name: '+ Group' }));
    expect(last()).toEqual({ all: [title, { any: [NEW_COMPARISON] }] });
    expect(screen.getAllByRole('combobox', { name: 'Match' })).toHaveLength(2);
  });
});
