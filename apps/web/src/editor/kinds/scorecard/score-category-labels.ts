import type { ScoreCategory } from '@accord/engine';

/** Each score category as the scorecard's forms name it. */
export const SCORE_CATEGORY_LABELS: Record<ScoreCategory, string> = {
  profile: 'Profile',
  channel: 'Channel',
  behaviour: 'Behaviour',
  undesirable: 'Undesirable',
};
