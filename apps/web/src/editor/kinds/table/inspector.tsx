import type { HIT_POLICIES } from '@accord/engine';
import { useState } from 'react';
import { Dialog } from '../../../pages/dialog';
import { RowsEvidenceList } from '../../evidence/rule-evidence';
import { Field } from '../../inspector/form-parts';
import { useWorkflowContext } from '../../workflow-context';
import type { InspectorProps } from '../node-spec';
import { TableGrid } from './table-grid';

/** The decision table's hit policy and its grid, which can open wide in a dialog. */
export function TableInspector(props: InspectorProps<'table'>) {
  const { node, onChange } = props;
  const { scores } = useWorkflowContext();
  const data = node.data;
  const [wide, setWide] = useState(false);
  return (
    <>
      <section className="inspector-section">
        <Field label="Hit policy">
          <select
            aria-label="Hit policy"
            value={data.hitPolicy}
            onChange={(e) => {
              const hitPolicy = e.target.value as (typeof HIT_POLICIES)[number];
              onChange(
                hitPolicy === 'collect'
                  ? { ...data, hitPolicy, score: data.score ?? scores[0]?.id }
                  : { ...data, hitPolicy },
              );
            }}
          >
            <option value="first">First matching row decides the route</option>
            <option value="collect">Every matching row adds points and tags</option>
          </select>
        </Field>
        {data.hitPolicy === 'collect' && (
          <Field label="Adds to score">
            <select
              value={data.score ?? ''}
              onChange={(e) => onChange({ ...data, score: e.target.value })}
            >
              {scores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </section>
      <section className="inspector-section">
        <div className="section-head">
          <h3>Decision table</h3>
          <button type="button" className="small-button" onClick={() => setWide(true)}>
            Expand
          </button>
          <Dialog
            open={wide}
            onOpenChange={setWide}
            wide
            title={node.label || 'Decision table'}
            description="Columns are what each row tests; a cell set to “any” matches everything."
            closeLabel="Done"
          >
            <TableGrid {...props} />
          </Dialog>
        </div>
        <TableGrid {...props} />
      </section>
      <RowsEvidenceList nodeId={node.id} rows={data.rows} />
    </>
  );
}
