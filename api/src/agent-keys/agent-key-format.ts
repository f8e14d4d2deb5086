import { randomBytes, randomInt } from 'node:crypto';
import { tokenHash } from '../auth/tokens';

/**
 * `lsk_<8 chars>_<43 chars>`: the first part (`lsk_xxxxxxxx`) is the visible prefix, shown in lists and logs and used to
 * find the key; the rest is 256 random bits, stored only as the sha256 of the whole key.
 */
const KEY_PATTERN = /^(lsk_[a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface GeneratedAgentKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateAgentKey(): GeneratedAgentKey {
  let id = '';
  for (let i = 0; i < 8; i += 1) id += PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)];
  const prefix = `lsk_${id}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: agentKeyHash(key) };
}

/** The prefix of a well-formed key, or undefined. */
export function agentKeyPrefixOf(key: string): string | undefined {
  return KEY_PATTERN.exec(key)?.[1];
}

export function agentKeyHash(key: string): string {
  return tokenHash(key);
}
