import type Redis from 'ioredis';

/**
 * ACL users without credentials. ACL LIST prints each user as its ACL rules; password rules (`>pw`, `<pw`, `#hash`,
 * `!hash`) are dropped token by token here and never stored or logged. What remains: name, on/off, nopass, command
 * rules, key and channel patterns, selectors.
 * https://redis.io/docs/latest/commands/acl-list/
 */
export interface AclUser {
  user: string;
  enabled: boolean;
  noPassword: boolean;
  passwordCount: number;
  commands: string[];
  keyPatterns: string[];
  channelPatterns: string[];
  selectors: string[];
  flags: string[];
}

const PASSWORD_RULE = /^[<>#!]/;

export function parseAclLine(line: string): AclUser | undefined {
  // `user <name> <rule> <rule> …`; selectors are parenthesised groups of rules (Redis 7).
  const tokens = line.match(/\([^)]*\)|\S+/g) ?? [];
  if (tokens[0] !== 'user' || !tokens[1]) return undefined;
  const u: AclUser = {
    user: tokens[1], enabled: false, noPassword: false, passwordCount: 0, commands: [], keyPatterns: [], channelPatterns: [],
    selectors: [], flags: [],
  };
  for (const t of tokens.slice(2)) {
    if (PASSWORD_RULE.test(t)) u.passwordCount++;
    else if (t === 'on' || t === 'off') u.enabled = t === 'on';
    else if (t === 'nopass') u.noPassword = true;
    else if (t.startsWith('~') || t.startsWith('%')) u.keyPatterns.push(t);
    else if (t.startsWith('&')) u.channelPatterns.push(t);
    else if (t.startsWith('+') || t.startsWith('-')) u.commands.push(t);
    else if (t.startsWith('(')) u.selectors.push(t.split(/\s+/).filter((r) => !PASSWORD_RULE.test(r)).join(' '));
    else u.flags.push(t);
  }
  return u;
}

export async function collectAclUsers(client: Redis): Promise<AclUser[]> {
  const lines = (await client.call('ACL', 'LIST')) as string[];
  return lines.map(parseAclLine).filter((u): u is AclUser => u !== undefined);
}
