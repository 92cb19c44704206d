import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..');

/** Every source file of the web app (tests excluded), relative to src/. */
function sources(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)
      ? [relative(SRC, path)]
      : [];
  });
}

const filesWhere = (pattern: RegExp) =>
  sources().filter((file) => pattern.test(readFileSync(join(SRC, file), 'utf8')));

describe('#16: one home each in the web app', () => {
  it('permissions: only usePermissions reads ROLE_POLICY or checks the user’s role', () => {
    expect(filesWhere(/@accord\/access|@accord\/api\/roles|ROLE_POLICY/)).toEqual([
      'pages/use-permissions.ts',
    ]);
    expect(
      filesWhere(/\b(?:me|user)(?:\.data)?\??\.role\s*[!=]==|\.includes\((?:me|user)\b/),
    ).toEqual(['pages/use-permissions.ts']);
  });

  it('dialogs: only the shared Dialog uses radix-ui’s Dialog or AlertDialog', () => {
    expect(filesWhere(/\b(Dialog|AlertDialog)\b[^;]*from 'radix-ui'/)).toEqual([
      'pages/dialog.tsx',
    ]);
    expect(filesWhere(/className="modal/)).toEqual([]);
  });
});
