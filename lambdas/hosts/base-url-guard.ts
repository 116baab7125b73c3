import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '../domain/errors';

/** Resolves a host name to its addresses; injected so tests need no DNS. */
export type HostResolver = (hostname: string) => Promise<readonly string[]>;

export const systemResolver: HostResolver = async (hostname) => (await lookup(hostname, { all: true })).map((a) => a.address);

const ipv4ToInt = (ip: string): number => ip.split('.').reduce((acc, part) => (acc << 8) + Number(part), 0) >>> 0;
const inV4 = (ip: string, cidr: string): boolean => {
  const [base = '', bits = '32'] = cidr.split('/');
  const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(base) & mask);
};

const LOOPBACK_V4 = ['127.0.0.0/8'];
// Private, shared, link-local (incl. the instance metadata 169.254.169.254), "this network", benchmarking, multicast, reserved.
const FORBIDDEN_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4'];

export type AddressClass = 'public' | 'loopback' | 'forbidden';

export const classifyAddress = (address: string): AddressClass => {
  const ip = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip)?.[1];
  if (mapped) return classifyAddress(mapped);
  if (isIP(ip) === 4) {
    if (LOOPBACK_V4.some((c) => inV4(ip, c))) return 'loopback';
    return FORBIDDEN_V4.some((c) => inV4(ip, c)) ? 'forbidden' : 'public';
  }
  if (ip === '::1') return 'loopback';
  // Unspecified, unique-local fc00::/7 (incl. the EC2 metadata fd00:ec2::254), link-local fe80::/10, multicast.
  if (ip === '::' || /^f[cd]/.test(ip) || /^fe[89ab]/.test(ip) || /^ff/.test(ip)) return 'forbidden';
  return 'public';
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
 * (simulators) also allows http and loopback. Returns the URL without trailing slashes.
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
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await options.resolve(host).catch(() => {
    throw refuse(field, 'the host name does not resolve');
  });
  if (addresses.length === 0) throw refuse(field, 'the host name does not resolve');
  for (const address of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'forbidden') throw refuse(field, 'it points to a private, link-local or metadata address');
    if (kind === 'loopback' && !options.allowLoopback) throw refuse(field, 'it points to a loopback address');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
};
