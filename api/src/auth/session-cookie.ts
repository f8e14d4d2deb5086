import type { CookieOptions, Request, Response } from 'express';

export const SESSION_COOKIE = 'logstag_session';

/**
 * The session cookie's value, or undefined. Parsed by hand: one cookie, no need for a parser dependency. A value that
 * is not valid percent-encoding (`%E0%A4%A`) is kept as sent: it names no session, so the request is anonymous and the
 * cookie is cleared, where decodeURIComponent's URIError made every route answer 500.
 */
export function sessionCookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return decodedOrRaw(part.slice(eq + 1).trim());
  }
  return undefined;
}

function decodedOrRaw(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function options(req: Request): CookieOptions {
  // req.secure honours X-Forwarded-Proto only from the proxies `trust proxy` names.
  return { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' };
}

export function setSessionCookie(req: Request, res: Response, token: string, expiresAt: Date): void {
  res.cookie(SESSION_COOKIE, token, { ...options(req), expires: expiresAt });
}

export function clearSessionCookie(req: Request, res: Response): void {
  res.clearCookie(SESSION_COOKIE, options(req));
}
