/**
 * The address ranges Atlassian's Forge platform calls remotes from (its egress NAT ranges), the
 * allow-list of the WAF in front of `/api/*` and `/lifecycle/forge` (lib/front.ts).
 *
 * Source: Atlassian, "IP addresses and domains for Atlassian cloud products", outgoing connections
 * (https://support.atlassian.com/organization-administration/docs/ip-addresses-and-domains-for-atlassian-cloud-products/),
 * whose machine-readable list is https://ip-ranges.atlassian.com/ (items with product "forge" and
 * direction "egress"). Read on 2026-12-07 from the copy of that feed in
 * github.com/rezmoss/cloud-provider-ip-addresses (atlassian/atlassian_ips.json, commit 04459db),
 * which drops the direction field: kept here are the product-"forge" /28 (IPv4) and /64 (IPv6)
 * regional ranges, the egress NATs of Atlassian's "outgoing connections" table; the wider /21,
 * /22, /24 and /48 blocks are Atlassian's edge (ingress) ranges and are left out.
 * Atlassian asks users of the list not to filter by region and warns that ranges are added over
 * time (jira.atlassian.com/browse/ACCESS-1771): re-read the feed before each release
 * (docs/deploying.md, "Refreshing the Forge ranges").
 *
 * Verified on 2026-12-07 against that copy (atlassian/atlassian_ips.json at commit 04459db): these
 * are exactly its 19 IPv4 /28 and 56 IPv6 /64 entries whose services include `forge`; the
 * `rovo-crawler` /28s beside them are left out. Not verifiable here: the direction of each range
 * (the copy drops it) and the primary feed itself (no network), so the first deploy should watch the
 * `patgate-not-forge` WAF metric for refused Forge calls. test/infra/forge-egress-ranges.test.ts
 * checks the lists' shape.
 */
export const FORGE_EGRESS_RANGES_READ_ON = '2026-12-07';

export const FORGE_EGRESS_IPV4: readonly string[] = [
  '13.52.5.96/28',
  '13.200.41.224/28',
  '13.236.8.224/28',
  '16.63.53.224/28',
  '18.136.214.96/28',
  '18.184.99.224/28',
  '18.234.32.224/28',
  '18.246.31.224/28',
  '43.202.69.96/28',
  '52.215.192.224/28',
  '104.192.136.240/28',
  '104.192.137.240/28',
  '104.192.140.240/28',
  '104.192.142.240/28',
  '104.192.143.240/28',
  '185.166.140.112/28',
  '185.166.141.112/28',
  '185.166.142.240/28',
  '185.166.143.240/28',
];

export const FORGE_EGRESS_IPV6: readonly string[] = [
  '2401:1d80:3200::/64',
  '2401:1d80:3200:2::/64',
  '2401:1d80:3200:5::/64',
  '2401:1d80:3204:3::/64',
  '2401:1d80:3204:4::/64',
  '2401:1d80:3204:5::/64',
  '2401:1d80:3208:3::/64',
  '2401:1d80:3208:4::/64',
  '2401:1d80:3208:5::/64',
  '2401:1d80:320c::/64',
  '2401:1d80:320c:1::/64',
  '2401:1d80:320c:2::/64',
  '2401:1d80:3210:3::/64',
  '2401:1d80:3210:4::/64',
  '2401:1d80:3210:5::/64',
  '2401:1d80:3214:3::/64',
  '2401:1d80:3214:4::/64',
  '2401:1d80:3214:5::/64',
  '2401:1d80:3218::/64',
  '2401:1d80:3218:2::/64',
  '2401:1d80:3218:5::/64',
  '2401:1d80:321c:3::/64',
  '2401:1d80:321c:4::/64',
  '2401:1d80:321c:5::/64',
  '2401:1d80:3224:3::/64',
  '2401:1d80:3224:4::/64',
  '2401:1d80:3224:5::/64',
  '2401:1d80:3228::/64',
  '2401:1d80:3228:1::/64',
  '2401:1d80:3228:4::/64',
  '2401:1d80:322c::/64',
  '2401:1d80:322c:1::/64',
  '2401:1d80:322c:4::/64',
  '2401:1d80:3230::/64',
  '2401:1d80:3230:2::/64',
  '2401:1d80:3230:4::/64',
  '2406:da18:809:e04::/64',
  '2406:da18:809:e05::/64',
  '2406:da18:809:e06::/64',
  '2406:da1c:1e0:a204::/64',
  '2406:da1c:1e0:a205::/64',
  '2406:da1c:1e0:a206::/64',
  '2600:1f14:824:304::/64',
  '2600:1f14:824:305::/64',
  '2600:1f14:824:306::/64',
  '2600:1f18:2146:e304::/64',
  '2600:1f18:2146:e305::/64',
  '2600:1f18:2146:e306::/64',
  '2600:1f1c:cc5:2304::/64',
  '2600:1f1c:cc5:2305::/64',
  '2a05:d014:f99:dd04::/64',
  '2a05:d014:f99:dd05::/64',
  '2a05:d014:f99:dd06::/64',
  '2a05:d018:34d:5804::/64',
  '2a05:d018:34d:5805::/64',
  '2a05:d018:34d:5806::/64',
];
