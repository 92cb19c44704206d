import type { ScoreDef, Stage, Workflow, WorkflowNode } from '@accord/engine';

/** Longest stage or score label the editor accepts (they are names, not prose). */
export const MAX_NAME = 80;

/**
 * An id from a label, as rules write ids: lower case, digits and `_`, unique among `taken`.
 * @example idFromLabel('Sales accepted', new Set(['sal'])) // 'sales_accepted'
 */
export function idFromLabel(label: string, taken: ReadonlySet<string>, fallback: string): string {
  const base =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || fallback;
  const start = /^[a-z]/.test(base) ? base : `${fallback}_${base}`;
  if (!taken.has(start)) return start;
  for (let n = 2; ; n++) if (!taken.has(`${start}_${n}`)) return `${start}_${n}`;
}

/** Whether some object inside `value` is `{ kind: 'score', score: id }` (a comparison's operand). */
function readsScore(value: unknown, id: string): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item !== 'object' || item === null) continue;
    if (Array.isArray(item)) {
      stack.push(...(item as unknown[]));
      continue;
    }
    const record = item as Record<string, unknown>;
    if (record.kind === 'score' && record.score === id) return true;
    for (const key of Object.keys(record)) stack.push(record[key]);
  }
  return false;
}

/** The steps that end leads in a stage. */
export function stageUsers(doc: Workflow, stageId: string): WorkflowNode[] {
  return doc.nodes.filter((n) => n.kind === 'stage' && n.data.stage === stageId);
}

/**
 * The steps that add to a score (a scorecard, a collecting table), compare it, or mention it in
 * a reason (`{score.fit}`).
 */
export function scoreUsers(doc: Workflow, scoreId: string): WorkflowNode[] {
  return doc.nodes.filter((n) => {
    if ((n.kind === 'scorecard' || n.kind === 'table') && n.data.score === scoreId) return true;
    if (n.kind === 'stage' && (n.data.reason ?? '').includes(`{score.${scoreId}}`)) return true;
    return readsScore(n.data, scoreId);
  });
}

/** `the step “Hand to sales”`, `the steps “A”, “B”, “C” and 2 more` */
function stepsText(nodes: readonly WorkflowNode[]): string {
  const names = nodes.slice(0, 3).map((n) => `“${n.label || n.id}”`);
  const more = nodes.length - names.length;
  const list = more > 0 ? `${names.join(', ')} and ${more} more` : names.join(', ');
  return `${nodes.length === 1 ? 'the step' : 'the steps'} ${list}`;
}

/** A refusal in words, or the changed document. */
export type Edit = { ok: true; doc: Workflow } | { ok: false; message: string };

/** Stages in funnel order, their `order` renumbered 0, 1, 2… */
function renumbered(stages: readonly Stage[]): Stage[] {
  return stages.map((s, i) => (s.order === i ? s : { ...s, order: i }));
}

const byOrder = (stages: readonly Stage[]) => [...stages].sort((a, b) => a.order - b.order);

/** Adds a stage after the others, its id made from its label. */
export function addStage(doc: Workflow, label: string): Edit {
  const name = label.trim();
  if (!name) return { ok: false, message: 'Give the new stage a name.' };
  if (name.length > MAX_NAME)
    return { ok: false, message: `Keep a stage name to ${MAX_NAME} characters.` };
  const id = idFromLabel(name, new Set(doc.stages.map((s) => s.id)), 'stage');
  const stages = renumbered(byOrder(doc.stages));
  return {
    ok: true,
    doc: { ...doc, stages: [...stages, { id, label: name, order: stages.length }] },
  };
}

/** Changes a stage's label or description (its id stays: steps refer to it). */
export function updateStage(
  doc: Workflow,
  id: string,
  patch: Partial<Pick<Stage, 'label' | 'description'>>,
): Workflow {
  return {
    ...doc,
    stages: doc.stages.map((s) => {
      if (s.id !== id) return s;
      const next = { ...s, ...patch };
      if (!next.description) delete next.description;
      return next;
    }),
  };
}

/** Moves a stage one place earlier (-1) or later (+1) in the funnel. */
export function moveStage(doc: Workflow, id: string, by: -1 | 1): Workflow {
  const stages = byOrder(doc.stages);
  const from = stages.findIndex((s) => s.id === id);
  const to = from + by;
  if (from === -1 || to < 0 || to >= stages.length) return doc;
  [stages[from], stages[to]] = [stages[to]!, stages[from]!];
  return { ...doc, stages: renumbered(stages) };
}

/** Removes a stage, refused while a step ends leads in it. */
export function removeStage(doc: Workflow, id: string): Edit {
  const stage = doc.stages.find((s) => s.id === id);
  if (!stage) return { ok: false, message: `There is no stage '${id}'.` };
  const users = stageUsers(doc, id);
  if (users.length > 0)
    return {
      ok: false,
      message: `${stage.label || id} is still used by ${stepsText(users)}: choose another stage there first.`,
    };
  return {
    ok: true,
    doc: { ...doc, stages: renumbered(byOrder(doc.stages.filter((s) => s.id !== id))) },
  };
}

/** Adds a score after the others (no bounds), its id made from its label. */
export function addScore(doc: Workflow, label: string): Edit {
  const name = label.trim();
  if (!name) return { ok: false, message: 'Give the new score a name.' };
  if (name.length > MAX_NAME)
    return { ok: false, message: `Keep a score name to ${MAX_NAME} characters.` };
  const id = idFromLabel(name, new Set(doc.scores.map((s) => s.id)), 'score');
  return { ok: true, doc: { ...doc, scores: [...doc.scores, { id, label: name }] } };
}

/** Changes a score's label, description or bounds (undefined clears a bound or description). */
export function updateScore(
  doc: Workflow,
  id: string,
  patch: Partial<Pick<ScoreDef, 'label' | 'description' | 'min' | 'max'>>,
): Workflow {
  return {
    ...doc,
    scores: doc.scores.map((s) => {
      if (s.id !== id) return s;
      const next: ScoreDef = { ...s, ...patch };
      if (next.description === undefined || next.description === '') delete next.description;
      if (next.min === undefined) delete next.min;
      if (next.max === undefined) delete next.max;
      return next;
    }),
  };
}

/** Moves a score one place up (-1) or down (+1) in the list. */
export function moveScore(doc: Workflow, id: string, by: -1 | 1): Workflow {
  const scores = [...doc.scores];
  const from = scores.findIndex((s) => s.id === id);
  const to = from + by;
  if (from === -1 || to < 0 || to >= scores.length) return doc;
  [scores[from], scores[to]] = [scores[to]!, scores[from]!];
  return { ...doc, scores };
}

/** Removes a score, refused while a step adds to it, compares it or names it in a reason. */
export function removeScore(doc: Workflow, id: string): Edit {
  const score = doc.scores.find((s) => s.id === id);
  if (!score) return { ok: false, message: `There is no score '${id}'.` };
  const users = scoreUsers(doc, id);
  if (users.length > 0)
    return {
      ok: false,
      message: `${score.label || id} is still used by ${stepsText(users)}: change those steps first.`,
    };
  return { ok: true, doc: { ...doc, scores: doc.scores.filter((s) => s.id !== id) } };
}

/** What is wrong with a score's bounds, if anything. */
export function boundsProblem(score: ScoreDef): string | undefined {
  if (score.min !== undefined && score.max !== undefined && score.min > score.max)
    return `${score.label || score.id}: the lowest value (${score.min}) is above the highest (${score.max}).`;
  return undefined;
}
