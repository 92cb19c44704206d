import type { NodeSpec } from '../node-spec';
import { StartBody } from './body';
import { StartInspector } from './inspector';

/** The one entry of every workflow; never added from the palette. */
export const startSpec: NodeSpec<'start'> = {
  label: 'Start',
  description: 'Where every lead enters.',
  icon: '▶',
  colour: '#334155',
  addable: false,
  create: () => ({ label: 'Start', data: {} }),
  Body: StartBody,
  Inspector: StartInspector,
};
