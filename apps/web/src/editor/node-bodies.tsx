import { predicateText, templateInWords, type NodeOf, type NodeKind } from '@accord/engine';
import type { ComponentType, CSSProperties } from 'react';
import { formatPoints } from './inspector/form-parts';
import { stageColour } from './stage-colours';
import { useWorkflowContext } from './workflow-context';

/** How many lines of a list a node shows before "+ N more" (keeps big workflows light). */
const MAX_LINES = 6;

function More({ count }: { count: number }) {
  return count > MAX_LINES ? <li className="more">+ {count - MAX_LINES} more</li> : null;
}

function PredicateLine({ text }: { text: string }) {
  return (
    <p className="node-predicate" title={text}>
      {text}
    </p>
  );
}

function StartBody() {
  return <p className="node-note">Every new or updated lead</p>;
}

/** What a condition asks, as a sentence: "Yes when …", or "Always yes" for an empty group. */
export function conditionText(when: string): string {
  return when === 'always' ? 'Always yes' : when === 'never' ? 'Always no' : `Yes when ${when}`;
}

function ConditionBody({ node }: { node: NodeOf<'condition'> }) {
  const { text } = useWorkflowContext();
  return <PredicateLine text={conditionText(predicateText(node.data.when, text))} />;
}

function SwitchBody({ node }: { node: NodeOf<'switch'> }) {
  return node.data.cases.length === 0 ? (
    <p className="node-note">No cases yet</p>
  ) : (
    <p className="node-note">First matching case wins</p>
  );
}

function ScorecardBody({ node }: { node: NodeOf<'scorecard'> }) {
  const { scores } = useWorkflowContext();
  const score = scores.find((s) => s.id === node.data.score)?.label ?? node.data.score;
  const rows = node.data.rows;
  return (
    <>
      <p className="node-note">
        Adds to <strong>{score}</strong>
      </p>
      {rows.length === 0 ? (
        <p className="node-note">No rows yet</p>
      ) : (
        <ul className="node-rows">
          {rows.slice(0, MAX_LINES).map((row) => (
            <li key={row.id}>
              <span className="node-row-label" title={row.label}>
                {row.label}
              </span>
              <span className={`points ${row.points < 0 ? 'negative' : ''}`}>
                {formatPoints(row.points)}
                {row.perEvent ? ' each' : ''}
              </span>
            </li>
          ))}
          <More count={rows.length} />
        </ul>
      )}
    </>
  );
}

function ChecklistBody({ node }: { node: NodeOf<'checklist'> }) {
  const { criteria, mode, atLeast } = node.data;
  return (
    <>
      <p className="node-note">
        {mode === 'all'
          ? 'Passes when all are met'
          : `Passes when at least ${atLeast ?? '?'} are met`}
      </p>
      <ul className="node-rows">
        {criteria.slice(0, MAX_LINES).map((c) => (
          <li key={c.id}>
            <span className="check-mark" aria-hidden>
              ✓
            </span>
            <span className="node-row-label" title={c.label}>
              {c.label}
              {c.optional && <em className="muted"> optional</em>}
            </span>
          </li>
        ))}
        <More count={criteria.length} />
      </ul>
    </>
  );
}

function TableBody({ node }: { node: NodeOf<'table'> }) {
  const { inputs, rows, hitPolicy } = node.data;
  return (
    <>
      <p className="node-note">
        {hitPolicy === 'first' ? 'First matching row' : 'Every matching row'} ·{' '}
        {inputs.map((i) => i.label).join(', ') || 'no columns'}
      </p>
      {hitPolicy === 'collect' && (
        <ul className="node-rows">
          {rows.slice(0, MAX_LINES).map((row) => (
            <li key={row.id}>
              <span className="node-row-label">{row.label}</span>
              {row.points !== undefined && (
                <span className={`points ${row.points < 0 ? 'negative' : ''}`}>
                  {formatPoints(row.points)}
                </span>
              )}
            </li>
          ))}
          <More count={rows.length} />
        </ul>
      )}
    </>
  );
}

function AssignBody({ node }: { node: NodeOf<'assign'> }) {
  const tags = node.data.tags;
  return tags.length === 0 ? (
    <p className="node-note">Sets nothing yet</p>
  ) : (
    <ul className="node-rows">
      {tags.slice(0, MAX_LINES).map((t, i) => (
        <li key={i}>
          <span className="node-row-label" title={`${t.tag} = ${t.value}`}>
            <span className="muted">{t.tag}</span> {t.value}
          </span>
        </li>
      ))}
      <More count={tags.length} />
    </ul>
  );
}

function StageBody({ node }: { node: NodeOf<'stage'> }) {
  const { stages, text } = useWorkflowContext();
  const stage = stages.find((s) => s.id === node.data.stage);
  const reason =
    node.data.reason &&
    templateInWords(node.data.reason, {
      score: (id) => text.scores.get(id)?.label,
      field: (id) => text.catalog.fields.get(id)?.label,
      stage: stage?.label ?? node.data.stage,
    });
  return (
    <>
      <span
        className="stage-pill"
        style={{ '--stage': stageColour(node.data.stage) } as CSSProperties}
      >
        {stage?.label ?? `Unknown stage ${node.data.stage}`}
      </span>
      {reason && (
        <p className="node-note" title={reason}>
          {reason}
        </p>
      )}
    </>
  );
}

/** What each kind shows on its card. */
export const NODE_BODIES: { [K in NodeKind]: ComponentType<{ node: NodeOf<K> }> } = {
  start: StartBody,
  condition: ConditionBody,
  switch: SwitchBody,
  scorecard: ScorecardBody,
  checklist: ChecklistBody,
  table: TableBody,
  assign: AssignBody,
  stage: StageBody,
};
