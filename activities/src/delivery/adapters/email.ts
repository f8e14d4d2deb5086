// E-mail over SMTP with nodemailer: TLS from the first byte (465), STARTTLS required (587), or plain for a local
// relay; an HTML and a text part; to the integration's list, or to one user. The Message-ID derives from the
// notification's idempotency key, so a retried or replayed message is recognisably the same one.
import nodemailer from 'nodemailer';
import type { NotificationRequest } from '@logstag/schema';
import { headline, scrub, truncate, type Adapter, type AttemptResult } from './adapter';
import { escapeHtml, facts } from './text';
import { webhookId } from './webhook';
import { resolveGuarded } from '../ssrf-guard';
import { judgeSmtp, responseExcerpt } from '../verdict';

export const EMAIL_SUBJECT_LIMIT = 200;

export function emailContent(r: NotificationRequest, ackUrl: string | null = null): { subject: string; text: string; html: string } {
  const subject = truncate(headline(r).replace(/[\r\n]+/g, ' '), EMAIL_SUBJECT_LIMIT);
  const lines = facts(r).map(([k, v]) => `${k}: ${v}`);
  const text = [headline(r), '', r.alert.summary, '', ...lines, ...(r.alert.url ? ['', r.alert.url] : []), ...(ackUrl ? ['', `Acknowledge (link valid 12 hours): ${ackUrl}`] : [])].join('\n');
  const html = [
    `<h2>${escapeHtml(headline(r))}</h2>`,
    `<p>${escapeHtml(r.alert.summary).replace(/\n/g, '<br>')}</p>`,
    `<table>${facts(r)
      .map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
      .join('')}</table>`,
    r.alert.url ? `<p><a href="${escapeHtml(r.alert.url)}">Open in Logstag</a></p>` : '',
    ackUrl ? `<p><a href="${escapeHtml(ackUrl)}">Acknowledge</a> (link valid 12 hours)</p>` : '',
  ].join('\n');
  return { subject, text, html };
}

const replyCode = (response: string | undefined) => {
  const m = /^(\d{3})/.exec(response ?? '');
  return m ? Number(m[1]) : null;
};

export const emailAdapter: Adapter<'email'> = {
  kind: 'email',
  rateLimit: () => null,
  secretValues: (s) => [s.password ?? ''].filter(Boolean),
  async send({ request, config, secrets, ackUrl }, io): Promise<AttemptResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    const secretList = secrets.password ? [secrets.password] : [];
    const to = request.recipient.kind === 'user' ? [request.recipient.email] : config.to;
    try {
      const address = await resolveGuarded(config.host, io.policy);
      const transport = nodemailer.createTransport({
        host: address,
        port: config.port,
        secure: config.security === 'tls',
        requireTLS: config.security === 'starttls',
        ignoreTLS: config.security === 'none',
        // The certificate is checked against the configured name, not the address connected to.
        tls: { servername: config.host },
        ...(secrets.username ? { auth: { user: secrets.username, pass: secrets.password ?? '' } } : {}),
        connectionTimeout: io.timeoutMs,
        greetingTimeout: io.timeoutMs,
        socketTimeout: io.timeoutMs,
        name: 'logstag',
      });
      const { subject, text, html } = emailContent(request, ackUrl);
      const info = await transport.sendMail({
        from: config.from,
        to,
        subject,
        text,
        html,
        messageId: `<${webhookId(request)}@logstag>`,
        headers: { 'X-Logstag-Idempotency-Key': request.idempotencyKey, 'X-Logstag-Episode': request.episodeId },
      });
      transport.close();
      const code = replyCode(info.response) ?? 250;
      const judged = judgeSmtp(code, null);
      return { verdict: judged.verdict, status: code, retryAfterMs: null, error: judged.reason, responseExcerpt: responseExcerpt(info.response, secretList), latencyMs: latency() };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; message?: string; response?: string };
      const code = typeof e.responseCode === 'number' ? e.responseCode : null;
      const judged = judgeSmtp(code, e.code ?? null);
      const message = scrub(`${judged.reason}: ${e.message ?? String(err)}`, secretList);
      return { verdict: judged.verdict, status: code, retryAfterMs: null, error: message.slice(0, 1000), responseExcerpt: responseExcerpt(e.response ?? '', secretList), latencyMs: latency() };
    }
  },
};
