import { OPERATOR_LABELS, operatorsForType, type Comparison } from '@accord/engine';
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../testing';
import { ComparisonEditor } from './comparison-editor';

afterEach(cleanup);

function setup(initial: Comparison) {
  const changes: Comparison[] = [];
  renderWithWorkflow(
    <Controlled initial={initial} changes={changes}>
      {(value, onChange) => <ComparisonEditor value={value} onChange={onChange} />}
    </Controlled>,
  );
  return { changes, last: () => changes[changes.length - 1] };
}

const field = (id: string) => ({ kind: 'field' as const, field: id });
const operatorOptions = () =>
  within(screen.getByRole('combobox', { name: 'Operator' }))
    .getAllByRole('option')
    .map((o) => o.textContent);

describe('ComparisonEditor: the operator list depends on the field type', () => {
  it('offers numeric operators for a number field and text operators for a text field', async () => {
    const { last } = setup({ operand: field('company_size'), op: 'gt', value: 100 });
    expect(operatorOptions()).toEqual(operatorsForType('number').map((op) => OPERATOR_LABELS[op]));
    expect(operatorOptions()).toContain('is more than');
    expect(operatorOptions()).not.toContain('contains');

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Field' }), 'Job title');
    expect(operatorOptions()).toContain('contains');
    expect(operatorOptions()).toContain('starts with');
    expect(operatorOptions()).not.toContain('is more than');
    // 'gt' does not apply to text: the operator falls back to the type's first, the value resets.
    expect(last()).toEqual({ operand: field('job_title'), op: 'eq' });
    expect(screen.getByRole('textbox', { name: 'Value' })).toHaveProperty('value', '');
  });

  it('adds the email-only operators for an email field', () => {
    setup({ operand: field('email'), op: 'isSet' });
    expect(operatorOptions()).toContain('is a free-mail address');
    expect(operatorOptions()).toContain('has a domain among');
  });

  it('names membership on list fields the way lists read', () => {
    setup({ operand: field('interests'), op: 'contains', value: 'pricing' });
    expect(operatorOptions()).toEqual([
      'includes',
      'includes any of',
      'includes none of',
      'is given',
      'is missing',
    ]);
  });

  it('treats an event count as a number and a score as a number', async () => {
    const { last } = setup({ operand: field('job_title'), op: 'contains', value: 'vp' });
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Field' }),
      'Pricing page view events',
    );
    expect(last()?.operand).toEqual({ kind: 'events', event: 'pricing_page_view', agg: 'count' });
    expect(operatorOptions()).toContain('is at least');
    expect(screen.getByRole('combobox', { name: 'Aggregate' })).toHaveProperty('value', 'count');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Field' }), 'Fit score');
    expect(operatorOptions()).toContain('is between');
    expect(screen.queryByRole('combobox', { name: 'Aggregate' })).toBeNull();
  });
});

describe('ComparisonEditor: the value input depends on the type and the operator', () => {
  it('shows nothing for operators without a value', () => {
    setup({ operand: field('email'), op: 'freeEmail' });
    expect(screen.queryByLabelText(/^Value/)).toBeNull();
  });

  it('shows one number for "is more than" and two for "is between" on numbers', async () => {
    const { last } = setup({ operand: field('company_size'), op: 'gt', value: 100 });
    expect(screen.getByRole('textbox', { name: 'Value' })).toHaveProperty('value', '100');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Operator' }), 'is between');
    const from = screen.getByRole('textbox', { name: 'Value from' });
    const to = screen.getByRole('textbox', { name: 'Value to' });
    await userEvent.type(from, '50');
    await userEvent.type(to, '199');
    expect(last()).toEqual({ operand: field('company_size'), op: 'between', value: [50, 199] });
  });

  it('shows two date pickers for "is between" on dates, and a day count for "within the last"', async () => {
    setup({ operand: field('created_at'), op: 'between', value: ['2025-01-01', '2025-06-30'] });
    const from = screen.getByLabelText('Value from') as HTMLInputElement;
    expect(from.type).toBe('date');
    expect(from.value).toBe('2025-01-01');
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Operator' }),
      'is within the last',
    );
    expect(screen.queryAllByRole('textbox', { name: 'Value' })).toHaveLength(1);
    expect(screen.queryAllByText('days')).toHaveLength(1);
  });

  it('shows the enum values as a choice for "is" and as checkboxes for "is one of"', async () => {
    const { last } = setup({ operand: field('seniority'), op: 'eq', value: 'vp' });
    const value = screen.getByRole('combobox', { name: 'Value' });
    expect(
      within(value)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toContain('C-level');
    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Operator' }), 'is one of');
    expect(last()).toEqual({ operand: field('seniority'), op: 'in', value: [] });
    await userEvent.click(screen.getByRole('checkbox', { name: 'C-level' }));
    await userEvent.click(screen.getByRole('checkbox', { name: 'VP' }));
    expect(last()?.value).toEqual(['c_level', 'vp']);
  });

  it('shows yes/no for a boolean field', () => {
    setup({ operand: field('is_student'), op: 'eq', value: true });
    const value = screen.getByRole('combobox', { name: 'Value' });
    expect(
      within(value)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Yes', 'No']);
  });

  it('takes a list of domains for "has a domain among" on email', async () => {
    const { last } = setup({ operand: field('email'), op: 'isSet' });
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Operator' }),
      'has a domain among',
    );
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Value' }),
      'rival.com{Enter}other.io{Enter}',
    );
    expect(last()).toEqual({
      operand: field('email'),
      op: 'emailDomainIn',
      value: ['rival.com', 'other.io'],
    });
  });

  it('keeps the value when the operator changes but the kind of value does not', async () => {
    const { last } = setup({ operand: field('company_size'), op: 'gt', value: 100 });
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Operator' }),
      'is at least',
    );
    expect(last()).toEqual({ operand: field('company_size'), op: 'gte', value: 100 });
  });
});
