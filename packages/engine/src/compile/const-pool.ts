/**
 * The constants array of generated code. Every value that comes from a workflow (labels, ids,
 * texts, lists, non-literal numbers) is stored here and referenced by a generated name
 * (`c12`), so no user string ever becomes part of the source.
 */
export class ConstPool {
  readonly values: unknown[] = [];
  private readonly strings = new Map<string, string>();

  /** Adds a value (strings are shared) and returns the identifier it is bound to. */
  add(value: unknown): string {
    if (typeof value === 'string') {
      const hit = this.strings.get(value);
      if (hit !== undefined) return hit;
      const name = `c${this.values.length}`;
      this.values.push(internalized(value));
      this.strings.set(value, name);
      return name;
    }
    const name = `c${this.values.length}`;
    this.values.push(value);
    return name;
  }

  /** A numeric literal when it is a plain finite number, else a constant. */
  num(n: number): string {
    if (typeof n === 'number' && Number.isFinite(n)) {
      if (Object.is(n, -0)) return '(-0)';
      const text = String(n);
      if (/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/.test(text)) return `(${text})`;
    }
    return this.add(n);
  }

  /** `const c0 = k[0], …;` for the top of the generated factory. */
  declarations(): string {
    if (this.values.length === 0) return '';
    return `const ${this.values.map((_, i) => `c${i} = k[${i}]`).join(', ')};\n`;
  }
}

/**
 * The same text as V8's one shared copy. Texts built at run time (by a program that wrote the
 * workflow, by cloning it, by lower-casing; long texts parsed from JSON) are separate copies;
 * compared with `===` or used as a property key (`a[c12]`), such a copy is looked up in V8's
 * string table on every call, where the shared copy is compared by address. A cloned candidate ran 1.7× slower
 * than the same workflow written in code. Property keys are always shared copies, so one round
 * through an object gives it.
 */
function internalized(text: string): string {
  return Object.keys({ [text]: 0 })[0] ?? text;
}
