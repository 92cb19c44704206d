import type { NodeSpec } from '../node-spec';
import { ChecklistBody } from './body';
import { ChecklistInspector } from './inspector';

/** Named criteria, e.g. SAL or BANT: passes when all (or at least some) are met. */
export const checklistSpec: NodeSpec<'checklist'> = {
  label: 'Checklist',
  description: 'Named criteria, e.g. SAL or BANT.',
  icon: '☑',
  colour: '#0e7c86',
  addable: true,
  create: () => ({ label: 'New checklist', data: { mode: 'all', criteria: [] } }),
  Body: ChecklistBody,
  Inspector: ChecklistInspector,
};
