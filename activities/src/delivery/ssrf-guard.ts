// SSRF protection for outbound deliveries: a destination that resolves to a private, loopback, link-local, cloud
// metadata or otherwise non-public address is refused unless the allowlist names it. The check runs on the address
// the socket connects to (a lookup hook), so a name that resolves differently on the second lookup gains nothing.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface DestinationPolicy {
  /** CIDR ranges (`127.0.0.0/8`, `10.1.2.0/24`, `::1/128`) deliveries may reach although they are not public. */
  readonly allow: readonly string[];
}

export const PUBLIC_ONLY: DestinationPolicy = Object.freeze({ allow: [] });

export class DestinationRefused extends Error {
  override name = 'DestinationRefused';
  readonly code = 'EDESTINATIONREFUSED';
}

/** Parses LOGSTAG_OUTBOUND_ALLOW (comma-separated CIDRs); throws on a malformed range so a typo is not silently open. */
export function destinationPolicyFromEnv(value: string | undefined): DestinationPolicy {
  const allow = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const cidr of allow) ipaddr.parseCIDR(cidr.includes('/') ? cidr : `${cidr}/${cidr.includes(':') ? 128 : 32}`);
  return Object.freeze({ allow: Object.freeze(allow) });
}

function normalized(ip: string): ipaddr.IPv4 | ipaddr.IPv6 {
  // ::ffff:10.0.0.1 is 10.0.0.1.
  return ipaddr.process(ip);
}

/** Why this address may not be reached, or null when it may. Public unicast addresses and allowlisted ranges may. */
export function refusalOf(ip: string, policy: DestinationPolicy): string | null {
  if (!ipaddr.isValid(ip)) return `${ip} is not an IP address`;
  const addr = normalized(ip);
  for (const entry of policy.allow) {
    const cidr = entry.includes('/') ? entry : `${entry}/${entry.includes(':') ? 128 : 32}`;
    const [range, bits] = ipaddr.parseCIDR(cidr);
    if (range.kind() === addr.kind() && (addr as ipaddr.IPv4).match(range as ipaddr.IPv4, bits)) return null;
  }
  const range = addr.range();
  if (range === 'unicast') {
    // Metadata services not covered by the link-local and private classes (Alibaba Cloud: 100.100.100.200 is carrier-grade NAT, caught below).
    return null;
  }
  return `${ip} is a ${range} address; add it to LOGSTAG_OUTBOUND_ALLOW to deliver there`;
}

/** A dns.lookup for http(s).request and net/tls.connect that refuses what refusalOf refuses. */
export function guardedLookup(policy: DestinationPolicy): LookupFunction {
  return ((hostname: string, options: object, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const list = addresses as LookupAddress[];
      for (const a of list) {
        const why = refusalOf(a.address, policy);
        if (why) return callback(new DestinationRefused(`${hostname}: ${why}`), []);
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/** Refuses an IP-literal host up front (no lookup happens for those). */
export function refuseLiteralHost(hostname: string, policy: DestinationPolicy): void {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(bare)) {
    const why = refusalOf(bare, policy);
    if (why) throw new DestinationRefused(why);
  }
}

/** The address to connect to for `hostname`, refused as refusalOf says (for clients that take an address, like SMTP). */
export async function resolveGuarded(hostname: string, policy: DestinationPolicy): Promise<string> {
  refuseLiteralHost(hostname, policy);
  return new Promise((resolve, reject) => {
    guardedLookup(policy)(hostname, {}, (err, address) => (err ? reject(err) : resolve(address as string)));
  });
}
