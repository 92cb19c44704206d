import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { NumberInput } from './number-input';

afterEach(cleanup);

/** A box whose value can also change from elsewhere, as a shared draft's does. */
function setup(initial: number) {
  const reported: (number | undefined)[] = [];
  let setFromElsewhere: (value: number) => void = () => undefined;
  function Host() {
    const [value, setValue] = useState<number | undefined>(initial);
    setFromElsewhere = setValue;
    return (
      <NumberInput
        aria-label="Points"
        value={value}
        onChange={(next) => {
          reported.push(next);
          setValue(next);
        }}
      />
    );
  }
  render(<Host />);
  const box = screen.getByRole('textbox', { name: 'Points' }) as HTMLInputElement;
  return { box, reported, elsewhere: (value: number) => act(() => setFromElsewhere(value)) };
}

describe('NumberInput', () => {
  it('keeps what the user is typing when a teammate’s value arrives, and says so', async () => {
    const { box, reported, elsewhere } = setup(10);
    await userEvent.click(box);
    box.setSelectionRange(0, box.value.length);
    elsewhere(12);
    expect(box.value).toBe('10');
    expect(box.hasAttribute('data-newer')).toBe(true);
    expect(box.title).toMatch(/Changed to 12 elsewhere/);
    // Typing over the selection replaces it: 15, never "1215".
    await userEvent.keyboard('15');
    expect(box.value).toBe('15');
    expect(reported.at(-1)).toBe(15);
    expect(box.hasAttribute('data-newer')).toBe(false);
    fireEvent.blur(box);
    expect(box.value).toBe('15');
  });

  it('shows the newer value once the user leaves the box without typing', async () => {
    const { box, reported, elsewhere } = setup(10);
    await userEvent.click(box);
    elsewhere(12);
    expect(box.value).toBe('10');
    fireEvent.blur(box);
    expect(box.value).toBe('12');
    expect(box.hasAttribute('data-newer')).toBe(false);
    expect(reported).toEqual([]);
  });

  it('takes a value from elsewhere at once when it does not have the focus', () => {
    const { box, elsewhere } = setup(10);
    elsewhere(12);
    expect(box.value).toBe('12');
    expect(box.hasAttribute('data-newer')).toBe(false);
  });
});
