import type { ReactNode } from 'react';
import type { RouterOutputs } from '../lib/types';

type VersionRow = RouterOutputs['versions']['list'][number];

/**
 * A labelled select of a workflow's versions, each "Version 3 (published)"; the children are the
 * options listed before them (the published version, the current draft, "Pick a version").
 * @example <VersionSelect label="Baseline" value={id} versions={list} onChange={setId} />
 */
export function VersionSelect(props: {
  label: string;
  value: string;
  versions: readonly VersionRow[] | undefined;
  onChange: (value: string) => void;
  children?: ReactNode;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.children}
        {props.versions?.map((v) => (
          <option key={v.id} value={v.id}>
            Version {v.number} ({v.status})
          </option>
        ))}
      </select>
    </label>
  );
}
