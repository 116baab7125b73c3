import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { AppError } from '../domain/errors';

export const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/** Resolves a host name to its addresses; injected so tests need no DNS. */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

export type AddressClass = 'public' | 'loopback' | 'forbidden';

/** Global unicast IPv6 (RFC 4291 §2.4); everything outside it that ipaddr.js calls plain `unicast` is refused. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
/** The well-known NAT64 prefix (RFC 6052); the local-use 64:ff9b:1::/48 (RFC 8215) is refused outright. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * By ipaddr.js range name: only `unicast` is public. Refused: unspecified (0.0.0.0/8), private (RFC 1918),
 * carrierGradeNat (100.64/10, where some clouds put metadata), linkLocal (169.254/16, the instance metadata
 * 169.254.169.254), multicast, broadcast, reserved (incl. 240/4, TEST-NETs, 198.18/15), as112 and amt.
 */
const classifyV4 = (ip: ipaddr.IPv4): AddressClass => {
  const range = ip.range();
  if (range === 'loopback') return 'loopback';
  return range === 'unicast' ? 'public' : 'forbidden';
};

const embeddedV4 = (ip: ipaddr.IPv6): ipaddr.IPv4 => {
  const bytes = ip.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
};

/**
 * IPv4-mapped (::ffff:a.b.c.d) is its IPv4 address. NAT64 (64:ff9b::/96) reaches the IPv4 address in its
 * last 32 bits, so it is public only when that address is. Everything else but global unicast is refused:
 * unspecified, loopback outside local mode, linkLocal, uniqueLocal (fc00::/7, incl. the EC2 metadata
 * fd00:ec2::254), multicast, the deprecated IPv4-compatible ::a.b.c.d (e.g. ::7f00:1), rfc6145, 6to4 and
 * Teredo (their embedded IPv4 is not worth trusting a relay for; no git host lives there), discard,
 * reserved, benchmarking, ORCHID and the rest of ipaddr.js's special ranges.
 */
const classifyV6 = (ip: ipaddr.IPv6): AddressClass => {
  const range = ip.range();
  if (range === 'loopback') return 'loopback';
  if (range === 'ipv4Mapped') return classifyV4(ip.toIPv4Address());
  if (range === 'rfc6052') return ip.match(NAT64_WELL_KNOWN) && classifyV4(embeddedV4(ip)) === 'public' ? 'public' : 'forbidden';
  return range === 'unicast' && ip.match(GLOBAL_UNICAST_V6) ? 'public' : 'forbidden';
};

/**
 * What an address is, as a connection would reach it. Accepts every spelling ipaddr.js parses (dotted,
 * `127.1`, `0x7f000001`, `2130706433`, bracketed or zoned IPv6); anything it cannot parse is forbidden.
 */
export const classifyAddress = (address: string): AddressClass => {
  const text = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(text)) return 'forbidden';
  const ip = ipaddr.parse(text);
  return ip.kind() === 'ipv4' ? classifyV4(ip as ipaddr.IPv4) : classifyV6(ip as ipaddr.IPv6);
};

/** True when a connection may go to this address: public, or loopback where loopback is allowed (local mode). */
export const isAllowedAddress = (address: string, allowLoopback: boolean): boolean => {
  const kind = classifyAddress(address);
  return kind === 'public' || (kind === 'loopback' && allowLoopback);
};

/** An address literal as a URL host (`[::1]`, `127.0.0.1`); undefined for a host name. */
export const addressLiteral = (hostname: string): string | undefined => {
  const text = hostname.replace(/^\[|\]$/g, '');
  return ipaddr.isValid(text) ? text : undefined;
};

export interface BaseUrlOptions {
  /** Also http and loopback URLs (simulators). */
  readonly allowLoopback: boolean;
  readonly resolve: HostResolver;
}

const refuse = (field: string, message: string): AppError =>
  new AppError('VALIDATION_FAILED', `The ${field} is not allowed: ${message}.`, { errors: [{ field, message }] });

/**
 * A host URL we will send credentials to must be https and public: no userinfo, no private,
 * link-local, metadata or loopback address, checked after DNS resolution. `allowLoopback`
 * (simulators) also allows http and loopback (never private ranges). Returns the URL without
 * trailing slashes. This is the check at save time; every connection is checked again when it is
 * made (see outbound-connections.ts), so a name that resolves differently later cannot reach inside.
 */
export const checkBaseUrl = async (raw: string, options: BaseUrlOptions, field = 'baseUrl'): Promise<string> => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refuse(field, 'not a URL');
  }
  if (url.protocol !== 'https:' && !(options.allowLoopback && url.protocol === 'http:')) throw refuse(field, 'only https URLs are accepted');
  if (url.username || url.password) throw refuse(field, 'credentials in the URL are not accepted');
  if (url.search || url.hash) throw refuse(field, 'a query or fragment is not accepted');
  const literal = addressLiteral(url.hostname);
  const addresses = literal ? [literal] : await options.resolve(url.hostname).catch(() => {
    throw refuse(field, 'the host name does not resolve');
  });
  if (addresses.length === 0) throw refuse(field, 'the host name does not resolve');
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'forbidden') throw refuse(field, 'it points to a private, link-local or metadata address');
    if (kind === 'loopback' && !options.allowLoopback) throw refuse(field, 'it points to a loopback address');
  }
  return `${url.origin}${withoutTrailingSlash(url.pathname)}`;
};
