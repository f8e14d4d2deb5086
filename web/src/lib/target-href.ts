/** Target ids may hold `/`, `:` or spaces: each page takes the id whole, percent-encoded. */
export function targetHref(targetId: string): string {
  return `/databases/${encodeURIComponent(targetId)}`;
}
