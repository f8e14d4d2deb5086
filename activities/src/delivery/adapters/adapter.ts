// One interface for every integration kind: how a notification becomes a request, which secrets to keep out of
// records, and which rate limit the destination has. Each adapter is a small file beside this one.
import { createHash } from 'node:crypto';
import type { IntegrationConfig, IntegrationKind, IntegrationSecrets, NotificationRequest, AttemptVerdict } from '@logstag/schema';
import type { HttpAnswer, OutboundRequest } from '../http-transport';
import type { DestinationPolicy } from '../ssrf-guard';
import { judgeHttp, responseExcerpt } from '../verdict';

export interface AdapterInput<K extends IntegrationKind> {
  request: NotificationRequest;
  config: IntegrationConfig<K>;
  secrets: IntegrationSecrets<K>;
  /** When this attempt starts (the webhook timestamp, e-mail Date). */
  now: Date;
  /** Where people open Logstag, for links; null when unknown. */
  publicUrl: string | null;
  /** A signed, short-lived link that acknowledges the alert from wherever the message arrived; null when none. */
  ackUrl: string | null;
}

/** What the adapters may use: the guarded HTTP client and the SMTP sender. */
export interface AdapterIo {
  http(req: OutboundRequest): Promise<HttpAnswer>;
  timeoutMs: number;
  /** The SSRF policy, for adapters that open their own connections (SMTP). */
  policy: DestinationPolicy;
}

export interface AttemptResult {
  verdict: AttemptVerdict;
  /** HTTP status or SMTP reply code. */
  status: number | null;
  retryAfterMs: number | null;
  error: string | null;
  responseExcerpt: string | null;
  latencyMs: number;
}

export interface RateLimit {
  /** kind and a hash of the destination: never the secret itself. */
  key: string;
  intervalMs: number;
  burst: number;
}

export interface Adapter<K extends IntegrationKind> {
  kind: K;
  rateLimit(config: IntegrationConfig<K>, secrets: IntegrationSecrets<K>): RateLimit | null;
  /** The secret strings of this integration, removed from response excerpts and errors. */
  secretValues(secrets: IntegrationSecrets<K>): string[];
  send(input: AdapterInput<K>, io: AdapterIo): Promise<AttemptResult>;
}

/** An adapter that sends one HTTP request and judges its answer the common way. */
export function httpAdapter<K extends IntegrationKind>(spec: {
  kind: K;
  render(input: AdapterInput<K>): OutboundRequest;
  rateLimit?: Adapter<K>['rateLimit'];
  secretValues: Adapter<K>['secretValues'];
  /** Some APIs answer 2xx with a refusal in the body, or 4xx meaning something else; most need nothing here. */
  judge?(answer: HttpAnswer, now: Date): ReturnType<typeof judgeHttp> | null;
}): Adapter<K> {
  return {
    kind: spec.kind,
    rateLimit: spec.rateLimit ?? (() => null),
    secretValues: spec.secretValues,
    async send(input, io) {
      const answer = await io.http(spec.render(input));
      const judged = spec.judge?.(answer, input.now) ?? judgeHttp(answer.status, answer.errorCode, answer.headers['retry-after'], input.now);
      const secrets = spec.secretValues(input.secrets);
      const error = judged.reason && answer.errorMessage ? `${judged.reason}: ${answer.errorMessage}` : judged.reason;
      return {
        verdict: judged.verdict,
        status: answer.status,
        retryAfterMs: judged.retryAfterMs,
        error: error === null ? null : scrub(error, secrets),
        responseExcerpt: responseExcerpt(answer.body, secrets),
        latencyMs: answer.latencyMs,
      };
    },
  };
}

export function scrub(text: string, secrets: readonly string[]): string {
  let t = text;
  for (const s of secrets) if (s && s.length >= 4) t = t.split(s).join('[redacted]');
  return t;
}

/** A rate-limit key naming the destination by hash. */
export function destinationKey(kind: string, destination: string): string {
  return `${kind}:${createHash('sha256').update(destination).digest('hex').slice(0, 32)}`;
}

export const TRUNCATION_MARKER = '… [truncated]';

/** `text` cut to at most `max` characters (code points kept whole), ending with the marker when cut. */
export function truncate(text: string, max: number, marker = TRUNCATION_MARKER): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - marker.length));
  // Never leave half a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return cut + marker;
}

/** UTF-8 bytes of a string. */
export const utf8Bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** The headline every adapter starts from: severity, rule, target; event word when not a plain trigger. */
export function headline(r: NotificationRequest): string {
  const what = r.event === 'trigger' ? '' : r.event === 'resolve' ? 'Resolved: ' : r.event === 'acknowledge' ? 'Acknowledged: ' : r.event === 'test' ? 'Test: ' : `${r.event}: `;
  const target = r.alert.targetName ? ` on ${r.alert.targetName}` : '';
  return `${what}[${r.alert.severity.toUpperCase()}] ${r.alert.ruleName}${target}`;
}
