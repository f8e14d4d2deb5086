/**
 * Key names reduced to their shape: `user:1234:session` → `user:*:session`. Segments that carry identities or
 * values (numbers, UUIDs, hex ids, e-mail addresses, tokens, dates) become `*`, so the pattern names the data model,
 * not a customer.
 */
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Separators kept in the pattern. `-` and `_` stay inside segments (`rate-limit`, `user_profile`). */
const SEPARATORS = /([:/|.,#=@{}[\]\s]+)/;

export function keyPattern(key: string): string {
  const withoutUuids = key.replace(UUID, '*');
  // An address is a value as a whole: `mail:a.b@x.org` → `mail:*`, not `mail:a.b@x.*`.
  const withoutEmails = withoutUuids.replace(/[^\s:/|,{}[\]]+@[^\s:/|,{}[\]]+/g, '*');
  return withoutEmails
    .split(SEPARATORS)
    .map((part, i) => (i % 2 === 1 ? part : normalizeSegment(part)))
    .join('')
    .slice(0, 200);
}

function normalizeSegment(s: string): string {
  if (s === '' || s === '*') return s;
  // Numbers, dates and times: 42, -1, 3.5, 2024-01-31, 20240131T1200
  if (/^[-+]?[\d][\d\-_T]*$/.test(s)) return '*';
  // Hex ids and hashes; at least one digit, so words made of a–f letters (`facade`, `deadbeef`) stay.
  if (/^[0-9a-f]{8,}$/i.test(s) && /\d/.test(s)) return '*';
  // Long mixed tokens (base64, session ids, ULIDs): letters and digits together, 16+ characters.
  if (s.length >= 16 && /\d/.test(s) && /[a-z]/i.test(s)) return '*';
  // A word with a numeric suffix: `item42` → `item*`, `shard-3` → `shard-*`.
  const m = /^([a-z_-]*[a-z][_-]?)(\d+)$/i.exec(s);
  if (m) return `${m[1]}*`;
  // Anything else long and without structure is more likely a value than a name.
  if (s.length > 40) return '*';
  return s;
}
