// npm run bench:normalize-cost -- [--payloads 3000] [--batch 100] [--grouped] [--pg durable|services]
//
// The storing step's CPU per payload, alone and repeatable on a busy machine: commits recorded real payloads (the
// bench:ingest mix over 200 targets) as pending, then stores them with the ingest activity's storePayloads, one batch
// after the other (no concurrency, so no lock waits), and divides this process's CPU and the PostgreSQL backend's by
// the payloads stored. Batches are time slices in arrival order (what the dispatcher claims when it keeps up) or, with
// --grouped, each target's payloads together (what it claims from a backlog). A figure per payload that the load of
// other processes hardly moves, unlike bench:ingest's rates.
import { parseArgs } from 'node:util';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { v7 as uuidv7 } from 'uuid';
import { sql } from 'kysely';
import { insertPayloadRows, openStore, payloadRow, type PayloadBodyColumns } from '@logstag/store';
import { createTestDatabase } from '@logstag/store/testing';
import type { Payload } from '@logstag/schema';
import { createActivities } from '@logstag/activities';
import { startDurablePostgres } from './durable-postgres';
import { pgCpuByGroup, pgCpuSnapshot } from './pg-process-cpu';
import { recordedPayloads } from './recorded-payloads';
import { useTestServicesEnv } from './services-env';

useTestServicesEnv();
const gzipAsync = promisify(gzip);

const { values: args } = parseArgs({
  options: {
    payloads: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '100' },
    grouped: { type: 'boolean', default: false },
    pg: { type: 'string', default: 'durable' },
  },
});
const total = Number(args.payloads);
const batchSize = Number(args.batch);

async function main() {
  const durable = args.pg === 'durable' ? await startDurablePostgres() : null;
  const tdb = durable ? { url: durable.url, drop: async () => durable.stop() } : await createTestDatabase('logstag_normalize_cost');
  const url = `${tdb.url}${tdb.url.includes('?') ? '&' : '?'}application_name=normalize-cost`;
  const store = await openStore({ databaseUrl: url, poolSize: 4 });
  try {
    const { db } = store;
    const organizationId = 'org-normalize-cost';
    const templates = recordedPayloads(200);
    // Collected over the last minutes as the agents' cadence spreads them: arrival order is collection order.
    const start = Date.now() - 10 * 60_000;
    const rows: Array<{ payload: Payload; row: ReturnType<typeof payloadRow> }> = [];
    for (let i = 0; i < total; i++) {
      const t = templates[i % templates.length]!;
      const payload = { ...t, id: uuidv7(), collectedAt: new Date(start + i * 100).toISOString() } as unknown as Payload;
      const text = Buffer.from(JSON.stringify(payload));
      const body: PayloadBodyColumns = { body_raw: await gzipAsync(text), body_encoding: 'gzip', body_bytes: text.length };
      rows.push({ payload, row: payloadRow(organizationId, payload, body) });
    }
    for (let i = 0; i < rows.length; i += 200) await insertPayloadRows(db, rows.slice(i, i + 200).map((r) => r.row));
    const ids = rows.map((r) => r.payload.id);
    const target = (i: number) => (rows[i]!.payload as { targetId?: string }).targetId ?? '';
    let order = ids.map((_, i) => i);
    if (args.grouped) order = [...order].sort((a, b) => (target(a) < target(b) ? -1 : target(a) > target(b) ? 1 : a - b));
    const batches: string[][] = [];
    for (let i = 0; i < order.length; i += batchSize) batches.push(order.slice(i, i + batchSize).map((k) => ids[k]!));
    const { storePayloads } = createActivities({ db });
    // One warm-up batch (partitions, plan caches, JIT of the worker's code), not counted.
    const warm = batches.shift()!;
    await storePayloads(warm);
    await sql`checkpoint`.execute(db);
    const pg0 = durable ? await pgCpuSnapshot(db, durable.pid) : null;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    let stored = 0;
    for (const b of batches) stored += (await storePayloads(b)).stored;
    const seconds = (Date.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const pg1 = durable ? await pgCpuSnapshot(db, durable.pid) : null;
    const pgCores = pgCpuByGroup(pg0, pg1, seconds);
    const msPer = (cpuSeconds: number) => Number(((cpuSeconds * 1000) / stored).toFixed(3));
    const points = await sql<{ n: number }>`select count(*)::int as n from metric_points`.execute(db);
    const series = await sql<{ n: number }>`select count(*)::int as n from metric_series`.execute(db);
    console.log(
      JSON.stringify(
        {
          payloads: stored,
          batches: batches.length,
          batchSize,
          grouped: args.grouped,
          seconds: Number(seconds.toFixed(1)),
          workerCpuMsPerPayload: msPer((cpu.user + cpu.system) / 1e6),
          postgresCpuMsPerPayload: pgCores && Object.fromEntries(Object.entries(pgCores).filter(([, c]) => c > 0).map(([g, c]) => [g, msPer(c * seconds)])),
          metricPoints: points.rows[0]?.n,
          metricSeries: series.rows[0]?.n,
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    await tdb.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
