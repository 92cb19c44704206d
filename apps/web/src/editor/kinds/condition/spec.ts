import type { NodeSpec } from '../node-spec';
import { ConditionBody } from './body';
import { ConditionInspector } from './inspector';

/** A yes/no question about the lead. */
export const conditionSpec: NodeSpec<'condition'> = {
  label: 'Condition',
  description: 'A yes/no question about the lead.',
  icon: '◆',
  colour: '#3756d4',
  addable: true,
  create: () => ({ label: 'New condition', data: { when: { all: [] } } }),
  Body: ConditionBody,
  Inspector: ConditionInspector,
};
