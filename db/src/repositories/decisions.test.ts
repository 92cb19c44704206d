import { describe, expect, it } from 'vitest';
import { hasUnstorableText, unstorableDecisionPart } from './decisions';

const decision = { leadId: 'L-1', stage: 'mql', scores: { fit: 1 }, tags: {}, reasons: [] };

describe('unstorableDecisionPart', () => {
  it('#18: names the part PostgreSQL cannot store (NUL, half of a surrogate pair)', () => {
    expect(unstorableDecisionPart(decision)).toBeUndefined();
    expect(unstorableDecisionPart({ ...decision, leadId: 'L\u0000' })).toBe('leadId');
    expect(unstorableDecisionPart({ ...decision, tags: { owner: 'a\ud800' } })).toBe('tags');
    expect(
      unstorableDecisionPart({ ...decision, reasons: [{ text: 'Company: \udc00 Acme' }] }),
    ).toBe('reasons');
  });

  it('accepts whole surrogate pairs and looks into keys at any depth', () => {
    expect(hasUnstorableText({ a: ['ok', '😀 emoji'] })).toBe(false);
    expect(hasUnstorableText({ a: [{ ['k\u0000']: 1 }] })).toBe(true);
    expect(hasUnstorableText('\ud83d')).toBe(true);
  });
});
