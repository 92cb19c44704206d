import type { ReactNode } from 'react';

/**
 * A `.data-table` named for screen readers, with one header row of plain column titles (an empty
 * title leaves the header cell blank, as over a column of buttons); the rows are the children.
 * @example <DataTable label="Users" columns={['Name', 'Email', '']}>{rows}</DataTable>
 */
export function DataTable(props: {
  label: string;
  columns: readonly string[];
  children: ReactNode;
}) {
  return (
    <table className="data-table" aria-label={props.label}>
      <thead>
        <tr>
          {props.columns.map((title, i) => (
            // Titles may repeat (lead attributes are user data); the header row never reorders.
            <th key={i}>{title}</th>
          ))}
        </tr>
      </thead>
      <tbody>{props.children}</tbody>
    </table>
  );
}
