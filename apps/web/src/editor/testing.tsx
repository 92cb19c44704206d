import { defaultCatalog, defaultScores, defaultStages, type FieldCatalog } from '@accord/engine';
import { render } from '@testing-library/react';
import { useState, type ReactElement, type ReactNode } from 'react';
import { WorkflowContextProvider } from './workflow-context';

const stages = defaultStages();
const scores = defaultScores();

/** Renders inside a catalog (the demo's by default), the default stages and scores (for component tests). */
export function renderWithWorkflow(ui: ReactElement, catalog: FieldCatalog = defaultCatalog) {
  return render(
    <WorkflowContextProvider stages={stages} scores={scores} catalog={catalog}>
      {ui}
    </WorkflowContextProvider>,
  );
}

/**
 * A controlled form under test: holds the value, hands it to `children` with a setter and
 * records every value the form emitted.
 */
export function Controlled<T>(props: {
  initial: T;
  changes?: T[];
  children: (value: T, onChange: (value: T) => void) => ReactNode;
}) {
  const [value, setValue] = useState(props.initial);
  return (
    <>
      {props.children(value, (next) => {
        props.changes?.push(next);
        setValue(next);
      })}
    </>
  );
}
