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

/**
 * What a lead's reason says where a placeholder has no value, instead of the raw placeholder.
 * @example missingValueText('owner') // '(owner not set)'
 */
export function missingValueText(id: string): string {
  return `(${id.replaceAll('_', ' ')} not set)`;
}

/** The names a template's placeholders read as when the workflow itself is shown to people. */
export interface TemplateNames {
  score(id: string): string | undefined;
  field(id: string): string | undefined;
  stage: string;
}

/**
 * A reason template in words, for reading the workflow (the editor, the signed agreement) rather
 * than a lead's result: each placeholder becomes the name of what fills it, in brackets.
 * @example templateInWords('SAL: accepted by {tag.owner}', names) // 'SAL: accepted by [owner]'
 */
export function templateInWords(template: string, names: TemplateNames): string {
  return parseTemplate(template)
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return part.text;
        case 'stage':
          return names.stage;
        case 'score':
          return `[${names.score(part.id) ?? part.id.replaceAll('_', ' ')} score]`;
        case 'field':
          return `[${names.field(part.id) ?? part.id.replaceAll('_', ' ')}]`;
        case 'tag':
          return `[${part.id.replaceAll('_', ' ')}]`;
      }
    })
    .join('');
}
