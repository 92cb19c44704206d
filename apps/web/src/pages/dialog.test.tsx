import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState, type FormEvent } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Dialog, type DialogSubmit } from './dialog';

afterEach(cleanup);

function FormDialog(props: { submit: Partial<DialogSubmit>; error?: string }) {
  const [open, setOpen] = useState(true);
  return (
    <>
      <p data-testid="state">{open ? 'open' : 'closed'}</p>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Copy lead set"
        description="A new set with the same leads."
        error={props.error}
        submit={{ label: 'Copy', busyLabel: 'Copying…', onSubmit: () => {}, ...props.submit }}
      >
        <label className="field">
          Name <input />
        </label>
      </Dialog>
    </>
  );
}

describe('#16: the one dialog', () => {
  it('is a form named by its title, with the error line, Cancel and the submit button', async () => {
    const onSubmit = vi.fn((event: FormEvent) => event.preventDefault());
    render(<FormDialog submit={{ onSubmit }} error="That name is taken" />);
    const dialog = screen.getByRole('dialog', { name: 'Copy lead set' });
    expect(document.getElementById(dialog.getAttribute('aria-describedby') ?? '')).not.toBeNull();
    expect(within(dialog).getByRole('alert').textContent).toBe('That name is taken');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'x{Enter}');
    expect(onSubmit).toHaveBeenCalledTimes(1);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Copy' }));
    expect(onSubmit).toHaveBeenCalledTimes(2);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByTestId('state').textContent).toBe('closed');
  });

  it('shows the busy label on a disabled submit button while working', () => {
    render(<FormDialog submit={{ busy: true }} />);
    const button = screen.getByRole('button', { name: 'Copying…' });
    expect(button).toHaveProperty('disabled', true);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('an alert dialog stays open on Escape until a choice is made', async () => {
    const onOpenChange = vi.fn();
    render(
      <Dialog
        open
        alert
        onOpenChange={onOpenChange}
        title="Someone saved this draft"
        actions={<button type="button">Load theirs</button>}
      />,
    );
    const dialog = screen.getByRole('alertdialog', { name: 'Someone saved this draft' });
    await userEvent.keyboard('{Escape}');
    expect(onOpenChange).not.toHaveBeenCalled();
    expect(within(dialog).queryAllByRole('button', { name: 'Load theirs' })).toHaveLength(1);
    expect(within(dialog).queryByRole('button', { name: 'Cancel' })).toBeNull();
  });
});
