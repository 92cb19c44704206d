import { defaultWorkflow, type NodeOf, type WorkflowNode } from '@accord/engine';
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../../testing';
import { ChecklistInspector } from './inspector';

afterEach(cleanup);

const nodeOf = <K extends WorkflowNode['kind']>(id: string) =>
  defaultWorkflow().nodes.find((n) => n.id === id) as NodeOf<K>;

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
