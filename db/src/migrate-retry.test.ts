import { describe, expect, it } from 'vitest';
import { pastRacingDrops } from './migrate';

const dropped = () => new Error('relation "sql_differential.leads" does not exist');

describe('pastRacingDrops (a table of another schema dropped while Kysely lists tables)', () => {
  it('tries a step again that failed before anything ran, and returns its success', async () => {
    let calls = 0;
    const outcome = await pastRacingDrops(async () => {
      calls++;
      if (calls < 3) return { error: dropped(), results: [] };
      return { error: undefined, results: [{ migrationName: 'm1', status: 'Success' }] };
    });
    expect(calls).toBe(3);
    expect(outcome.results).toEqual([{ migrationName: 'm1', status: 'Success' }]);
  });

  it('tries a thrown drop again too, but gives up after the attempts allowed', async () => {
    let calls = 0;
    await expect(
      pastRacingDrops(async () => {
        calls++;
        throw dropped();
      }, 3),
    ).rejects.toThrow(/does not exist/);
    expect(calls).toBe(3);
  });

  it('returns at once when a migration ran or the error is another', async () => {
    let calls = 0;
    const ran = await pastRacingDrops(async () => {
      calls++;
      return { error: dropped(), results: [{ migrationName: 'm1', status: 'Error' as const }] };
    });
    expect(calls).toBe(1);
    expect(ran.error).toBeInstanceOf(Error);
    calls = 0;
    await expect(
      pastRacingDrops(async () => {
        calls++;
        throw new Error('syntax error at or near "selec"');
      }),
    ).rejects.toThrow(/syntax/);
    expect(calls).toBe(1);
  });
});
