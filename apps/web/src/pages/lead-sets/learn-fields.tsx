import { FIELD_CATEGORIES, type FieldCategory, type FieldType } from '@accord/engine';
import { DataTable } from '../data-table';
import {
  LEARNABLE_TYPES,
  missingText,
  withType,
  type LearnPlan,
  type NewFieldChoice,
} from './learn-plan';
import type { ProfileProgress } from './profile-file';

const TYPE_LABEL: Record<FieldType, string> = {
  string: 'Text',
  number: 'Number',
  boolean: 'Yes/no',
  date: 'Date',
  email: 'Email',
  enum: 'Choice (enum)',
  phone: 'Phone',
  list: 'List',
};

const count = (n: number) => n.toLocaleString('en');

/** Reading the whole file to learn its columns: a bar and the rows counted so far. */
export function ProfileBar({ progress }: { progress: ProfileProgress }) {
  const percent = progress.total ? Math.floor((progress.read / progress.total) * 100) : 0;
  return (
    <p className="row small" data-testid="profile-progress">
      <progress aria-label="Reading the whole file" max={100} value={percent} />
      Reading the whole file to learn its columns: {count(progress.rows)} rows ({percent}%). You can
      import now with the mapping as it is.
    </p>
  );
}

/**
 * The columns of a file that match no field, each offered as a new field (type from the whole
 * file, label from the header, a category the person chooses, placeholders as missing-value
 * texts, enum options with case/spacing variants merged under one label), and values of mapped
 * enum fields the field lacks offered as new options. Nothing is saved here: the import button
 * creates what is ticked, then imports.
 */
export function LearnFields(props: {
  plan: LearnPlan;
  rows: number;
  onChange: (plan: LearnPlan) => void;
}) {
  const { plan, onChange } = props;
  const setField = (column: string, change: (f: NewFieldChoice) => NewFieldChoice) =>
    onChange({
      ...plan,
      fields: plan.fields.map((f) => (f.column === column ? change(f) : f)),
    });
  const chosen = plan.fields.filter((f) => f.create).length;
  if (plan.fields.length === 0 && plan.newOptions.length === 0) return null;
  return (
    <section className="learn-fields" aria-label="New fields from this file">
      {plan.fields.length > 0 && (
        <>
          <h3>
            New fields from this file{' '}
            <span className="muted small">
              ({count(plan.fields.length)}{' '}
              {plan.fields.length === 1 ? 'column matches' : 'columns match'} no field; types judged
              on all {count(props.rows)} rows)
            </span>
          </h3>
          <div className="row small">
            <label className="inline">
              Category for the new fields
              <select
                aria-label="Category for all new fields"
                value=""
                onChange={(e) =>
                  onChange({
                    ...plan,
                    fields: plan.fields.map((f) =>
                      f.create ? { ...f, category: e.target.value as FieldCategory } : f,
                    ),
                  })
                }
              >
                <option value="">Choose for all ticked…</option>
                {FIELD_CATEGORIES.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
            <span className="muted">{count(chosen)} ticked</span>
          </div>
          <div className="scroll-box tall">
            <DataTable
              label="New fields"
              columns={[
                'Create',
                'Column',
                'Label',
                'Type',
                'Category',
                'Values and missing texts',
              ]}
            >
              {plan.fields.map((f) => (
                <tr key={f.column} data-testid={`new-field-${f.column}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Create a field from ${f.column}`}
                      checked={f.create}
                      onChange={(e) =>
                        setField(f.column, (x) => ({ ...x, create: e.target.checked }))
                      }
                    />
                  </td>
                  <td>
                    <strong>{f.column}</strong>
                    <div className="small muted">{missingText(f.profile)}</div>
                    <div className="small muted">{f.proposal.why}</div>
                  </td>
                  <td>
                    <input
                      aria-label={`Label of ${f.column}`}
                      value={f.label}
                      disabled={!f.create}
                      onChange={(e) => setField(f.column, (x) => ({ ...x, label: e.target.value }))}
                    />
                    <div className="small muted">id {f.id}</div>
                  </td>
                  <td>
                    <select
                      aria-label={`Type of ${f.column}`}
                      value={f.type}
                      disabled={!f.create}
                      onChange={(e) =>
                        setField(f.column, (x) => withType(x, e.target.value as FieldType))
                      }
                    >
                      {LEARNABLE_TYPES.map((t) => (
                        <option
                          key={t}
                          value={t}
                          disabled={t === 'enum' && f.profile.distinct === null}
                        >
                          {TYPE_LABEL[t]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td>
                    <select
                      aria-label={`Category of ${f.column}`}
                      value={f.category}
                      disabled={!f.create}
                      onChange={(e) =>
                        setField(f.column, (x) => ({
                          ...x,
                          category: e.target.value as FieldCategory | '',
                        }))
                      }
                    >
                      <option value="">Choose…</option>
                      {FIELD_CATEGORIES.map((c) => (
                        <option key={c} value={c}>
                          {c}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="small">
                    <FieldDetails choice={f} onChange={(next) => setField(f.column, () => next)} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>
        </>
      )}
      {plan.newOptions.map((n) => (
        <div key={n.column} className="small" data-testid={`new-options-${n.field.id}`}>
          <h3>
            New options for {n.field.label}{' '}
            <span className="muted">(column {n.column} has values the field lacks)</span>
          </h3>
          {n.options.map((o) => (
            <label key={o.value} className="inline">
              <input
                type="checkbox"
                aria-label={`Add option ${o.label} to ${n.field.label}`}
                checked={o.add}
                onChange={(e) =>
                  onChange({
                    ...plan,
                    newOptions: plan.newOptions.map((x) =>
                      x === n
                        ? {
                            ...x,
                            options: x.options.map((y) =>
                              y === o ? { ...y, add: e.target.checked } : y,
                            ),
                          }
                        : x,
                    ),
                  })
                }
              />
              {o.label}{' '}
              <span className="muted">
                ({count(o.spellings.reduce((sum, s) => sum + s.count, 0))})
              </span>
            </label>
          ))}
        </div>
      ))}
    </section>
  );
}

/** Enum options (variants shown together, merged under a label the person picks) and missing texts. */
function FieldDetails(props: { choice: NewFieldChoice; onChange: (c: NewFieldChoice) => void }) {
  const { choice, onChange } = props;
  return (
    <>
      {choice.type === 'enum' && (
        <ul className="plain-list">
          {choice.options.slice(0, 30).map((o, i) => (
            <li key={o.value}>
              {o.spellings.length === 1 ? (
                <span>
                  {o.label} <span className="muted">({count(o.spellings[0]!.count)})</span>
                </span>
              ) : (
                <span>
                  <select
                    aria-label={`Merge ${o.spellings.map((s) => s.text.trim()).join(', ')} as`}
                    value={o.label}
                    onChange={(e) =>
                      onChange({
                        ...choice,
                        options: choice.options.map((x, j) =>
                          j === i ? { ...x, label: e.target.value } : x,
                        ),
                      })
                    }
                  >
                    {[...new Set(o.spellings.map((s) => s.text.trim()))].map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                  </select>{' '}
                  <span className="muted">
                    merges {o.spellings.map((s) => `'${s.text}' (${count(s.count)})`).join(', ')}
                  </span>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {choice.type !== 'enum' && choice.profile.variants.length > 0 && (
        <p className="muted">
          Variants kept as written:{' '}
          {choice.profile.variants
            .slice(0, 3)
            .map((v) => v.values.map((x) => `'${x}'`).join(' / '))
            .join('; ')}
          . Make it a choice (enum) to merge them.
        </p>
      )}
      {choice.missing.map((m) => (
        <label key={m.text} className="inline">
          <input
            type="checkbox"
            aria-label={`Count '${m.text}' in ${choice.column} as no answer`}
            checked={m.use}
            disabled={!choice.create}
            onChange={(e) =>
              onChange({
                ...choice,
                missing: choice.missing.map((x) => (x === m ? { ...x, use: e.target.checked } : x)),
              })
            }
          />
          '{m.text}' means no answer
        </label>
      ))}
    </>
  );
}
