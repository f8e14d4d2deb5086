// Each adapter against a loopback receiver that checks the vendor's documented format, truncation at each limit,
// and the transport's answers to a misbehaving receiver (slow body, late 2xx, reset, DNS failure, TLS error).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADAPTERS,
  alertmanagerAlerts,
  emailContent,
  opsgenieRequest,
  pagerDutyEvent,
  sendHttp,
  slackMessage,
  teamsMessage,
  TRUNCATION_MARKER,
  type AttemptResult,
  type DestinationPolicy,
} from '../src/index';
import type { IntegrationKind, NotificationRequest } from '@logstag/schema';
import { checkOpsgenie, checkPagerDuty, checkSlack, checkTeams, notification, startReceiver, type Receiver } from './delivery/index';

const LOOPBACK: DestinationPolicy = { allow: ['127.0.0.0/8'] };
const io = { timeoutMs: 2_000, policy: LOOPBACK, http: (req: Parameters<typeof sendHttp>[0]) => sendHttp(req, { timeoutMs: 2_000, policy: LOOPBACK }) };
const routingKey = 'R0UT1NGKEY0000000000000000000000';
const huge = (n: number) => 'x'.repeat(n);
const withSummary = (summary: string, over: Partial<NotificationRequest> = {}) => {
  const r = notification('org', 'int', over);
  return { ...r, alert: { ...r.alert, summary } };
};

async function send(kind: IntegrationKind, request: NotificationRequest, config: object, secrets: object): Promise<AttemptResult> {
  const adapter = ADAPTERS[kind] as { send(i: unknown, io: unknown): Promise<AttemptResult> };
  return adapter.send({ request, config, secrets, now: new Date(), publicUrl: null }, io);
}

describe('adapters against receivers that check each vendor format', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());

  it('Slack: a Block Kit message the format check accepts, even with a 10,000-character summary; database text is escaped', async () => {
    receiver.check = checkSlack;
    const r = withSummary(`<!channel> & ${huge(10_000)}`);
    const result = await send('slack', r, { channel: '#db' }, { webhookUrl: receiver.url });
    expect(result).toMatchObject({ verdict: 'delivered', status: 200 });
    const body = JSON.parse(receiver.requests.at(-1)!.body);
    expect(body.blocks[1].text.text).toHaveLength(3000);
    expect(body.blocks[1].text.text.startsWith('&lt;!channel&gt; &amp; ')).toBe(true);
    expect(body.blocks[1].text.text.endsWith(TRUNCATION_MARKER)).toBe(true);
  });

  it('PagerDuty: trigger, acknowledge and resolve keyed by the episode, accepted by the Events v2 check', async () => {
    receiver.check = checkPagerDuty;
    for (const event of ['trigger', 'acknowledge', 'resolve'] as const) {
      const result = await send('pagerduty', withSummary(huge(5_000), { event, episodeId: 'episode-42' }), { apiUrl: receiver.url }, { routingKey });
      expect(result.verdict).toBe('delivered');
      const e = JSON.parse(receiver.requests.at(-1)!.body);
      expect(e).toMatchObject({ event_action: event, dedup_key: 'episode-42' });
    }
  });

  it('Teams: an Adaptive Card message within 28 KB, accepted by the check, even from a 100 KB summary', async () => {
    receiver.check = checkTeams;
    const result = await send('teams', withSummary(huge(100_000)), {}, { workflowUrl: receiver.url });
    expect(result.verdict).toBe('delivered');
    expect(Buffer.byteLength(receiver.requests.at(-1)!.body)).toBeLessThanOrEqual(28 * 1024);
  });

  it('Opsgenie: create, acknowledge and close by alias with the GenieKey', async () => {
    const apiKey = 'og-key-123456';
    const base = receiver.url.replace('/hook', '');
    receiver.check = (r) => checkOpsgenie(r, apiKey);
    for (const event of ['trigger', 'acknowledge', 'resolve'] as const) {
      const result = await send('opsgenie', withSummary('Lag', { event, episodeId: 'ep/7' }), { apiUrl: base }, { apiKey });
      expect(result.verdict).toBe('delivered');
    }
    expect(receiver.requests.slice(-3).map((r) => r.path)).toEqual(['/v2/alerts', '/v2/alerts/ep%2F7/acknowledge?identifierType=alias', '/v2/alerts/ep%2F7/close?identifierType=alias']);
  });

  it('tests (test send, daily end-to-end test) open nothing: PagerDuty gets a Change Event, Opsgenie an alert closed at once', async () => {
    receiver.check = checkPagerDuty;
    const base = receiver.url.replace('/hook', '');
    const test = withSummary('a test', { event: 'test', episodeId: 'test-1' });
    expect((await send('pagerduty', test, { apiUrl: `${base}/v2/enqueue` }, { routingKey })).verdict).toBe('delivered');
    const pd = receiver.requests.at(-1)!;
    expect(pd.path).toBe('/v2/change/enqueue');
    const change = JSON.parse(pd.body);
    expect(change).not.toHaveProperty('event_action');
    expect(change).not.toHaveProperty('dedup_key');
    expect(change.payload.summary).toMatch(/^Test: /);

    const apiKey = 'og-key-123456';
    receiver.check = (r) => checkOpsgenie(r, apiKey);
    const before = receiver.requests.length;
    expect((await send('opsgenie', test, { apiUrl: base }, { apiKey })).verdict).toBe('delivered');
    expect(receiver.requests.slice(before).map((r) => r.path)).toEqual(['/v2/alerts', '/v2/alerts/test-1/close?identifierType=alias']);
    expect(JSON.parse(receiver.requests[before]!.body)).toMatchObject({ priority: 'P5', alias: 'test-1' });
  });

  it('a refusal from the receiver (400) is a failure with its reason, the secrets removed from the excerpt', async () => {
    receiver.check = () => `bad routing key ${routingKey}`;
    const result = await send('pagerduty', withSummary('x'), { apiUrl: receiver.url }, { routingKey });
    expect(result).toMatchObject({ verdict: 'failed', status: 400 });
    expect(result.responseExcerpt).toBe('bad routing key [redacted]');
    receiver.check = null;
  });
});

describe('rate limits per destination', () => {
  const limit = (kind: IntegrationKind, config: object, secrets: object) => (ADAPTERS[kind] as { rateLimit(c: unknown, s: unknown): { key: string; intervalMs: number; burst: number } | null }).rateLimit(config, secrets);

  it('Slack about 1 a second per channel, Teams 4 a second per URL, PagerDuty 120 a minute per key, keyed by a hash of the destination', () => {
    const slackUrl = 'https://hooks.slack.com/services/T1/B1/s3cr3tT0ken';
    const slack = limit('slack', { channel: '#db' }, { webhookUrl: slackUrl })!;
    expect(slack.burst).toBe(1);
    expect(slack.intervalMs).toBeGreaterThanOrEqual(1000);
    const teams = limit('teams', {}, { workflowUrl: 'https://prod.example/workflows/abc?sig=s3cr3t' })!;
    // GCRA: one every intervalMs sustained, `burst` at once after a quiet spell.
    expect(1000 / teams.intervalMs).toBeLessThanOrEqual(4);
    expect(teams.burst).toBeLessThanOrEqual(4);
    const pd = limit('pagerduty', {}, { routingKey })!;
    expect(60_000 / pd.intervalMs).toBeLessThanOrEqual(120);
    // Another channel is another bucket; no key holds the secret.
    expect(limit('slack', { channel: '#db' }, { webhookUrl: `${slackUrl}2` })!.key).not.toBe(slack.key);
    for (const l of [slack, teams, pd]) expect(l.key).not.toMatch(/s3cr3t|R0UT1NGKEY/);
  });
});

describe('truncation at each destination limit', () => {
  it('Slack: section text of 3,000 characters kept whole, 3,001 cut to 3,000 with the marker; header ≤ 150', () => {
    const at = slackMessage(withSummary(huge(3000))) as { blocks: Array<{ text: { text: string } }> };
    expect(at.blocks[1]!.text.text).toBe(huge(3000));
    const over = slackMessage(withSummary(huge(3001))) as { blocks: Array<{ text: { text: string } }> };
    expect(over.blocks[1]!.text.text).toHaveLength(3000);
    expect(over.blocks[1]!.text.text.endsWith(TRUNCATION_MARKER)).toBe(true);
    const long = notification('o', 'i');
    long.alert.ruleName = huge(400);
    expect((slackMessage(long) as { blocks: Array<{ text: { text: string } }> }).blocks[0]!.text.text).toHaveLength(150);
  });

  it('PagerDuty: summary ≤ 1,024, dedup_key ≤ 255, an event over 512 KB loses its details, not its summary', () => {
    const r = withSummary(huge(2000), { episodeId: huge(255) });
    const e = pagerDutyEvent(r, routingKey, new Date()) as { dedup_key: string; payload: { summary: string; custom_details: Record<string, unknown> } };
    expect(e.payload.summary).toHaveLength(1024);
    expect(e.payload.summary.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(e.dedup_key).toHaveLength(255);
    const big = notification('o', 'i');
    big.alert.labels = Object.fromEntries(Array.from({ length: 700 }, (_, i) => [`l${i}`, huge(1000)]));
    const bigEvent = pagerDutyEvent(big, routingKey, new Date()) as { payload: { custom_details: Record<string, unknown> } };
    expect(Buffer.byteLength(JSON.stringify(bigEvent))).toBeLessThanOrEqual(512 * 1024);
    expect(bigEvent.payload.custom_details.truncated).toMatch(/512 KB/);
  });

  it('Teams: a message just under 28 KB is untouched; a larger one is cut to ≤ 28 KB with the marker, multi-byte text included', () => {
    const empty = Buffer.byteLength(JSON.stringify(teamsMessage(withSummary(''))));
    const fits = withSummary(huge(28 * 1024 - empty));
    expect(Buffer.byteLength(JSON.stringify(teamsMessage(fits)))).toBe(28 * 1024);
    expect(JSON.stringify(teamsMessage(fits))).not.toContain(TRUNCATION_MARKER);
    for (const summary of [huge(28 * 1024 - empty + 1), '数据库'.repeat(20_000)]) {
      const m = JSON.stringify(teamsMessage(withSummary(summary)));
      expect(Buffer.byteLength(m)).toBeLessThanOrEqual(28 * 1024);
      expect(m).toContain(TRUNCATION_MARKER);
    }
  });

  it('Opsgenie: message ≤ 130 with the marker, alias ≤ 512', () => {
    const r = notification('o', 'i', { episodeId: huge(255) });
    r.alert.ruleName = huge(300);
    const { body } = opsgenieRequest(r, 'https://api.opsgenie.com');
    expect(body.message as string).toHaveLength(130);
    expect((body.message as string).endsWith(TRUNCATION_MARKER)).toBe(true);
    expect((body.alias as string).length).toBeLessThanOrEqual(512);
  });

  it('e-mail: the subject ≤ 200 characters on one line, the HTML escapes database text', () => {
    const r = withSummary('<script>alert(1)</script>');
    r.alert.ruleName = `line\nbreak ${huge(300)}`;
    const { subject, html, text } = emailContent(r);
    expect(subject.length).toBeLessThanOrEqual(200);
    expect(subject).not.toMatch(/\n/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
    expect(text).toContain('<script>alert(1)</script>');
  });

  it('carries the acknowledge link: a Slack button, a Teams action, an e-mail link (escaped), the webhook data', () => {
    const ack = 'https://logstag.example/ack/abc.def';
    const r = notification('o', 'i');
    expect(JSON.stringify(slackMessage(r, ack))).toContain(`"text":{"type":"plain_text","text":"Acknowledge"},"url":"${ack}"`);
    expect(JSON.stringify(teamsMessage(r, ack))).toContain(`{"type":"Action.OpenUrl","title":"Acknowledge","url":"${ack}"}`);
    const { html, text } = emailContent(r, `${ack}&x="y"`);
    expect(html).toContain('href="https://logstag.example/ack/abc.def&amp;x=&quot;y&quot;"');
    expect(text).toContain('Acknowledge (link valid 12 hours)');
    expect(JSON.stringify(slackMessage(r))).not.toContain('Acknowledge');
  });

  it('Alertmanager: label names made valid, endsAt resolves a resolve event and lies a day ahead while firing', () => {
    const now = new Date('2026-12-05T12:00:00Z');
    const firing = notification('o', 'i');
    firing.alert.labels = { 'app.kubernetes.io/name': 'db', '9lives': 'x' };
    const [a] = alertmanagerAlerts(firing, now) as Array<{ labels: Record<string, string>; endsAt: string }>;
    expect(a!.labels).toMatchObject({ app_kubernetes_io_name: 'db', _9lives: 'x', alertname: 'Replication lag', severity: 'critical' });
    expect(a!.endsAt).toBe('2026-12-06T12:00:00.000Z');
    const [resolved] = alertmanagerAlerts({ ...firing, event: 'resolve' }, now) as Array<{ endsAt: string }>;
    expect(resolved!.endsAt).toBe(now.toISOString());
  });
});

describe('the delivery transport against a misbehaving receiver', () => {
  let receiver: Receiver;
  let tls: Server;
  let tlsDir: string;
  beforeAll(async () => {
    receiver = await startReceiver();
    tlsDir = mkdtempSync(join(tmpdir(), 'logstag-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-keyout', join(tlsDir, 'key.pem'), '-out', join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
    tls = createHttpsServer({ key: readFileSync(join(tlsDir, 'key.pem')), cert: readFileSync(join(tlsDir, 'cert.pem')) }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await receiver.close();
    tls.close();
    rmSync(tlsDir, { recursive: true, force: true });
  });

  const post = (url: string, timeoutMs = 800) => sendHttp({ url, headers: {}, body: '{}' }, { timeoutMs, policy: LOOPBACK });

  it('a body slower than the deadline, and a 2xx that arrives after it, are timeouts', async () => {
    receiver.script({ kind: 'slow', status: 200, delayMs: 2_000 }, { kind: 'late', status: 200, delayMs: 2_000 });
    for (let i = 0; i < 2; i++) {
      const a = await post(receiver.url);
      expect(a).toMatchObject({ status: null, errorCode: 'ETIMEDOUT' });
      expect(a.latencyMs).toBeGreaterThanOrEqual(750);
    }
  });

  it('a reset connection, an unknown name and an untrusted certificate have no status and a code', async () => {
    receiver.script({ kind: 'reset' });
    expect((await post(receiver.url)).errorCode).toBe('ECONNRESET');
    expect((await post('http://logstag-no-such-host.invalid/hook', 5_000)).errorCode).toMatch(/ENOTFOUND|EAI_AGAIN/);
    const port = (tls.address() as AddressInfo).port;
    expect((await post(`https://127.0.0.1:${port}/`, 5_000)).errorCode).toMatch(/SELF_SIGNED|CERT|UNABLE_TO_VERIFY/);
  });

  it('refuses loopback, private, link-local, metadata and mapped addresses without connecting, unless allowlisted', async () => {
    const publicOnly: DestinationPolicy = { allow: [] };
    for (const url of [
      `http://127.0.0.1:${receiver.port}/`,
      `http://localhost:${receiver.port}/`,
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.100.100.200/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00:ec2::254]/',
      'http://0.0.0.0/',
    ]) {
      const a = await sendHttp({ url, headers: {}, body: '' }, { timeoutMs: 2_000, policy: publicOnly });
      expect(a.errorCode, url).toBe('EDESTINATIONREFUSED');
    }
    const before = receiver.requests.length;
    expect((await sendHttp({ url: receiver.url, headers: {}, body: '' }, { timeoutMs: 2_000, policy: { allow: ['127.0.0.1'] } })).status).toBe(200);
    expect(receiver.requests.length).toBe(before + 1);
  });

  it('never follows a redirect', async () => {
    receiver.script({ kind: 'status', status: 301, headers: { location: `http://127.0.0.1:${receiver.port}/elsewhere` } });
    const before = receiver.requests.length;
    expect((await post(receiver.url)).status).toBe(301);
    expect(receiver.requests.length).toBe(before + 1);
  });
});
