import type { ButtonHTMLAttributes, ReactNode } from 'react';

export interface CountBadgeProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  tone: 'error' | 'warning' | 'info' | 'comment';
  count: number;
  icon?: ReactNode;
}

/** A small round count (problems, comments) that can be clicked. */
export function CountBadge({ tone, count, icon, className, ...rest }: CountBadgeProps) {
  return (
    <button type="button" {...rest} className={`ui-count-badge tone-${tone} ${className ?? ''}`}>
      {icon && <span aria-hidden>{icon}</span>}
      {count}
    </button>
  );
}
