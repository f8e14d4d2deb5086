/**
 * Where secrets can sit in a logged object. pino censors these paths before serializing; scrubSecrets below is the
 * second line of defence for secrets that reach a log inside free text (a driver's error message quoting a URL).
 */
export const REDACT_PATHS: readonly string[] = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'tls.key',
  '*.tls.key',
  'spec.password',
  'spec.tls.key',
  'secretValues',
  '*.secretValues',
];

/** Secrets shorter than this are not scrubbed by value: replacing every `a` in a log line would destroy it. */
const MIN_SCRUB_LENGTH = 4;

/** Replaces every occurrence of a known secret value (and its JSON-escaped form) with `[REDACTED]`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SCRUB_LENGTH) continue;
    out = out.split(secret).join('[REDACTED]');
    const escaped = JSON.stringify(secret).slice(1, -1);
    if (escaped !== secret) out = out.split(escaped).join('[REDACTED]');
  }
  return out;
}
