/**
 * A dbt model rendered as dbt renders it: Jinja2 (Python's, sandboxed, as dbt runs it), with
 * `ref`, `source` and `config` given. Needs Python 3 with Jinja2 (`apt-get install
 * python3-jinja2`; `.ci/run` installs it).
 */
import { spawnSync } from 'node:child_process';

const SCRIPT = `
import json, sys
from jinja2.sandbox import SandboxedEnvironment
relations = json.loads(sys.argv[1])
def ref(name): return relations['ref:' + name]
def source(src, name): return relations['source:' + src + '.' + name]
def config(**kwargs): return ''
sys.stdout.write(SandboxedEnvironment().from_string(sys.stdin.read()).render(ref=ref, source=source, config=config))
`;

/** Pythons tried in turn: the one on PATH, then Debian's (where python3-jinja2 installs). */
const PYTHONS = ['python3', '/usr/bin/python3'];

/**
 * The model's text after Jinja: `ref('x')` becomes `relations['ref:x']`, `source('s', 'x')`
 * becomes `relations['source:s.x']`.
 */
export function renderDbtModel(model: string, relations: Record<string, string>): string {
  for (const python of PYTHONS) {
    const run = spawnSync(python, ['-c', SCRIPT, JSON.stringify(relations)], {
      input: model,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status === 0) return run.stdout;
    if (run.error || run.stderr.includes("No module named 'jinja2'")) continue;
    throw new Error(`Jinja could not render the model: ${run.stderr}`);
  }
  throw new Error(
    'Rendering a dbt model needs Python 3 with Jinja2, as dbt renders it: apt-get install python3-jinja2',
  );
}
