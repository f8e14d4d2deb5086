// What one attempt's answer means for the delivery: delivered, retry (with the receiver's Retry-After), failed for
// good, or gone (410: the destination no longer exists, so the integration is disabled).
import type { AttemptVerdict } from '@logstag/schema';

export interface Judged {
  verdict: AttemptVerdict;
  /** The receiver's Retry-After, in milliseconds from `now`; null when absent or unreadable. */
  retryAfterMs: number | null;
  /** Why it did not succeed, for the attempt record. */
  reason: string | null;
}

/** Retry-After as delay-seconds or as an HTTP-date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | null {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return null;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

export function judgeHttp(status: number | null, errorCode: string | null, retryAfter: string | string[] | undefined, now: Date): Judged {
  if (status === null) {
    // A destination the SSRF guard refused is a configuration error: no retry changes it.
    if (errorCode === 'EDESTINATIONREFUSED' || errorCode === 'EPROTOCOL' || errorCode === 'EINVALIDURL' || errorCode === 'ERR_INVALID_URL') {
      return { verdict: 'failed', retryAfterMs: null, reason: `destination refused (${errorCode})` };
    }
    return { verdict: 'retry', retryAfterMs: null, reason: `no answer (${errorCode ?? 'network error'})` };
  }
  if (status >= 200 && status < 300) return { verdict: 'delivered', retryAfterMs: null, reason: null };
  if (status >= 300 && status < 400) return { verdict: 'failed', retryAfterMs: null, reason: `redirect ${status} not followed: fix the URL` };
  if (status === 410) return { verdict: 'gone', retryAfterMs: null, reason: '410 Gone: the destination no longer exists' };
  if (status === 408 || status === 429 || status >= 500) {
    return { verdict: 'retry', retryAfterMs: parseRetryAfter(retryAfter, now), reason: `HTTP ${status}` };
  }
  return { verdict: 'failed', retryAfterMs: null, reason: `HTTP ${status} (not retried)` };
}

/** SMTP: 2xx delivered; 4xx transient (retried); 5xx permanent; no reply (connection, TLS, timeout) retried. */
export function judgeSmtp(code: number | null, errorCode: string | null): Judged {
  if (code === null) {
    if (errorCode === 'EDESTINATIONREFUSED') return { verdict: 'failed', retryAfterMs: null, reason: 'destination refused' };
    return { verdict: 'retry', retryAfterMs: null, reason: `no answer (${errorCode ?? 'network error'})` };
  }
  if (code >= 200 && code < 300) return { verdict: 'delivered', retryAfterMs: null, reason: null };
  if (code >= 400 && code < 500) return { verdict: 'retry', retryAfterMs: null, reason: `SMTP ${code}` };
  return { verdict: 'failed', retryAfterMs: null, reason: `SMTP ${code} (not retried)` };
}

const EXCERPT_LIMIT = 1024;

/** The first bytes of an answer with the integration's secrets and anything secret-shaped removed. */
export function responseExcerpt(body: string, secrets: readonly string[]): string | null {
  if (!body) return null;
  let text = body.slice(0, EXCERPT_LIMIT * 2);
  for (const s of secrets) if (s && s.length >= 4) text = text.split(s).join('[redacted]');
  text = text
    .replace(/whsec_[A-Za-z0-9+/=]+/g, 'whsec_[redacted]')
    .replace(/(bearer|basic|genieKey)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/(hooks\.slack\.com\/services\/)[^\s"']+/g, '$1[redacted]');
  return text.length > EXCERPT_LIMIT ? `${text.slice(0, EXCERPT_LIMIT)}… (truncated)` : text;
}
