/**
 * #21: raw lead values read in SQL as the engine reads them (numbers, yes/no, dates, lists, text),
 * from JSON (stored lead sets) and from text cells (CSV files), in DuckDB and, when
 * TEST_DATABASE_URL is set, in PostgreSQL.
 */
import { fieldFromJson, fieldFromText, sqlLiteral, type FieldType } from '@accord/engine';
import { DuckDBInstance } from '@duckdb/node-api';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Case = [raw: unknown, type: FieldType, expected: unknown];

const JAN_1 = Date.UTC(2026, 0, 1);
// What the engine reads (runtime/values.ts: toNumber, toBool, toTime, toList, toText).
const FROM_TEXT: Case[] = [
  [' 250 ', 'number', 250],
  ['1e3', 'number', 1000],
  ['-.5', 'number', -0.5],
  ['many', 'number', null],
  ['', 'number', null],
  ['Yes', 'boolean', true],
  [' no ', 'boolean', false],
  ['1', 'boolean', true],
  ['maybe', 'boolean', null],
  ['2026-01-01', 'date', JAN_1],
  ['2026-01-01T10:00:00.123Z', 'date', JAN_1 + 36_000_123],
  ['2026-01-01T10:00:00+02:00', 'date', JAN_1 + 28_800_000],
  ['next week', 'date', null],
  ['a,b', 'list', ['a', 'b']],
  ['', 'string', null],
  ['Acme', 'string', 'Acme'],
];
const FROM_JSON: Case[] = [
  [250, 'number', 250],
  [' 12 ', 'number', 12],
  [true, 'number', null],
  [true, 'boolean', true],
  [0, 'boolean', false],
  [2, 'boolean', null],
  ['yes', 'boolean', true],
  [JAN_1, 'date', JAN_1],
  ['2026-01-01T00:00:00.000Z', 'date', JAN_1],
  [['a', 'b'], 'list', ['a', 'b']],
  ['a,b', 'list', ['a', 'b']],
  [12, 'string', '12'],
  [false, 'string', 'false'],
  [['x'], 'string', null],
];

/** A timestamptz read back as epoch ms, lists as arrays, the rest as is. */
function normal(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'bigint') return Number(value);
  return value ?? null;
}

describe('typed lead columns in DuckDB', () => {
  let duck: DuckDBInstance;
  beforeAll(async () => {
    duck = await DuckDBInstance.create(':memory:');
  });
  afterAll(() => duck.closeSync());

  const read = async (expr: string, type: FieldType) => {
    const connection = await duck.connect();
    await connection.run(`SET TimeZone = 'UTC'`);
    const out = type === 'date' ? `epoch_ms(${expr})` : expr;
    const rows = (await connection.runAndReadAll(`SELECT ${out} AS v`)).getRowObjectsJS();
    connection.closeSync();
    return normal(rows[0]!.v);
  };

  it.each(FROM_TEXT)('reads the text %j as a %s: %j', async (raw, type, expected) => {
    expect(await read(fieldFromText(sqlLiteral(raw as string), type, 'duckdb'), type)).toEqual(
      expected,
    );
  });

  it.each(FROM_JSON)('reads the JSON %j as a %s: %j', async (raw, type, expected) => {
    const json = `CAST(${sqlLiteral(JSON.stringify(raw))} AS JSON)`;
    expect(await read(fieldFromJson(json, type, 'duckdb'), type)).toEqual(expected);
  });
});

const url = process.env.TEST_DATABASE_URL;
describe.skipIf(!url)(
  url
    ? 'typed lead columns in PostgreSQL'
    : 'typed lead columns in PostgreSQL (skipped: set TEST_DATABASE_URL)',
  () => {
    let client: pg.Client;
    beforeAll(async () => {
      client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`SET TimeZone = 'UTC'`);
    });
    afterAll(() => client?.end());

    const read = async (expr: string, type: FieldType) => {
      const out = type === 'date' ? `(extract(epoch from ${expr}) * 1000)::float8` : expr;
      const { rows } = await client.query<{ v: unknown }>(`SELECT ${out} AS v`);
      return normal(rows[0]!.v);
    };

    it.each(FROM_TEXT)('reads the text %j as a %s: %j', async (raw, type, expected) => {
      expect(
        await read(fieldFromText(`${sqlLiteral(raw as string)}::text`, type, 'postgres'), type),
      ).toEqual(expected);
    });

    it.each(FROM_JSON)('reads the JSON %j as a %s: %j', async (raw, type, expected) => {
      const json = `${sqlLiteral(JSON.stringify(raw))}::json`;
      expect(await read(fieldFromJson(json, type, 'postgres'), type)).toEqual(expected);
    });
  },
);
