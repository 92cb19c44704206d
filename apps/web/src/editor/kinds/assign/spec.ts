import type { NodeSpec } from '../node-spec';
import { AssignBody } from './body';
import { AssignInspector } from './inspector';

/** Sets tags on the lead: segment, owner, next step. */
export const assignSpec: NodeSpec<'assign'> = {
  label: 'Assign',
  description: 'Set a tag: segment, owner, next step.',
  icon: '#',
  colour: '#4d7c0f',
  addable: true,
  create: () => ({ label: 'New assignment', data: { tags: [{ tag: 'segment', value: '' }] } }),
  Body: AssignBody,
  Inspector: AssignInspector,
};
