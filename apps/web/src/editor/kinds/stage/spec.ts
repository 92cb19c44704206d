import type { NodeSpec } from '../node-spec';
import { StageBody } from './body';
import { StageInspector } from './inspector';

/** The end of a route: the lead's stage and why. */
export const stageSpec: NodeSpec<'stage'> = {
  label: 'Stage',
  description: 'The end: the lead’s stage and why.',
  icon: '⚑',
  colour: '#1f8a4c',
  addable: true,
  create: (doc) => {
    const stage = doc.stages.find((s) => s.id === 'mql') ?? doc.stages[0];
    return {
      label: stage?.label ?? 'Stage',
      data: { stage: stage?.id ?? 'nurture' },
    };
  },
  Body: StageBody,
  Inspector: StageInspector,
};
