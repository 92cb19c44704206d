import type { ScoreDef, Stage } from '../schema/workflow';

/**
 * The stages of DOMAIN.md in funnel order.
 * @example defaultStages().map((s) => s.id) // ['nurture', 'mql', 'sal', 'sql', 'disqualified', 'recycled']
 */
export function defaultStages(): Stage[] {
  return [
    {
      id: 'nurture',
      label: 'Nurture',
      order: 0,
      description: 'A known contact, not yet qualified; marketing keeps nurturing it.',
    },
    {
      id: 'mql',
      label: 'MQL',
      order: 1,
      description:
        'Marketing-qualified: reached the level both teams agreed on and is handed to sales.',
    },
    {
      id: 'sal',
      label: 'SAL',
      order: 2,
      description: 'Sales-accepted: sales agrees the lead deserves its attention.',
    },
    {
      id: 'sql',
      label: 'SQL',
      order: 3,
      description: 'Sales-qualified: sales has worked the lead enough to believe in a close.',
    },
    {
      id: 'disqualified',
      label: 'Disqualified',
      order: 4,
      description: 'Not a prospect (for a stated reason).',
    },
    {
      id: 'recycled',
      label: 'Recycled',
      order: 5,
      description: 'Handed back to marketing; it can go through another cycle.',
    },
  ];
}

/**
 * The two scores of DOMAIN.md: fit (profile) and engagement (behaviour).
 * @example defaultScores()[0] // { id: 'fit', label: 'Fit', min: -50, max: 100, … }
 */
export function defaultScores(): ScoreDef[] {
  return [
    {
      id: 'fit',
      label: 'Fit',
      min: -50,
      max: 100,
      description: 'Who the lead is: profile, minus undesirables.',
    },
    {
      id: 'engagement',
      label: 'Engagement',
      min: 0,
      max: 100,
      description: 'What the lead did: channels and behaviour.',
    },
  ];
}
