import { expect, it } from 'vitest';
import { fuzzSeed, runSharded } from './support/run-in-worker';

/**
 * 10,000 random and mutated workflow documents through parseWorkflow, validate, compile and, when
 * they compile, evaluate (against the reference interpreter): every answer is a value, nothing
 * throws or hangs, what validates compiles, and no string from a document ever runs as code.
 */
it('answers 10,000 random and mutated workflow documents with a result or an error value', async () => {
  const { stats, failure } = await runSharded(
    {
      suite: 'documents',
      seed: fuzzSeed(20_261_123),
      numRuns: 10_000,
      caseBudgetMs: 5_000,
      hangMs: 30_000,
    },
    2,
  );
  console.info('workflow document fuzz:', JSON.stringify(stats));
  expect(failure).toBeNull();
  expect(stats.cases).toBeGreaterThanOrEqual(10_000);
  // The mutations must reach the compiler and the evaluator often, not stop at the schema.
  expect(stats.compiled).toBeGreaterThan(1_000);
  expect(stats.evaluations).toBeGreaterThan(5_000);
});
