import type { Workflow } from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { useState, type CSSProperties, type FormEvent } from 'react';
import { Dialog } from '../pages/dialog';
import { redo, undo } from './commands';
import {
  addScore,
  addStage,
  boundsProblem,
  MAX_NAME,
  moveScore,
  moveStage,
  removeScore,
  removeStage,
  updateScore,
  updateStage,
  type Edit,
} from './stages-scores';
import { stageColour } from './stage-colours';
import { useEditor, useEditorStoreApi, useHistory } from './store';

/**
 * The workflow's stages (names, funnel order, descriptions) and scores (names, bounds,
 * descriptions), edited as the rest of the draft is: every change is an undoable edit of the
 * document. Removing a stage or score that a step still uses is refused, naming the steps.
 */
export function StagesScoresDialog(props: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const store = useEditorStoreApi();
  const stages = useEditor((s) => s.doc.stages);
  const scores = useEditor((s) => s.doc.scores);
  const readOnly = useEditor((s) => s.readOnly);
  const { canUndo, canRedo } = useHistory();
  const [error, setError] = useState<string | null>(null);
  const [newStage, setNewStage] = useState('');
  const [newScore, setNewScore] = useState('');
  const ordered = [...stages].sort((a, b) => a.order - b.order);

  /** A plain edit; typing into one box (same key) is one undo step. */
  const change = (recipe: (doc: Workflow) => Workflow, coalesce?: string) => {
    setError(null);
    store.getState().change(recipe, { coalesce });
  };
  /** An edit that may be refused: the refusal shows, the document stays. */
  const attempt = (edit: (doc: Workflow) => Edit): boolean => {
    const result = edit(store.getState().doc);
    if (!result.ok) {
      setError(result.message);
      return false;
    }
    change(() => result.doc);
    return true;
  };
  const add = (event: FormEvent, what: 'stage' | 'score') => {
    event.preventDefault();
    const ok =
      what === 'stage'
        ? attempt((d) => addStage(d, newStage))
        : attempt((d) => addScore(d, newScore));
    if (ok) (what === 'stage' ? setNewStage : setNewScore)('');
  };
  const problems = scores.map(boundsProblem).filter((p): p is string => !!p);

  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        if (!open) setError(null);
        props.onOpenChange(open);
      }}
      title="Stages & scores"
      description={
        readOnly
          ? 'The stages a lead can end in and the scores its steps add to.'
          : 'Name the stages a lead can end in, in funnel order, and the scores steps add to. Every change is part of the draft and can be undone.'
      }
      testId="stages-scores"
      wide
      error={error}
      closeLabel="Done"
      actions={
        !readOnly && (
          <>
            <button type="button" disabled={!canUndo} onClick={() => undo(store)}>
              ↶ Undo
            </button>
            <button type="button" disabled={!canRedo} onClick={() => redo(store)}>
              ↷ Redo
            </button>
          </>
        )
      }
    >
      <section className="ss-section" aria-labelledby="ss-stages">
        <h3 id="ss-stages">Stages, in funnel order</h3>
        <table className="ss-table" data-testid="stages-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Id</th>
              <th scope="col" aria-label="Move or remove" />
            </tr>
          </thead>
          <tbody>
            {ordered.map((stage, i) => (
              <tr key={stage.id}>
                <td>
                  <span
                    className="ss-swatch"
                    style={{ '--stage': stageColour(stage.id) } as CSSProperties}
                    aria-hidden
                  />
                  {i + 1}
                </td>
                <td>
                  <input
                    aria-label={`Stage ${i + 1} name`}
                    value={stage.label}
                    maxLength={MAX_NAME}
                    disabled={readOnly}
                    aria-invalid={!stage.label.trim() || undefined}
                    onChange={(e) =>
                      change(
                        (d) => updateStage(d, stage.id, { label: e.target.value }),
                        `stage-label:${stage.id}`,
                      )
                    }
                  />
                </td>
                <td>
                  <input
                    aria-label={`Stage ${i + 1} description`}
                    value={stage.description ?? ''}
                    maxLength={500}
                    disabled={readOnly}
                    onChange={(e) =>
                      change(
                        (d) => updateStage(d, stage.id, { description: e.target.value }),
                        `stage-description:${stage.id}`,
                      )
                    }
                  />
                </td>
                <td>
                  <code className="muted small">{stage.id}</code>
                </td>
                <td className="ss-actions">
                  {!readOnly && (
                    <RowActions
                      name={`stage ${stage.label || stage.id}`}
                      words={['earlier', 'later']}
                      first={i === 0}
                      last={i === ordered.length - 1}
                      move={(by) => change((d) => moveStage(d, stage.id, by))}
                      remove={() => attempt((d) => removeStage(d, stage.id))}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {!readOnly && (
          <form className="ss-add" onSubmit={(e) => add(e, 'stage')}>
            <input
              aria-label="New stage name"
              placeholder="New stage, e.g. Opportunity"
              value={newStage}
              maxLength={MAX_NAME}
              onChange={(e) => setNewStage(e.target.value)}
            />
            <button type="submit">Add stage</button>
          </form>
        )}
      </section>

      <section className="ss-section" aria-labelledby="ss-scores">
        <h3 id="ss-scores">Scores</h3>
        <table className="ss-table" data-testid="scores-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Lowest</th>
              <th scope="col">Highest</th>
              <th scope="col">Description</th>
              <th scope="col">Id</th>
              <th scope="col" aria-label="Move or remove" />
            </tr>
          </thead>
          <tbody>
            {scores.map((score, i) => (
              <tr key={score.id}>
                <td>
                  <input
                    aria-label={`Score ${i + 1} name`}
                    value={score.label}
                    maxLength={MAX_NAME}
                    disabled={readOnly}
                    aria-invalid={!score.label.trim() || undefined}
                    onChange={(e) =>
                      change(
                        (d) => updateScore(d, score.id, { label: e.target.value }),
                        `score-label:${score.id}`,
                      )
                    }
                  />
                </td>
                <td>
                  <NumberInput
                    className="ss-number"
                    aria-label={`Score ${i + 1} lowest value`}
                    placeholder="none"
                    value={score.min}
                    min={-1_000_000_000}
                    max={1_000_000_000}
                    disabled={readOnly}
                    onChange={(min) =>
                      change((d) => updateScore(d, score.id, { min }), `score-min:${score.id}`)
                    }
                  />
                </td>
                <td>
                  <NumberInput
                    className="ss-number"
                    aria-label={`Score ${i + 1} highest value`}
                    placeholder="none"
                    value={score.max}
                    min={-1_000_000_000}
                    max={1_000_000_000}
                    disabled={readOnly}
                    onChange={(max) =>
                      change((d) => updateScore(d, score.id, { max }), `score-max:${score.id}`)
                    }
                  />
                </td>
                <td>
                  <input
                    aria-label={`Score ${i + 1} description`}
                    value={score.description ?? ''}
                    maxLength={500}
                    disabled={readOnly}
                    onChange={(e) =>
                      change(
                        (d) => updateScore(d, score.id, { description: e.target.value }),
                        `score-description:${score.id}`,
                      )
                    }
                  />
                </td>
                <td>
                  <code className="muted small">{score.id}</code>
                </td>
                <td className="ss-actions">
                  {!readOnly && (
                    <RowActions
                      name={`score ${score.label || score.id}`}
                      words={['up', 'down']}
                      first={i === 0}
                      last={i === scores.length - 1}
                      move={(by) => change((d) => moveScore(d, score.id, by))}
                      remove={() => attempt((d) => removeScore(d, score.id))}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {problems.length > 0 && (
          <ul className="ss-problems small" data-testid="bounds-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
        {!readOnly && (
          <form className="ss-add" onSubmit={(e) => add(e, 'score')}>
            <input
              aria-label="New score name"
              placeholder="New score, e.g. Intent"
              value={newScore}
              maxLength={MAX_NAME}
              onChange={(e) => setNewScore(e.target.value)}
            />
            <button type="submit">Add score</button>
          </form>
        )}
      </section>
    </Dialog>
  );
}

/** A row's ↑ ↓ × buttons, named for screen readers ("Move stage MQL earlier", "Remove score Fit"). */
function RowActions(props: {
  name: string;
  words: readonly [string, string];
  first: boolean;
  last: boolean;
  move: (by: -1 | 1) => void;
  remove: () => void;
}) {
  return (
    <>
      <button
        type="button"
        className="icon-button"
        aria-label={`Move ${props.name} ${props.words[0]}`}
        disabled={props.first}
        onClick={() => props.move(-1)}
      >
        ↑
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Move ${props.name} ${props.words[1]}`}
        disabled={props.last}
        onClick={() => props.move(1)}
      >
        ↓
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove ${props.name}`}
        onClick={props.remove}
      >
        ×
      </button>
    </>
  );
}
