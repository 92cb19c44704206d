import { Dialog as Radix } from 'radix-ui';
import type { FormEvent, ReactNode } from 'react';

/** The submit button of a form dialog; Cancel sits beside it. */
export interface DialogSubmit {
  label: string;
  /** Replaces the label while `busy`, e.g. "Copying…". */
  busyLabel?: string;
  busy?: boolean;
  disabled?: boolean;
  /** `danger` for what undoes something people rely on (a rollback). */
  tone?: 'primary' | 'danger';
  onSubmit: (event: FormEvent) => void;
}

export interface DialogProps {
  open: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Also the dialog's accessible name. */
  title: ReactNode;
  description?: ReactNode;
  testId?: string;
  /** As wide as the window allows (up to 1100 px), for grids. */
  wide?: boolean;
  className?: string;
  /**
   * A decision the person must take: Escape and a click outside do not close it, and it is
   * announced as an alert dialog.
   */
  alert?: boolean;
  onOpenAutoFocus?: (event: Event) => void;
  /** With `submit`, the children are the form's fields. */
  children?: ReactNode;
  /** Makes the dialog a form whose footer has Cancel and this button. */
  submit?: DialogSubmit;
  /** The error line above the footer (announced). */
  error?: ReactNode;
  /** Footer buttons before Cancel/submit or the close button. */
  actions?: ReactNode;
  /** A primary button that closes the dialog, for dialogs that only show something. */
  closeLabel?: string;
}

/**
 * The app's one dialog: title, description, body, an error line and a footer (Cancel + submit
 * for forms). Built on radix-ui's Dialog, styled by `.dialog` in @accord/ui's styles.
 * @example <Dialog open={open} onOpenChange={setOpen} title="Copy lead set" submit={{ label: 'Copy', onSubmit }}>…</Dialog>
 */
export function Dialog(props: DialogProps) {
  const { submit } = props;
  const keepOpen = props.alert ? (event: Event) => event.preventDefault() : undefined;
  const footer = (
    <>
      {props.error && (
        <p className="error" role="alert">
          {props.error}
        </p>
      )}
      <div className="dialog-actions">
        {props.actions}
        {submit ? (
          <>
            <Radix.Close asChild>
              <button type="button">Cancel</button>
            </Radix.Close>
            <button
              type="submit"
              className={submit.tone ?? 'primary'}
              disabled={submit.busy || submit.disabled}
            >
              {submit.busy && submit.busyLabel ? submit.busyLabel : submit.label}
            </button>
          </>
        ) : (
          props.closeLabel && (
            <Radix.Close asChild>
              <button type="button" className="primary">
                {props.closeLabel}
              </button>
            </Radix.Close>
          )
        )}
      </div>
    </>
  );
  const className = ['dialog', props.wide && 'wide', props.className].filter(Boolean).join(' ');
  return (
    <Radix.Root open={props.open} onOpenChange={props.onOpenChange}>
      <Radix.Portal>
        <Radix.Overlay className="dialog-overlay" />
        <Radix.Content
          className={className}
          data-testid={props.testId}
          role={props.alert ? 'alertdialog' : 'dialog'}
          onEscapeKeyDown={keepOpen}
          onPointerDownOutside={keepOpen}
          onInteractOutside={keepOpen}
          onOpenAutoFocus={props.onOpenAutoFocus}
          {...(props.description === undefined ? { 'aria-describedby': undefined } : {})}
        >
          <Radix.Title>{props.title}</Radix.Title>
          {props.description !== undefined && (
            <Radix.Description className="muted">{props.description}</Radix.Description>
          )}
          {submit ? (
            <form onSubmit={submit.onSubmit}>
              {props.children}
              {footer}
            </form>
          ) : (
            <>
              {props.children}
              {footer}
            </>
          )}
        </Radix.Content>
      </Radix.Portal>
    </Radix.Root>
  );
}
