import {
  operandType,
  operatorsForType,
  valueKindFor,
  type Operator,
  type TableCell,
} from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { freshItemId, ItemActions, moveItem, replaceAt } from '../../inspector/form-parts';
import { OperandPicker } from '../../inspector/operand-picker';
import { operatorLabel } from '../../inspector/operator-select';
import { TagsEditor } from '../../inspector/tags-editor';
import { initialValue, ValueInput } from '../../inspector/value-input';
import { useWorkflowContext } from '../../workflow-context';
import type { InspectorProps } from '../node-spec';

/** The decision table as a grid: one column per input, one line per row. */
export function TableGrid({ node, onChange, tags }: InspectorProps<'table'>) {
  const ctx = useWorkflowContext();
  const data = node.data;
  const { inputs, rows } = data;
  const setRows = (next: typeof rows) => onChange({ ...data, rows: next });
  return (
    <div className="table-grid-wrap">
      <table className="table-grid">
        <thead>
          <tr>
            <th>Row</th>
            {inputs.map((input, c) => (
              <th key={input.id}>
                <input
                  aria-label={`Column ${c + 1} name`}
                  value={input.label}
                  onChange={(e) =>
                    onChange({
                      ...data,
                      inputs: replaceAt(inputs, c, { ...input, label: e.target.value }),
                    })
                  }
                />
                <OperandPicker
                  aria-label={`Column ${c + 1} tests`}
                  value={input.operand}
                  tags={tags}
                  onChange={(operand) =>
                    onChange({
                      ...data,
                      inputs: replaceAt(inputs, c, { ...input, operand }),
                      rows: rows.map((r) => ({
                        ...r,
                        cells: r.cells.map((cell, j) => (j === c ? { op: 'any' as const } : cell)),
                      })),
                    })
                  }
                />
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    onChange({
                      ...data,
                      inputs: inputs.filter((_, j) => j !== c),
                      rows: rows.map((r) => ({ ...r, cells: r.cells.filter((_, j) => j !== c) })),
                    })
                  }
                >
                  Remove column
                </button>
              </th>
            ))}
            <th>{data.hitPolicy === 'collect' ? 'Points' : 'Sets tags'}</th>
            <th aria-label="Row actions" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={row.id} data-editing={row.label}>
              <td>
                <input
                  aria-label={`Row ${r + 1} name`}
                  value={row.label}
                  onChange={(e) => setRows(replaceAt(rows, r, { ...row, label: e.target.value }))}
                />
              </td>
              {inputs.map((input, c) => {
                const cell: TableCell = row.cells[c] ?? { op: 'any' };
                const type = operandType(input.operand, ctx.text);
                const ops = type ? operatorsForType(type) : [];
                const kind = type && cell.op !== 'any' ? valueKindFor(type, cell.op) : undefined;
                const options =
                  input.operand.kind === 'field'
                    ? ctx.index.fields.get(input.operand.field)?.values
                    : undefined;
                const setCell = (next: TableCell) => {
                  const cells = inputs.map((_, j) => row.cells[j] ?? { op: 'any' as const });
                  cells[c] = next;
                  setRows(replaceAt(rows, r, { ...row, cells }));
                };
                return (
                  <td key={input.id} className="table-cell">
                    <select
                      aria-label={`Row ${r + 1} ${input.label} operator`}
                      value={cell.op}
                      onChange={(e) => {
                        const op = e.target.value as Operator | 'any';
                        if (op === 'any') return setCell({ op });
                        const nextKind = type ? valueKindFor(type, op) : undefined;
                        const value = nextKind === kind ? cell.value : initialValue(nextKind);
                        setCell(value === undefined ? { op } : { op, value });
                      }}
                    >
                      <option value="any">any</option>
                      {ops.map((op) => (
                        <option key={op} value={op}>
                          {operatorLabel(op, type)}
                        </option>
                      ))}
                    </select>
                    {kind && (
                      <ValueInput
                        kind={kind}
                        value={cell.value}
                        options={options}
                        label={`Row ${r + 1} ${input.label} value`}
                        onChange={(value) =>
                          setCell(value === undefined ? { op: cell.op } : { op: cell.op, value })
                        }
                      />
                    )}
                  </td>
                );
              })}
              <td>
                {data.hitPolicy === 'collect' ? (
                  <NumberInput
                    aria-label={`Row ${r + 1} points`}
                    value={row.points}
                    onChange={(points) => setRows(replaceAt(rows, r, { ...row, points }))}
                  />
                ) : (
                  <TagsEditor
                    tags={row.tags ?? []}
                    compact
                    onChange={(tagsOut) =>
                      setRows(
                        replaceAt(rows, r, { ...row, tags: tagsOut.length ? tagsOut : undefined }),
                      )
                    }
                  />
                )}
              </td>
              <td>
                <ItemActions
                  index={r}
                  count={rows.length}
                  what={`row ${row.label}`}
                  onMove={(from, to) => setRows(moveItem(rows, from, to))}
                  onRemove={() => setRows(rows.filter((_, j) => j !== r))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button
          type="button"
          className="small-button"
          onClick={() =>
            setRows([
              ...rows,
              {
                id: freshItemId('row', rows),
                label: `Row ${rows.length + 1}`,
                cells: inputs.map(() => ({ op: 'any' as const })),
              },
            ])
          }
        >
          + Row
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() =>
            onChange({
              ...data,
              inputs: [
                ...inputs,
                {
                  id: freshItemId('input', inputs),
                  label: 'New column',
                  operand: { kind: 'field', field: ctx.catalog.fields[0]?.id ?? '' },
                },
              ],
            })
          }
        >
          + Column
        </button>
      </div>
    </div>
  );
}
