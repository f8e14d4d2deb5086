import type { SettingView } from '$lib/api';

export type SettingsFilter = 'all' | 'changed' | 'restart' | 'notDefault';

/** The settings an operator asked for: by name or value text, and only the changed, restart-pending or non-default. */
export function filterSettings(items: readonly SettingView[], search: string, filter: SettingsFilter): SettingView[] {
  const q = search.trim().toLowerCase();
  return items.filter((s) => {
    if (q && !s.name.toLowerCase().includes(q) && !(s.value ?? '').toLowerCase().includes(q)) return false;
    if (filter === 'changed') return s.changedAt !== null;
    if (filter === 'restart') return s.pendingRestart;
    if (filter === 'notDefault') return s.isDefault === false || (s.default !== null && s.value !== s.default);
    return true;
  });
}
