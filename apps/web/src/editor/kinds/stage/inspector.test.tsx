import { defaultWorkflow, type NodeOf, type WorkflowNode } from '@accord/engine';
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { Controlled, renderWithWorkflow } from '../../testing';
import { StageInspector } from './inspector';

afterEach(cleanup);

const nodeOf = <K extends WorkflowNode['kind']>(id: string) =>
  defaultWorkflow().nodes.find((n) => n.id === id) as NodeOf<K>;

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
