// Integration secrets at rest: AES-256-GCM with one installation key, from LOGSTAG_SECRET_KEY or, for the embedded
// default, a key file generated in the data folder with mode 0600.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface SecretBox {
  /** JSON-serializable value → `v1.<iv>.<tag>.<ciphertext>` (base64url), a fresh 96-bit IV each time. */
  seal(value: unknown): string;
  /** Throws when the text was not sealed with this key or was altered. */
  open<T = unknown>(sealed: string): T;
}

export class SecretKeyError extends Error {
  override name = 'SecretKeyError';
}

const KEY_FILE = 'secret.key';

/** A 32-byte key from base64 or hex (64 characters). */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new SecretKeyError('LOGSTAG_SECRET_KEY must be 32 bytes, as base64 (44 characters) or hex (64 characters)');
  return key;
}

/**
 * The installation's key: LOGSTAG_SECRET_KEY when set (servers with several processes set it everywhere); otherwise
 * `<dataDir>/secret.key`, generated once with mode 0600 and refused when others can read it.
 */
export function loadSecretKey(options: { env?: NodeJS.ProcessEnv; dataDir: string }): Buffer {
  const fromEnv = options.env?.LOGSTAG_SECRET_KEY;
  if (fromEnv) return parseSecretKey(fromEnv);
  const path = join(options.dataDir, KEY_FILE);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another process of the same installation wrote it first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    chmodSync(path, 0o600);
  }
  if ((statSync(path).mode & 0o077) !== 0) throw new SecretKeyError(`${path} is readable by other users; chmod 600 it`);
  return parseSecretKey(readFileSync(path, 'utf8'));
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new SecretKeyError('the secret key must be 32 bytes');
  return {
    seal(value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ct = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    open<T>(sealed: string): T {
      const [v, iv, tag, ct] = sealed.split('.');
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new SecretKeyError('not a sealed secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
        return JSON.parse(plain.toString('utf8')) as T;
      } catch {
        throw new SecretKeyError('the secrets cannot be opened with this key (LOGSTAG_SECRET_KEY changed, or the data was altered)');
      }
    },
  };
}
