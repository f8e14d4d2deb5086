import type { Payload } from '@logstag/schema/core';

/**
 * Remembers each target's schema fingerprint (the operational collection's `schema_fingerprint` section: relations and
 * a hash of their columns and indexes per database) and says when it changed, so the runner starts the full schema
 * collection at once instead of at its next 4-hourly tick. The first fingerprint of a target only sets the baseline:
 * the schema collection runs at start anyway.
 */
export class SchemaChangeTrigger {
  private readonly seen = new Map<string, string>();

  /** Whether this operational payload's fingerprint differs from the target's last one (false without one). */
  changed(payload: Payload): boolean {
    if (payload.kind !== 'collection' || payload.category !== 'operational') return false;
    const section = (payload.data as Record<string, unknown>).schema_fingerprint;
    if (!Array.isArray(section)) return false;
    const current = JSON.stringify(section);
    const before = this.seen.get(payload.targetId);
    return before !== undefined && before !== current;
  }

  /** Accepts the payload's fingerprint as the target's last one (once the schema collection it called for started). */
  remember(payload: Payload): void {
    if (payload.kind !== 'collection' || payload.category !== 'operational') return;
    const section = (payload.data as Record<string, unknown>).schema_fingerprint;
    if (Array.isArray(section)) this.seen.set(payload.targetId, JSON.stringify(section));
  }
}
