import { unstorableTextMessage } from './storable-text';

/**
 * The checks `POST /v1/ingest` runs on a payload after its schema, before committing it: what passes the schema but
 * the store cannot hold, or should not keep. Pure and import-safe (no Node built-ins), with the clock passed in.
 */

/**
 * Deepest nesting of objects and arrays in a payload, the payload object itself counting 1. The deepest recorded real
 * payload is 9 (MongoDB currentOp, api/test/fixtures/mongodb.jsonl); MongoDB itself refuses documents nested deeper
 * than 100, so a document the agent copies from it fits with the envelope's levels around it.
 */
export const MAX_PAYLOAD_DEPTH = 128;

/** How far ahead of the server's clock `collectedAt` may be: clock skew, not a time machine. */
export const MAX_COLLECTED_AHEAD_MS = 10 * 60_000;

/**
 * How old `collectedAt` may be by default: the agent spool keeps payloads up to `spool.max_age_hours` (72 by default)
 * before dropping them, and replays them after an outage; four more days of margin for agents set to keep longer.
 */
export const DEFAULT_MAX_COLLECTED_PAST_HOURS = 7 * 24;

/** At most this many issues are reported per payload: enough to fix it, bounded whatever it holds. */
export const MAX_DOOR_ISSUES = 10;

export interface DoorIssue {
  path: string;
  message: string;
}

export interface DoorLimits {
  /** The server's clock, ms since the epoch. */
  now: number;
  maxPastMs: number;
  maxAheadMs?: number;
  maxDepth?: number;
}

/** Keys come from monitored databases: shown escaped and cut short, so a path stays printable and small. */
const MAX_KEY_CHARS = 64;

function showKey(key: string | number): string {
  if (typeof key === 'number') return String(key);
  // eslint-disable-next-line no-control-regex -- NUL is one of the characters escaped
  const escaped = key.replace(/[\u0000\ud800-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > MAX_KEY_CHARS ? `${escaped.slice(0, MAX_KEY_CHARS)}…` : escaped;
}

/** A container met during the walk; its path is rebuilt from the parents only when an issue needs it. */
interface Frame {
  node: object;
  depth: number;
  parent: Frame | undefined;
  key: string | number | undefined;
}

function pathOf(frame: Frame, key?: string | number): string {
  const parts: string[] = key === undefined ? [] : [showKey(key)];
  for (let f: Frame | undefined = frame; f !== undefined && f.key !== undefined; f = f.parent) parts.push(showKey(f.key));
  return parts.reverse().join('.');
}

/**
 * Every string and key the store cannot hold, and every container nested deeper than `maxDepth`, up to MAX_DOOR_ISSUES.
 * Iterative, so a 100,000-deep array costs no stack, and it never descends past `maxDepth`: the cost is one visit per
 * node of the (size-capped) body at most.
 */
export function unstorableValueIssues(root: unknown, maxDepth = MAX_PAYLOAD_DEPTH): DoorIssue[] {
  const issues: DoorIssue[] = [];
  if (typeof root === 'string') {
    const message = unstorableTextMessage(root);
    return message ? [{ path: '', message }] : [];
  }
  if (root === null || typeof root !== 'object') return issues;
  const stack: Frame[] = [{ node: root, depth: 1, parent: undefined, key: undefined }];
  const visit = (frame: Frame, key: string | number, value: unknown): void => {
    if (typeof value === 'string') {
      const message = unstorableTextMessage(value);
      if (message) issues.push({ path: pathOf(frame, key), message });
    } else if (value !== null && typeof value === 'object') {
      if (frame.depth >= maxDepth) issues.push({ path: pathOf(frame, key), message: `nested deeper than ${maxDepth} levels of objects and arrays; expected at most ${maxDepth}` });
      else stack.push({ node: value, depth: frame.depth + 1, parent: frame, key });
    }
  };
  while (stack.length > 0 && issues.length < MAX_DOOR_ISSUES) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && issues.length < MAX_DOOR_ISSUES; i++) visit(frame, i, node[i]);
      continue;
    }
    for (const key of Object.keys(node)) {
      if (issues.length >= MAX_DOOR_ISSUES) break;
      const message = unstorableTextMessage(key);
      if (message) issues.push({ path: pathOf(frame, key), message: `the key ${message}` });
      visit(frame, key, (node as Record<string, unknown>)[key]);
    }
  }
  return issues.slice(0, MAX_DOOR_ISSUES);
}

/**
 * True when an object or array of `root` is nested deeper than `maxDepth`. The cheap pass of the door (about a third
 * of JSON.parse's time for the same payload): no paths, no strings, the full walk only for a payload it flags.
 */
export function nestedDeeperThan(root: unknown, maxDepth = MAX_PAYLOAD_DEPTH): boolean {
  if (root === null || typeof root !== 'object') return false;
  const nodes: object[] = [root];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop()!;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (v === null || typeof v !== 'object') continue;
        if (depth >= maxDepth) return true;
        nodes.push(v);
        depths.push(depth + 1);
      }
      continue;
    }
    // for-in: a parsed JSON object has no inherited enumerable keys, and it allocates no key array.
    for (const key in node) {
      const v = node[key];
      if (v === null || typeof v !== 'object') continue;
      if (depth >= maxDepth) return true;
      nodes.push(v);
      depths.push(depth + 1);
    }
  }
  return false;
}

/** Why `collectedAt` is outside the window [now - maxPastMs, now + maxAheadMs], or undefined when it is inside. */
export function collectedAtIssue(collectedAt: string, limits: DoorLimits): DoorIssue | undefined {
  const path = 'collectedAt';
  const t = Date.parse(collectedAt);
  if (!Number.isFinite(t)) return { path, message: 'expected an ISO 8601 date-time with an offset' };
  const oldest = limits.now - limits.maxPastMs;
  if (t < oldest) {
    return { path, message: `older than ${limits.maxPastMs / 3_600_000} hours; expected ${new Date(oldest).toISOString()} or later` };
  }
  const aheadMs = limits.maxAheadMs ?? MAX_COLLECTED_AHEAD_MS;
  const latest = limits.now + aheadMs;
  if (t > latest) {
    return {
      path,
      message: `more than ${aheadMs / 60_000} minutes ahead of the server's clock; expected ${new Date(latest).toISOString()} or earlier (check the agent host's clock)`,
    };
  }
  return undefined;
}

export interface DoorHints {
  /**
   * False when the payload was parsed from JSON text holding no `\u` escape: such text cannot carry a NUL (JSON
   * refuses a raw one in a string) or a lone surrogate (UTF-8 decoding turns an encoded one into U+FFFD), so only the
   * nesting is walked, and the full walk runs only when that finds something.
   */
  mayHoldEscapes?: boolean;
}

/** The door's issues with a schema-valid payload: its collection time, then its strings, keys and nesting. */
export function payloadDoorIssues(payload: { collectedAt: string }, limits: DoorLimits, hints: DoorHints = {}): DoorIssue[] {
  const time = collectedAtIssue(payload.collectedAt, limits);
  const maxDepth = limits.maxDepth ?? MAX_PAYLOAD_DEPTH;
  const values = hints.mayHoldEscapes === false && !nestedDeeperThan(payload, maxDepth) ? [] : unstorableValueIssues(payload, maxDepth);
  return (time ? [time, ...values] : values).slice(0, MAX_DOOR_ISSUES);
}
