/**
 * What every fuzz case must satisfy, for documents and for leads. A check throws an Error naming
 * the broken promise; the caller (a fast-check property) turns that into a shrunk counterexample.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  compile,
  defaultCatalog,
  hasErrors,
  interpret,
  parseLead,
  parseWorkflow,
  resultSchema,
  validate,
  type Diagnostic,
  type Evaluate,
  type Workflow,
} from '@accord/engine';
import { isValidLead } from '@accord/api/rest/lead-check';
import { integritySnapshot } from './hostile';

export interface FuzzStats {
  cases: number;
  parsed: number;
  valid: number;
  compiled: number;
  evaluations: number;
  maxCaseMs: number;
}

export const emptyStats = (): FuzzStats => ({
  cases: 0,
  parsed: 0,
  valid: 0,
  compiled: 0,
  evaluations: 0,
  maxCaseMs: 0,
});

function fail(message: string): never {
  throw new Error(message);
}

function checkErrors(errors: unknown, what: string) {
  if (!Array.isArray(errors) || errors.length === 0) fail(`${what}: ok=false without errors`);
  for (const e of errors as { path?: unknown; message?: unknown }[])
    if (typeof e.path !== 'string' || typeof e.message !== 'string' || !e.message)
      fail(`${what}: an error without a path and a message: ${JSON.stringify(e)}`);
}

function checkDiagnostics(diagnostics: unknown): Diagnostic[] {
  if (!Array.isArray(diagnostics)) fail('validate did not return an array');
  for (const d of diagnostics as Diagnostic[]) {
    if (d.severity !== 'error' && d.severity !== 'warning') fail(`bad severity ${d.severity}`);
    if (typeof d.message !== 'string' || !d.message) fail('a diagnostic without a message');
    // The engine reports its own crashes as this code instead of throwing: still a crash.
    if (d.code === 'internal-error') fail(`validate/compile crashed inside: ${d.message}`);
  }
  return diagnostics as Diagnostic[];
}

/** Evaluates one lead with the compiled evaluator and the reference interpreter; both must agree. */
export function checkEvaluation(
  evaluate: Evaluate,
  workflow: Workflow,
  lead: unknown,
  asOf: number,
): void {
  const result = evaluate(lead as Parameters<Evaluate>[0], { asOf });
  const shape = resultSchema.safeParse(result);
  if (!shape.success)
    fail(
      `evaluate gave a malformed result: ${shape.error.issues[0]?.message} in ${JSON.stringify(result)}`,
    );
  if (!workflow.stages.some((s) => s.id === result.stage))
    fail(`evaluate gave stage ${JSON.stringify(result.stage)}, which the workflow does not define`);
  const reference = interpret(workflow, lead, { asOf }, defaultCatalog);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(result)), JSON.parse(JSON.stringify(reference))))
    fail(
      `compiled and reference evaluators disagree:\n compiled ${JSON.stringify(result)}\n reference ${JSON.stringify(reference)}`,
    );
}

/**
 * A document through parse, validate, compile and (when it compiles) evaluate on `leads`:
 * answers are values, never throws; what validates also compiles; nothing runs from data.
 */
export function checkDocumentCase(
  doc: unknown,
  leads: readonly unknown[],
  asOf: number,
  stats: FuzzStats,
): void {
  const intact = integritySnapshot();
  stats.cases++;
  const parsed = parseWorkflow(doc);
  if (typeof parsed !== 'object' || typeof parsed.ok !== 'boolean')
    fail('parseWorkflow gave no result');
  if (!parsed.ok) checkErrors(parsed.errors, 'parseWorkflow');
  const compiled = compile(doc, defaultCatalog);
  // compile validates first and answers validate's diagnostics; calling validate on its own too
  // for every document would double the cost, so it is compared on every tenth.
  const diagnostics = checkDiagnostics(compiled.diagnostics);
  if (stats.cases % 10 === 0 && !isDeepStrictEqual(validate(doc, defaultCatalog), diagnostics))
    fail('validate and compile report different diagnostics');
  if (parsed.ok !== !diagnostics.some((d) => d.code === 'invalid-document'))
    fail('parseWorkflow and validate disagree on whether the document parses');
  if (compiled.ok) {
    if (!parsed.ok || hasErrors(diagnostics)) fail('compile accepted a document validate refuses');
    if (typeof compiled.evaluate !== 'function') fail('compile ok without an evaluator');
  } else {
    if (parsed.ok && !hasErrors(diagnostics))
      fail(`a valid document did not compile: ${JSON.stringify(compiled.diagnostics)}`);
  }
  if (parsed.ok) {
    stats.parsed++;
    if (!hasErrors(diagnostics)) stats.valid++;
  }
  if (compiled.ok && parsed.ok) {
    stats.compiled++;
    for (const lead of leads) {
      checkEvaluation(compiled.evaluate, parsed.workflow, lead, asOf);
      stats.evaluations++;
    }
  }
  const broken = intact();
  if (broken) fail(broken);
}

function hasProtoKey(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

/** One lead through parseLead, the REST fast check and every evaluator. */
export function checkLeadCase(
  lead: unknown,
  evaluators: readonly { evaluate: Evaluate; workflow: Workflow }[],
  asOf: number,
  stats: FuzzStats,
): void {
  const intact = integritySnapshot();
  stats.cases++;
  const parsed = parseLead(lead);
  if (typeof parsed !== 'object' || typeof parsed.ok !== 'boolean')
    fail('parseLead gave no result');
  // The REST API's allocation-free check must never pass what the schema refuses. It may refuse
  // more: zod drops an own "__proto__" key silently, the fast check refuses its value (both safe).
  const fast = isValidLead(lead);
  if (fast && !parsed.ok) fail('the REST lead check passes a lead parseLead refuses');
  if (!fast && parsed.ok && !hasProtoKey(lead))
    fail('the REST lead check refuses a lead parseLead accepts');
  if (!parsed.ok) checkErrors(parsed.errors, 'parseLead');
  else {
    stats.parsed++;
    for (const { evaluate, workflow } of evaluators) {
      checkEvaluation(evaluate, workflow, parsed.lead, asOf);
      stats.evaluations++;
    }
    // As it arrived (unparsed) the lead must qualify the same as parsed.
    const { evaluate } = evaluators[0]!;
    const raw = evaluate(lead as Parameters<Evaluate>[0], { asOf });
    const clean = evaluate(parsed.lead, { asOf });
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(raw)), JSON.parse(JSON.stringify(clean))))
      fail('the raw and the parsed lead qualify differently');
    stats.evaluations += 2;
  }
  const broken = intact();
  if (broken) fail(broken);
}
