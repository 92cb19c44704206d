import type { NodeSpec } from '../node-spec';
import { ScorecardBody } from './body';
import { ScorecardInspector } from './inspector';

/** Points for profile, channel and behaviour, added to one score. */
export const scorecardSpec: NodeSpec<'scorecard'> = {
  label: 'Scorecard',
  description: 'Points for profile, channel and behaviour.',
  icon: '★',
  colour: '#c2410c',
  addable: true,
  create: (doc) => ({
    label: 'New scorecard',
    data: { score: doc.scores[0]?.id ?? 'fit', rows: [] },
  }),
  Body: ScorecardBody,
  Inspector: ScorecardInspector,
};
