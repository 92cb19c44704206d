import { expect, it } from 'vitest';
import { fuzzSeed, runSharded } from './support/run-in-worker';

/**
 * 10,000 random, mutated and hostile leads through parseLead, the REST API's fast lead check and
 * several compiled workflows (the default and benchmark agreements and workflows whose ids are
 * hostile strings): no throw, no hang, the same answer as the reference interpreter.
 */
it('qualifies 10,000 random and hostile leads or refuses them with a path', async () => {
  const { stats, failure } = await runSharded(
    {
      suite: 'leads',
      seed: fuzzSeed(20_261_124),
      numRuns: 10_000,
      caseBudgetMs: 5_000,
      hangMs: 30_000,
    },
    2,
  );
  console.info('lead fuzz:', JSON.stringify(stats));
  expect(failure).toBeNull();
  expect(stats.cases).toBeGreaterThanOrEqual(10_000);
  expect(stats.parsed).toBeGreaterThan(5_000);
});
