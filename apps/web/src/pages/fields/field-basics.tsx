import { FIELD_CATEGORIES, FIELD_TYPES, type FieldType } from '@accord/engine';
import { useId } from 'react';
import { CATEGORY_TEXT, fieldIdFromLabel, TYPE_TEXT, type FieldForm } from './field-form';
import './fields.css';

/**
 * A field's label, id, type and category, as both field dialogs ask for them (the Fields page's
 * and the editor's "New field"): the id follows the label until it is edited, and stays fixed
 * once the field exists.
 */
export function FieldBasics(props: {
  form: FieldForm;
  set: (patch: Partial<FieldForm>) => void;
  /** An existing field: its id cannot change. */
  idFixed?: boolean;
}) {
  const { form, set } = props;
  const ids = useId();
  return (
    <div className="field-grid">
      <label className="field">
        <span className="field-label">Label</span>
        <input
          value={form.label}
          maxLength={120}
          placeholder="e.g. Time on site"
          onChange={(e) =>
            set({
              label: e.target.value,
              ...(form.idEdited ? {} : { id: fieldIdFromLabel(e.target.value) }),
            })
          }
        />
      </label>
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-id`}>
          Id
        </label>
        <input
          id={`${ids}-id`}
          className="mono"
          value={form.id}
          maxLength={63}
          readOnly={props.idFixed}
          aria-describedby={`${ids}-id-hint`}
          onChange={(e) => set({ id: e.target.value, idEdited: true })}
        />
        <span className="field-hint" id={`${ids}-id-hint`}>
          {props.idFixed
            ? 'An id never changes: rules and CRMs refer to it.'
            : 'What your CRM sends: lower case letters, digits and _.'}
        </span>
      </div>
      <label className="field">
        <span className="field-label">Type</span>
        <select value={form.type} onChange={(e) => set({ type: e.target.value as FieldType })}>
          {FIELD_TYPES.map((t) => (
            <option key={t} value={t}>
              {TYPE_TEXT[t]}
            </option>
          ))}
        </select>
      </label>
      <div className="field">
        <label className="field-label" htmlFor={`${ids}-category`}>
          Category
        </label>
        <select
          id={`${ids}-category`}
          aria-describedby={`${ids}-category-hint`}
          value={form.category}
          onChange={(e) => set({ category: e.target.value as FieldForm['category'] })}
        >
          {FIELD_CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {CATEGORY_TEXT[c].title}
            </option>
          ))}
        </select>
        <span className="field-hint" id={`${ids}-category-hint`}>
          {CATEGORY_TEXT[form.category].hint}
        </span>
      </div>
    </div>
  );
}
