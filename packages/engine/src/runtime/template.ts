/** `{score.fit}`, `{tag.segment}`, `{field.job_title}`, `{stage}` in a stage's reason template. */
export const TEMPLATE_PLACEHOLDER = /\{(score|tag|field)\.([^{}]+)\}|\{(stage)\}/g;

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'score' | 'tag' | 'field'; id: string }
  | { kind: 'stage' };

/**
 * Splits a reason template into literal text and placeholders; nothing in it is code.
 * @example parseTemplate('MQL: fit {score.fit}') // [{kind:'text',text:'MQL: fit '},{kind:'score',id:'fit'}]
 */
export function parseTemplate(template: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(TEMPLATE_PLACEHOLDER)) {
    const at = match.index;
    if (at > last) parts.push({ kind: 'text', text: template.slice(last, at) });
    if (match[3] === 'stage') parts.push({ kind: 'stage' });
    else parts.push({ kind: match[1] as 'score' | 'tag' | 'field', id: match[2] ?? '' });
    last = at + match[0].length;
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return parts;
}
