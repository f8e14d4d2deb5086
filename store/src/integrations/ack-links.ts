// Signed, short-lived acknowledge links carried by notifications: whoever holds the link may acknowledge that one alert
// episode until it expires, from wherever the page arrived (Slack, Teams, e-mail, a webhook consumer).
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface AckClaim {
  organizationId: string;
  episodeId: string;
}

export type AckVerdict = ({ ok: true } & AckClaim & { expiresAt: Date }) | { ok: false; reason: 'invalid' | 'expired' };

export interface AckLinks {
  /** `<payload>.<signature>`, both base64url; expires `ttlMs` after `now`. */
  sign(claim: AckClaim, now: Date): string;
  verify(token: string, now: Date): AckVerdict;
}

/** 12 hours: long enough for a night's page, short enough that an old message in a channel cannot acknowledge. */
export const ACK_LINK_TTL_MS = 12 * 60 * 60_000;

/** Signs with a key derived from the installation's secret key (LOGSTAG_SECRET_KEY), never the key itself. */
export function createAckLinks(secretKey: Buffer, ttlMs = ACK_LINK_TTL_MS): AckLinks {
  const key = createHmac('sha256', secretKey).update('logstag/ack-links/v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    sign(claim, now) {
      const payload = Buffer.from(JSON.stringify({ o: claim.organizationId, e: claim.episodeId, x: Math.floor((now.getTime() + ttlMs) / 1000) })).toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    verify(token, now) {
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined || token.length > 2048) return { ok: false, reason: 'invalid' };
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
      let claim: { o?: unknown; e?: unknown; x?: unknown };
      try {
        claim = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claim;
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      if (typeof claim.o !== 'string' || typeof claim.e !== 'string' || typeof claim.x !== 'number') return { ok: false, reason: 'invalid' };
      if (claim.x * 1000 <= now.getTime()) return { ok: false, reason: 'expired' };
      return { ok: true, organizationId: claim.o, episodeId: claim.e, expiresAt: new Date(claim.x * 1000) };
    },
  };
}
