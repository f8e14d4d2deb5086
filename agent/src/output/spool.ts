import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SpoolOptions {
  dir: string;
  maxBytes: number;
  maxAgeMs: number;
  now?: () => number;
}

export interface SpoolEntry {
  readonly name: string;
  readonly bytes: number;
  /** When the payload was spooled (ms since epoch), from the file name. */
  readonly spooledAt: number;
}

/** `000001732550000123-000042-<payload id>.json.gz`: the name sorts by spool time, then by order within a millisecond. */
const FILE_NAME = /^(\d{15})-(\d{6})-[0-9a-f-]{36}\.json\.gz$/;

/**
 * Payloads the server could not take yet, one gzip file per payload, in a directory that survives restarts.
 * Bounded by total bytes and age: when over, the oldest go first (the newest data matters most when the server
 * comes back), and the number dropped is kept until someone reports it.
 */
export class Spool {
  private readonly entries: SpoolEntry[] = [];
  private readonly pinned = new Set<string>();
  private totalBytes = 0;
  private dropped = 0;
  private sequence = 0;
  private readonly now: () => number;

  private constructor(private readonly options: SpoolOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Opens (creating) the directory and indexes what a previous run left there. */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await mkdir(options.dir, { recursive: true, mode: 0o700 });
    const names = (await readdir(options.dir)).sort();
    for (const name of names) {
      const path = join(options.dir, name);
      // A .tmp file is a write that a crash interrupted: never complete, never sent.
      if (name.endsWith('.tmp')) {
        await rm(path, { force: true });
        continue;
      }
      const match = FILE_NAME.exec(name);
      if (!match) continue;
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) continue;
      spool.entries.push({ name, bytes: info.size, spooledAt: Number(match[1]) });
      spool.totalBytes += info.size;
    }
    await spool.enforceLimits();
    return spool;
  }

  get count(): number {
    return this.entries.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Writes atomically (temp file + rename) so a crash never leaves half a payload to be sent later. */
  async put(payloadId: string, body: Buffer): Promise<void> {
    const spooledAt = this.now();
    const name = `${String(spooledAt).padStart(15, '0')}-${String(this.sequence++ % 1_000_000).padStart(6, '0')}-${payloadId}.json.gz`;
    const path = join(this.options.dir, name);
    await writeFile(`${path}.tmp`, body, { mode: 0o600 });
    await rename(`${path}.tmp`, path);
    this.entries.push({ name, bytes: body.length, spooledAt });
    this.totalBytes += body.length;
    await this.enforceLimits();
  }

  /** The n oldest entries, in the order they are to be re-sent; read() pins each so the cap cannot delete it meanwhile. */
  oldestN(n: number): SpoolEntry[] {
    this.sortOldestFirst();
    return this.entries.slice(0, n);
  }

  /** File names sort by spool time, then by order within a millisecond. */
  private sortOldestFirst(): void {
    this.entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async read(entry: SpoolEntry): Promise<Buffer | undefined> {
    this.pinned.add(entry.name);
    try {
      return await readFile(join(this.options.dir, entry.name));
    } catch {
      this.forget(entry);
      return undefined;
    }
  }

  release(entry: SpoolEntry): void {
    this.pinned.delete(entry.name);
  }

  /** Deletes the file, then the index entry: `count` never claims a payload is gone while its file still exists. */
  async remove(entry: SpoolEntry): Promise<void> {
    await rm(join(this.options.dir, entry.name), { force: true });
    this.pinned.delete(entry.name);
    this.forget(entry);
  }

  /** Payloads dropped by the caps since the last call. */
  takeDroppedCount(): number {
    const n = this.dropped;
    this.dropped = 0;
    return n;
  }

  /** Drops entries older than the age cap, then the oldest until the total fits the byte cap. */
  async enforceLimits(): Promise<void> {
    this.sortOldestFirst();
    const tooOld = this.now() - this.options.maxAgeMs;
    const victims: SpoolEntry[] = [];
    let bytes = this.totalBytes;
    for (const entry of this.entries) {
      if (this.pinned.has(entry.name)) continue;
      if (entry.spooledAt < tooOld || bytes > this.options.maxBytes) {
        victims.push(entry);
        bytes -= entry.bytes;
      }
    }
    for (const entry of victims) {
      this.forget(entry);
      this.dropped++;
      await rm(join(this.options.dir, entry.name), { force: true });
    }
  }

  private forget(entry: SpoolEntry): void {
    const index = this.entries.findIndex((e) => e.name === entry.name);
    if (index === -1) return;
    this.entries.splice(index, 1);
    this.totalBytes -= entry.bytes;
  }
}
