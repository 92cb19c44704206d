import { POINT_STEPS } from './evidence-choice';

/**
 * The step suggested and drafted points are rounded to (1, 5 or 10): the inspector's evidence and
 * the drafted scorecard share it through the evidence choice.
 */
export function PointStepSelect(props: {
  label: string;
  /** The select's accessible name when the visible label is short (default: `label`). */
  ariaLabel?: string;
  value: number;
  onChange: (step: number) => void;
  className?: string;
}) {
  return (
    <label className={props.className}>
      {props.label}
      <select
        aria-label={props.ariaLabel ?? props.label}
        value={props.value}
        onChange={(e) => props.onChange(Number(e.target.value))}
      >
        {POINT_STEPS.map((step) => (
          <option key={step} value={step}>
            {step}
          </option>
        ))}
      </select>
    </label>
  );
}
