// The editor's field names by the API's paths (client-safe: the page lists the values to correct with them).
const LABELS: Record<string, string> = { name: 'Name', tiers: 'Tiers', repeat: 'Repeat', ackTimeoutSeconds: 'Acknowledgement expires after', isDefault: 'Default policy' };

/** Names of the editor's fields, by the API's paths, for the list of values to correct. */
export function policyFieldLabel(path: string): string {
  const tier = /^tiers\.(\d+)(?:\.(\w+))?/.exec(path);
  if (tier) return `Tier ${Number(tier[1]) + 1}${tier[2] === 'delaySeconds' ? ' wait' : tier[2] === 'recipients' ? ' recipients' : ''}`;
  return LABELS[path] ?? path;
}
