import { describe, expect, it } from 'vitest';
import { leadFromJson } from './lead-json';

describe('leadFromJson', () => {
  it('gives the lead, or says the text is not JSON, or names the path of each problem', () => {
    expect(leadFromJson('{"id": "l1", "attributes": {}, "events": []}')).toEqual({
      lead: { id: 'l1', attributes: {}, events: [] },
    });
    expect(leadFromJson('{"id": ')).toMatchObject({ error: expect.stringMatching(/^Not JSON: /) });
    expect(leadFromJson('{"id": 1, "attributes": {}}')).toMatchObject({
      error: expect.stringMatching(/^id: /),
    });
    expect(leadFromJson('[]')).toMatchObject({ error: expect.stringMatching(/^lead: /) });
  });
});
