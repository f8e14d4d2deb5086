// Issue 14: sequence and AUTO_INCREMENT headroom reach the schema snapshot the Schema Explorer reads. Rows are shaped
// as the agents' collectors send them (agent/src/collectors/postgresql/sequences.ts, mysql/tables.ts, mysql/columns.ts).
import { describe, expect, it } from 'vitest';
import { extractCollection } from '../src/normalize/index';
import { integerTypeMax } from '../src/normalize/engines/mysql';

describe('headroom in schema snapshots', () => {
  it('PostgreSQL: a sequence keeps its increment (sent as increment_by), last value and the share of its range used', () => {
    const extracted = extractCollection('postgresql', 'schema', {
      sequences: [
        {
          datname: 'shop', schema: 'public', name: 'orders_id_seq', data_type: 'bigint', start_value: '1', min_value: '1', max_value: '9223372036854775807',
          increment_by: '5', cycle: false, last_value: '1932735283', last_value_readable: true, owned_by_table: 'orders', owned_by_column: 'id',
          owned_by_column_type: 'integer', effective_max: '2147483647', effective_min: '1', percent_used: 90,
        },
      ],
    });
    const seq = (extracted.snapshots.schema ?? []).find((i) => i.type === 'sequence')!;
    expect(seq.name).toBe('shop.public.orders_id_seq');
    expect(seq.def).toEqual({ data_type: 'bigint', max_value: '9223372036854775807', cycle: false });
    expect(seq.stats).toMatchObject({ increment_by: '5', last_value: '1932735283', effective_max: '2147483647', percent_used: 90, owned_by_column_type: 'integer' });
  });

  it('MariaDB: a table with an AUTO_INCREMENT column gets its next id against the column type\'s maximum', () => {
    const extracted = extractCollection('mysql', 'schema', {
      tables: [
        { schema: 'shop', name: 'events', type: 'BASE TABLE', engine: 'InnoDB', rowEstimate: 10, dataLength: 16384, indexLength: 0, dataFree: 0, autoIncrement: 100, hasPrimaryKey: true },
        { schema: 'shop', name: 'notes', type: 'BASE TABLE', engine: 'InnoDB', rowEstimate: 1, dataLength: 16384, indexLength: 0, dataFree: 0, autoIncrement: null, hasPrimaryKey: false },
      ],
      columns: [
        { schema: 'shop', table: 'events', name: 'id', position: 1, columnType: 'tinyint(4)', dataType: 'tinyint', nullable: false, default: null, key: 'PRI', extra: 'auto_increment', charset: null, collation: null },
        { schema: 'shop', table: 'notes', name: 'id', position: 1, columnType: 'int(11)', dataType: 'int', nullable: true, default: null, key: null, extra: null, charset: null, collation: null },
      ],
      indexes: [],
    });
    const tables = Object.fromEntries((extracted.snapshots.schema ?? []).filter((i) => i.type === 'table').map((i) => [i.name, i.stats]));
    expect(tables['shop.events']).toMatchObject({ autoIncrement: 100, autoIncrementMax: 127, autoIncrementPercent: 78.74 });
    expect(tables['shop.notes']).not.toHaveProperty('autoIncrement');
  });

  it('knows the maxima of MySQL integer types, signed and unsigned', () => {
    expect(integerTypeMax('int(11)')).toBe(2147483647);
    expect(integerTypeMax('int(10) unsigned')).toBe(4294967295);
    expect(integerTypeMax('bigint(20) unsigned')).toBe(2 ** 64 - 1);
    expect(integerTypeMax('smallint')).toBe(32767);
    expect(integerTypeMax('varchar(10)')).toBeNull();
  });
});

// Found by the web test on a loaded machine: an operational and a schema collection that hit their deadline came
// with no data, and the Schema Explorer showed "No schema snapshot yet" and every setting and privilege "removed".
describe('a collection that failed as a whole', () => {
  it.each(['operational', 'schema'] as const)('contributes no %s snapshot (its empty lists say nothing about what exists)', (category) => {
    for (const engine of ['postgresql', 'mysql', 'redis', 'mongodb']) {
      expect(extractCollection(engine, category, {}).snapshots, engine).toEqual({});
    }
    // With data, the snapshots are there (here: no settings, roles or tables, which is what the server said).
    const withData = extractCollection('postgresql', category, { server: { version: '15' }, settings: [], roles: [], tables: [] });
    expect(Object.keys(withData.snapshots).length).toBeGreaterThan(0);
  });
});
