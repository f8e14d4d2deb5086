/** One-time tokens travel in the URL fragment (`#token=…`), which browsers never send to a server or put in logs. */
export function tokenFromHash(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';
}
