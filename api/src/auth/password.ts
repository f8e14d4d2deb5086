import { hash, verify, type Algorithm } from '@node-rs/argon2';

/**
 * argon2id (OWASP's first choice) with OWASP's minimum parameters: 19 MiB, 2 passes, 1 lane — about 25 ms here.
 * @node-rs/argon2 over node's scrypt: argon2id is the current recommendation, the PHC string carries its parameters so
 * they can be raised later without a migration, and hashing runs off the event loop in Rust threads.
 */
// 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot read).
const OPTIONS = { algorithm: 2 as Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the address is unknown, so an unknown account costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('logstag-timing-equaliser');
  await verifyPassword(await dummyHash, password);
}
