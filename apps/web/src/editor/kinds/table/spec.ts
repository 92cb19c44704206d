import type { NodeSpec } from '../node-spec';
import { TableBody } from './body';
import { TableInspector } from './inspector';

/** Rows of rules over a few columns: the first match routes, or every match adds points. */
export const tableSpec: NodeSpec<'table'> = {
  label: 'Decision table',
  description: 'Rows of rules over a few columns.',
  icon: '▦',
  colour: '#9333ea',
  addable: true,
  create: () => ({
    label: 'New decision table',
    data: {
      hitPolicy: 'first',
      inputs: [
        {
          id: 'input_1',
          label: 'Company size',
          operand: { kind: 'field', field: 'company_size' },
        },
      ],
      rows: [{ id: 'row_1', label: 'Row 1', cells: [{ op: 'any' }] }],
    },
  }),
  Body: TableBody,
  Inspector: TableInspector,
};
