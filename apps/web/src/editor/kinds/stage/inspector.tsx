import type { CSSProperties } from 'react';
import { Field, withOptional } from '../../inspector/form-parts';
import { stageColour } from '../../stage-colours';
import { useWorkflowContext } from '../../workflow-context';
import type { InspectorProps } from '../node-spec';

/** The stage a lead ends in and the reason a sales leader reads. */
export function StageInspector({ node, onChange }: InspectorProps<'stage'>) {
  const { stages, scores } = useWorkflowContext();
  const data = node.data;
  return (
    <section className="inspector-section">
      <h3>Stage the lead ends in</h3>
      <div className="stage-choices" role="radiogroup" aria-label="Stage">
        {[...stages]
          .sort((a, b) => a.order - b.order)
          .map((s) => (
            <label
              key={s.id}
              className={`stage-choice${data.stage === s.id ? ' is-on' : ''}`}
              style={{ '--stage': stageColour(s.id) } as CSSProperties}
              title={s.description}
            >
              <input
                type="radio"
                name={`stage-${node.id}`}
                value={s.id}
                checked={data.stage === s.id}
                onChange={() => onChange({ ...data, stage: s.id })}
              />
              {s.label}
            </label>
          ))}
      </div>
      <Field
        label="Reason (what a sales leader reads)"
        hint={
          <>
            Fill-ins: {scores.map((s) => `{score.${s.id}}`).join(', ')}, {'{tag.segment}'},{' '}
            {'{field.job_title}'}
          </>
        }
      >
        <textarea
          rows={3}
          value={data.reason ?? ''}
          onChange={(e) => onChange(withOptional(data, 'reason', e.target.value || undefined))}
        />
      </Field>
    </section>
  );
}
