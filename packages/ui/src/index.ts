export { NodeCard, type NodeCardProps, type NodeCardOutput } from './node-card';
export { NumberInput, type NumberInputProps } from './number-input';
export { ListInput, type ListInputProps } from './list-input';
export {
  GroupedSelect,
  type GroupedSelectProps,
  type SelectGroup,
  type SelectOption,
} from './grouped-select';
export { CountBadge, type CountBadgeProps } from './count-badge';
