import { isIPv4, isIPv6 } from 'node:net';
import { FORGE_EGRESS_IPV4, FORGE_EGRESS_IPV6, FORGE_EGRESS_RANGES_READ_ON } from '../../lib/forge-egress-ranges';

/**
 * The allow-list's data (lib/forge-egress-ranges.ts): what WAF's IP sets accept, and what the file
 * says it is. The values themselves were compared with Atlassian's feed by hand (see the file).
 */
describe('Forge egress ranges', () => {
  const parse = (cidr: string): { address: string; prefix: number } => {
    const [address = '', prefix = ''] = cidr.split('/');
    return { address, prefix: Number(prefix) };
  };

  it('are CIDR blocks of the feed\'s egress sizes: IPv4 /28, IPv6 /64, each once', () => {
    expect(FORGE_EGRESS_IPV4).toHaveLength(19);
    expect(FORGE_EGRESS_IPV6).toHaveLength(56);
    for (const cidr of FORGE_EGRESS_IPV4) expect([cidr, isIPv4(parse(cidr).address), parse(cidr).prefix]).toEqual([cidr, true, 28]);
    for (const cidr of FORGE_EGRESS_IPV6) expect([cidr, isIPv6(parse(cidr).address), parse(cidr).prefix]).toEqual([cidr, true, 64]);
    expect(new Set(FORGE_EGRESS_IPV4).size).toBe(FORGE_EGRESS_IPV4.length);
    expect(new Set(FORGE_EGRESS_IPV6).size).toBe(FORGE_EGRESS_IPV6.length);
  });

  it('name network addresses (WAF refuses a block with host bits set)', () => {
    for (const cidr of FORGE_EGRESS_IPV4) {
      const last = Number(parse(cidr).address.split('.')[3]);
      expect([cidr, last % 16]).toEqual([cidr, 0]);
    }
    // A /64 is the first four groups: the rest of the address is empty (`::`).
    for (const cidr of FORGE_EGRESS_IPV6) expect(parse(cidr).address).toMatch(/::$/);
  });

  it('carry the date they were read, which docs/deploying.md asks to refresh before each release', () => {
    expect(FORGE_EGRESS_RANGES_READ_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
