import { NEW_COMPARISON } from '../../inspector/predicate-editor';
import type { NodeSpec } from '../node-spec';
import { SwitchBody } from './body';
import { SwitchInspector } from './inspector';

/** Several routes; the first matching case wins. */
export const switchSpec: NodeSpec<'switch'> = {
  label: 'Switch',
  description: 'Several routes; the first matching case wins.',
  icon: '⇉',
  colour: '#7c3aed',
  addable: true,
  create: () => ({
    label: 'New switch',
    data: { cases: [{ id: 'case_1', label: 'Case 1', when: { all: [NEW_COMPARISON] } }] },
  }),
  Body: SwitchBody,
  Inspector: SwitchInspector,
};
