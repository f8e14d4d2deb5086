/** Where a visitor goes after sign-in when `next` is missing or not a path of this site. */
export const DEFAULT_AFTER_SIGN_IN = '/databases';

// Browsers drop or rewrite these while resolving a URL (tab, newline, leading spaces, backslash read as slash), so a
// value holding one can resolve elsewhere than it reads; none belongs in a path we generate.
const UNSAFE_CHAR = /[\u0000-\u0020\u007f-\u009f\\\u00a0\u1680\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/;

function looksUnsafe(value: string): boolean {
  return UNSAFE_CHAR.test(value) || !value.startsWith('/') || value.startsWith('//');
}

// What a second decoding of the path could turn into a host: something between the browser and us (a proxy, a route
// that redirects by its decoded path) may decode it once more.
const UNSAFE_DECODED_PATH = /^\/\/|[\u0000-\u001f\u007f\\]/;

function decodedPathUnsafe(pathname: string): boolean {
  try {
    return UNSAFE_DECODED_PATH.test(decodeURIComponent(pathname));
  } catch {
    return true;
  }
}

/**
 * The path to send a visitor to after sign-in. `next` comes from the address bar, so anyone can craft it: only a path
 * of this very origin survives, re-serialized by the WHATWG URL parser (the one browsers use), else the default page.
 * Refused as well: whitespace, control characters and backslashes anywhere, and a path whose percent-decoded form
 * starts with `//` or holds a backslash or control character (`/%2F%2Fevil`, `/%5Cevil`).
 */
export function safeNextPath(next: string | null | undefined, origin: string): string {
  if (!next || next.length > 2048 || looksUnsafe(next)) return DEFAULT_AFTER_SIGN_IN;
  let own: URL;
  let url: URL;
  try {
    own = new URL(origin);
    url = new URL(next, own);
  } catch {
    return DEFAULT_AFTER_SIGN_IN;
  }
  if (url.origin !== own.origin || url.username || url.password) return DEFAULT_AFTER_SIGN_IN;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can collapse into a `//` prefix (`/.//evil` is the path `//evil`), which a browser reads as a host.
  return looksUnsafe(path) || decodedPathUnsafe(url.pathname) ? DEFAULT_AFTER_SIGN_IN : path;
}
