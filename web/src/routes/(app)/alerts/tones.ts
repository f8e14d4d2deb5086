/** Badge tones of alert severities and states. */
export const severityTone = (s: string) => (s === 'critical' ? 'danger' : s === 'warning' ? 'warn' : 'neutral');
export const statusTone = (s: string) => (s === 'firing' ? 'danger' : s === 'pending' || s === 'snoozed' ? 'warn' : s === 'resolved' ? 'ok' : 'neutral');
