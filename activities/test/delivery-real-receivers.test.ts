// E-mail into a real SMTP server (Mailpit, read back through its API) and alerts into a real Prometheus Alertmanager
// v0.35.0 (read back through /api/v2/alerts), both built into .tools and started on free loopback ports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, sendHttp, type AttemptResult, type DestinationPolicy } from '../src/index';
import type { IntegrationKind, NotificationRequest } from '@logstag/schema';
import { notification, startAlertmanager, startMailpit, type RunningReceiver } from './delivery/index';

const LOOPBACK: DestinationPolicy = { allow: ['127.0.0.0/8', '::1/128'] };
const io = { timeoutMs: 10_000, policy: LOOPBACK, http: (req: Parameters<typeof sendHttp>[0]) => sendHttp(req, { timeoutMs: 10_000, policy: LOOPBACK }) };

async function send(kind: IntegrationKind, request: NotificationRequest, config: object, secrets: object, policy = LOOPBACK): Promise<AttemptResult> {
  const adapter = ADAPTERS[kind] as { send(i: unknown, io: unknown): Promise<AttemptResult> };
  return adapter.send({ request, config, secrets, now: new Date(), publicUrl: null }, { ...io, policy });
}

describe('e-mail into Mailpit', () => {
  let mailpit: RunningReceiver & { smtpPort: number };
  beforeAll(async () => {
    mailpit = await startMailpit();
  }, 300_000);
  afterAll(() => mailpit?.stop());

  const config = () => ({ host: 'localhost', port: mailpit.smtpPort, security: 'none', from: 'logstag@example.com', to: ['dba@example.com', 'oncall@example.com'] });
  const messages = async (query: string) => {
    const r = await fetch(`${mailpit.url}/api/v1/search?query=${encodeURIComponent(query)}`);
    return ((await r.json()) as { messages: Array<{ ID: string; MessageID: string; Subject: string; To: Array<{ Address: string }> }> }).messages;
  };

  it('delivers an HTML and text message to the list, with a Message-ID from the idempotency key, read back through the API', async () => {
    const request = notification('org', 'int');
    request.alert.summary = 'Lag <b>42 s</b> & rising';
    const result = await send('email', request, config(), { username: 'logstag', password: 'smtp-password-123' });
    expect(result, JSON.stringify(result)).toMatchObject({ verdict: 'delivered', status: 250 });
    const [m] = await messages(`subject:"Replication lag"`);
    expect(m!.To.map((t) => t.Address).sort()).toEqual(['dba@example.com', 'oncall@example.com']);
    expect(m!.MessageID).toMatch(/^msg_.+@logstag$/);
    const full = (await (await fetch(`${mailpit.url}/api/v1/message/${m!.ID}`)).json()) as { HTML: string; Text: string; Subject: string };
    expect(full.Subject).toBe('[CRITICAL] Replication lag on pg-main');
    expect(full.HTML).toContain('Lag &lt;b&gt;42 s&lt;/b&gt; &amp; rising');
    expect(full.Text).toContain('Lag <b>42 s</b> & rising');
    // The same notification sent again (a retry, a replay) carries the same Message-ID.
    await send('email', request, config(), { username: null, password: null });
    const again = await messages(`subject:"Replication lag"`);
    expect(new Set(again.map((x) => x.MessageID)).size).toBe(1);
  });

  it('sends to one user when the recipient is a user', async () => {
    const request = notification('org', 'int', { recipient: { kind: 'user', userId: 'u1', email: 'ada@example.com' } });
    request.alert.ruleName = 'Disk almost full';
    expect((await send('email', request, config(), { username: null, password: null })).verdict).toBe('delivered');
    const [m] = await messages('subject:"Disk almost full"');
    expect(m!.To.map((t) => t.Address)).toEqual(['ada@example.com']);
  });

  it('fails when STARTTLS is required and the server does not offer it, never sending in clear', async () => {
    const request = notification('org', 'int');
    request.alert.ruleName = 'Must not arrive in clear';
    const result = await send('email', request, { ...config(), security: 'starttls' }, { username: 'u', password: 'pw-not-in-errors' });
    // Mailpit answers STARTTLS with 502 (not implemented): a permanent refusal, so the delivery fails rather than retrying a configuration error.
    expect(result).toMatchObject({ verdict: 'failed', status: 502 });
    expect(result.error).toMatch(/STARTTLS/i);
    expect(result.error).not.toContain('pw-not-in-errors');
    expect(await messages('subject:"Must not arrive in clear"')).toEqual([]);
  });

  it('refuses an SMTP host on loopback unless the allowlist names it', async () => {
    const result = await send('email', notification('org', 'int'), config(), { username: null, password: null }, { allow: [] });
    expect(result).toMatchObject({ verdict: 'failed', status: null });
    expect(result.error).toMatch(/loopback/);
  });
});

describe('alerts into Prometheus Alertmanager v0.35.0', () => {
  let am: RunningReceiver;
  beforeAll(async () => {
    am = await startAlertmanager();
  }, 600_000);
  afterAll(() => am?.stop());

  const alertsOf = async (episode: string) => {
    const r = await fetch(`${am.url}/api/v2/alerts?filter=${encodeURIComponent(`logstag_episode="${episode}"`)}`);
    return (await r.json()) as Array<{ labels: Record<string, string>; annotations: Record<string, string>; endsAt: string; status: { state: string } }>;
  };

  it('posts a firing alert that Alertmanager lists as active, and resolves it by endsAt', async () => {
    const request = notification('org', 'int', { episodeId: `ep-${Date.now()}` });
    request.alert.labels = { env: 'prod', 'team.name': 'dba' };
    expect(await send('alertmanager', request, { url: am.url }, { bearerToken: null })).toMatchObject({ verdict: 'delivered', status: 200 });
    const [firing] = await alertsOf(request.episodeId);
    expect(firing).toMatchObject({ labels: { alertname: 'Replication lag', severity: 'critical', env: 'prod', team_name: 'dba' }, status: { state: 'active' } });
    expect(firing!.annotations.summary).toBe(request.alert.summary);

    const resolvedAt = new Date(Date.now() - 1000).toISOString();
    const resolve = { ...request, event: 'resolve' as const, alert: { ...request.alert, status: 'resolved', endsAt: resolvedAt } };
    expect((await send('alertmanager', resolve, { url: am.url }, { bearerToken: null })).verdict).toBe('delivered');
    const after = await alertsOf(request.episodeId);
    // Resolved: gone from the active alerts, or listed with endsAt in the past.
    expect(after.every((a) => new Date(a.endsAt).getTime() <= Date.now())).toBe(true);
  });

  it('answers 400 to a malformed alert, which is a failure not retried', async () => {
    const request = notification('org', 'int');
    request.alert.startsAt = 'not a time';
    const result = await send('alertmanager', request, { url: am.url }, { bearerToken: null });
    expect(result).toMatchObject({ verdict: 'failed', status: 400 });
  });
});
