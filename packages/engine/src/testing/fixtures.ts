/** Helpers for engine tests: tiny workflows around one node, evaluation by both evaluators. */
import { expect } from 'vitest';
import { compile, type EvaluableLead } from '../compile/compile';
import { defaultCatalog } from '../catalog/default-catalog';
import { defaultScores, defaultStages } from '../defaults/default-stages';
import { interpret } from '../reference/interpret';
import type { FieldCatalog } from '../schema/field-catalog';
import type { WorkflowNode } from '../schema/node';
import type { Predicate } from '../schema/predicate';
import type { Result } from '../schema/result';
import type { Edge, Workflow } from '../schema/workflow';

export const AS_OF = Date.UTC(2026, 2, 1);
export const DAY = 86_400_000;

const pos = { x: 0, y: 0 };

export const startNode = (id = 'start'): WorkflowNode => ({
  id,
  kind: 'start',
  label: 'Start',
  position: pos,
  data: {},
});

export const stageNode = (id: string, stage: string, reason?: string): WorkflowNode => ({
  id,
  kind: 'stage',
  label: stage,
  position: pos,
  data: reason === undefined ? { stage } : { stage, reason },
});

export const edge = (source: string, sourceHandle: string, target: string): Edge => ({
  id: `${source}.${sourceHandle}->${target}`,
  source,
  sourceHandle,
  target,
});

/** A workflow: start → nodes…, with stage nodes `to_<stage>` for every default stage. */
export function workflowOf(nodes: WorkflowNode[], edges: Edge[], entry: string): Workflow {
  return {
    schemaVersion: 1,
    stages: defaultStages(),
    scores: defaultScores(),
    nodes: [startNode(), ...nodes, ...defaultStages().map((s) => stageNode(`to_${s.id}`, s.id))],
    edges: [edge('start', 'next', entry), ...edges],
  };
}

/** start → condition(when) → mql (true) / nurture (false). */
export function conditionWorkflow(when: Predicate): Workflow {
  return workflowOf(
    [{ id: 'c', kind: 'condition', label: 'Check', position: pos, data: { when } }],
    [edge('c', 'true', 'to_mql'), edge('c', 'false', 'to_nurture')],
    'c',
  );
}

/** Compiles (expecting success) and returns an evaluator that also checks the reference. */
export function evaluator(workflow: Workflow, catalog: FieldCatalog = defaultCatalog) {
  const compiled = compile(workflow, catalog);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics, null, 2));
  return (lead: EvaluableLead, asOf: number | string | Date = AS_OF): Result => {
    const fast = compiled.evaluate(lead, { asOf });
    const slow = interpret(workflow, lead, { asOf }, catalog);
    expect(fast).toEqual(slow);
    return fast;
  };
}

/** Whether a predicate holds for a lead, by both evaluators. */
export function holds(when: Predicate, lead: EvaluableLead, asOf: number = AS_OF): boolean {
  return evaluator(conditionWorkflow(when))(lead, asOf).stage === 'mql';
}

export const lead = (
  attributes: Record<string, unknown>,
  events: { type: string; at: number | string; props?: Record<string, unknown> }[] = [],
): EvaluableLead => ({ id: 'l', attributes, events }) as EvaluableLead;
