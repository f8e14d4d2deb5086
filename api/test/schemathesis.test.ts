// Schemathesis, a schema-aware fuzzer, against the real app on a PostgreSQL test store: every operation of
// /api/openapi.json, signed in as an Account Owner (session cookie, CSRF token) with an agent key for ingest. Any
// 5xx, answer that breaks its documented schema, undocumented status or content type, or wrong-method answer without
// 405 and Allow fails the test with schemathesis' report.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn } from './accounts-client';
import { seedOrganization, startTestContext, type TestContext } from './context';
import { ensureSchemathesis } from './schemathesis/schemathesis-tool';
import { verdictOf } from './schemathesis/verdict';

const TOOLS_DIR = resolve(import.meta.dirname, '../../.tools');
/** Cases per operation in the fuzzing phase (the coverage phase adds its own): about 80 s for the whole document on the test machine. */
const MAX_EXAMPLES = Number(process.env.LOGSTAG_SCHEMATHESIS_EXAMPLES ?? 20);

const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'unsupported_method',
  'allow_header_conformance',
];

interface Run {
  code: number | null;
  output: string;
}

function runSchemathesis(binary: string, args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, output }));
  });
}

describe('schemathesis over every operation of the OpenAPI document', () => {
  let ctx: TestContext;
  let binary: string;
  let headers: string[];

  beforeAll(async () => {
    binary = ensureSchemathesis(TOOLS_DIR, (m) => console.log(m));
    ctx = await startTestContext('postgres');
    const org = await seedOrganization(ctx);
    const owner = await signedIn(ctx, org.ownerEmail, org.ownerPassword);
    // Ingest's key belongs to another organization: the owner's session would otherwise list the key and may revoke
    // or rotate it (schemathesis reuses ids it has seen), leaving ingest to answer only 403.
    const agents = await seedOrganization(ctx, 'Agents');
    headers = [`Cookie: ${owner.cookie}`, `X-CSRF-Token: ${owner.csrfToken}`, `Authorization: Bearer ${agents.agentKey}`];
  }, 300_000);
  afterAll(async () => {
    await ctx?.stop();
  });

  it('finds no server error, no answer outside its schema, no undocumented status, and 405 with Allow for other methods', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'logstag-schemathesis-'));
    const args = [
      'run',
      `${ctx.url}/api/openapi.json`,
      '--url',
      ctx.url,
      '--checks',
      CHECKS.join(','),
      '--max-examples',
      String(MAX_EXAMPLES),
      '--seed',
      process.env.LOGSTAG_SCHEMATHESIS_SEED ?? '20261205',
      '--phases',
      'examples,coverage,fuzzing',
      '--workers',
      '2',
      '--request-timeout',
      '20',
      '--no-color',
      '--output-truncate',
      'false',
      '--generation-database',
      'none',
      '--report',
      'junit',
      '--report-junit-path',
      join(reportDir, 'junit.xml'),
      // Signing out would leave the rest of the run without a session; sign-out has its own tests (auth.test.ts).
      '--exclude-operation-id',
      'deleteApiSession',
      ...headers.flatMap((h) => ['-H', h]),
    ];
    const started = Date.now();
    const run = await runSchemathesis(binary, args);
    const seconds = (Date.now() - started) / 1000;
    writeFileSync(join(reportDir, 'output.txt'), run.output);
    console.log(`schemathesis: ${seconds.toFixed(0)} s, exit ${run.code}, output in ${reportDir}/output.txt\n${run.output.split('\n').slice(-25).join('\n')}`);
    const { findings, toolErrors } = verdictOf(run.output);
    if (toolErrors.length) console.warn(`schemathesis could not generate cases for: ${toolErrors.join(', ')} (its own flaky generation, not an answer of the server)`);
    expect(findings, run.output.slice(-20_000)).toEqual([]);
    expect(run.code === 0 || toolErrors.length > 0, run.output.slice(-20_000)).toBe(true);
    // Every operation was exercised but sign-out, and the document itself (schemathesis leaves the schema's own URL out).
    const doc = (await (await fetch(`${ctx.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    const tested = [...junit.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1]);
    expect(tested.sort()).toEqual(operations.filter((o) => o !== 'DELETE /api/session' && o !== 'GET /api/openapi.json').sort());
  }, 600_000);
});
