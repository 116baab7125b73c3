import type { ThroughputRow } from './api-throughput';
import type { ColdStartRow } from './cold-start';
import type { ExpiryScalingRow } from './expiry-scaling';
import { formatTable } from './format-table';
import type { OverheadResult } from './overhead-ratio';
import { GIT_ACTIONS, HOST_CALL_FLOOR, HOST_FAMILIES, type HostFamily } from './round-trip-floor';
import type { RoundTripRow } from './round-trips';

const ms = (value: number): string => value.toFixed(1);
const ratio = (value: number): string => `${value.toFixed(2)}×`;
const size = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

const decryptsOf = (row: RoundTripRow): string => {
  const parts = Object.entries(row.decrypts).filter(([, n]) => n > 0).map(([purpose, n]) => `${n} ${purpose}`);
  return parts.length ? parts.join(' + ') : '0';
};

/** `2: getRef, createRef`; repeated calls grouped: `1010: ListPullRequests ×10, GetPullRequest ×999, CreatePullRequest`. */
const hostCallsOf = (row: RoundTripRow): string => {
  if (!row.hostCalls.length) return '0';
  const counts = new Map<string, number>();
  for (const call of row.hostCalls) counts.set(call, (counts.get(call) ?? 0) + 1);
  return `${row.hostCalls.length}: ${[...counts].map(([call, n]) => (n > 1 ? `${call} ×${n}` : call)).join(', ')}`;
};

const floorOf = (row: RoundTripRow): string => `${row.floor.reads} / ${row.floor.decrypts} / ${row.floor.kmsCalls} / ${row.floor.hostCalls} / ${row.floor.writes} / ${row.floor.newConnections}`;

const FAMILY_NAMES: Record<HostFamily, string> = {
  github: 'GitHub, GitHub Enterprise',
  gitlab: 'GitLab, GitLab self-managed',
  azure: 'Azure DevOps, VSTS, TFS',
  codecommit: 'CodeCommit',
};

/** The five printed tables (Markdown, ready for the README). */
export const reportTables = {
  roundTrips: (rows: readonly RoundTripRow[]): string =>
    formatTable(
      '1. Round trips per git action: the git-action function in a container of its own (own dependencies and caches, nothing warmed by the admin, tokens or lifecycle functions); per kind and policy, the first action after a cold container (reported, not held), then warm actions warmed only by its own earlier ones',
      ['kind', 'workload', 'policy', 'action', 'status', 'as', 'DynamoDB reads', 'DynamoDB writes', 'decrypts', 'KMS calls', 'host calls', 'new TCP connections', 'Azure OPTIONS', 'Jira', 'floor r/d/k/h/w/c', 'within floor'],
      rows.map((r) => [
        r.kind,
        r.workload || '-',
        r.policy,
        r.action,
        r.status,
        r.outcome,
        [...Array<string>(r.authReads).fill('GetItem tenant'), ...r.reads].join(' + ') || '0',
        r.writes.join(' + ') || '0',
        decryptsOf(r),
        r.kmsCalls,
        hostCallsOf(r),
        r.newConnections,
        r.negotiation,
        r.jiraCalls,
        floorOf(r),
        r.violations.length ? 'NO' : r.cold ? 'not held (reported apart)' : 'yes',
      ]),
    ),

  /** The floor itself: host calls per action by family, a constant whatever the workload. */
  floor: (): string =>
    formatTable(
      '1a. Floor: host calls per warm action (plus 1 BatchGetItem (tenant, integration, override, token), 1 decrypt, 0 KMS calls, 1 audit TransactWriteItems with the tenant ConditionCheck, 0 new TCP connections, 0 Azure OPTIONS; CodeCommit create-pull-request also at most 1 Query and 1 TransactWriteItems of its recorded pull requests); it does not grow with the workload',
      ['host family', ...GIT_ACTIONS],
      HOST_FAMILIES.map((family) => [FAMILY_NAMES[family], ...GIT_ACTIONS.map((action) => HOST_CALL_FLOOR[family][action])]),
    ),

  overhead: (r: OverheadResult): string =>
    formatTable(
      `2. Overhead: create branch through the API vs the same work done direct (GitHub simulator +${r.hostLatencyMs} ms per call, ${r.iterations} iterations each after ${r.warmup} warm-up, alternating)`,
      ['path', 'p50 ms', 'p99 ms'],
      [
        ['reference workload (reference.ts), one unit per iteration, median', ms(r.referenceMs), '-'],
        ['API: POST /api/git/branches', ms(r.api.p50Ms), ms(r.api.p99Ms)],
        ['direct, same work: JWT verify, BatchGetItem, decrypt, getRef + createRef on the same keep-alive agent, audit write with the tenant check', ms(r.direct.p50Ms), ms(r.direct.p99Ms)],
        ['ms added by the API (API − direct, paired per iteration)', ms(r.added.p50Ms), ms(r.added.p99Ms)],
        ['ratio API / direct', ratio(r.p50Ratio), ratio(r.p99Ratio)],
        ['ms added / reference workload', ratio(r.addedVsReference.p50), ratio(r.addedVsReference.p99)],
      ],
    ),

  coldStart: (rows: readonly ColdStartRow[]): string =>
    formatTable(
      '3. Cold start: the Lambda asset as deployed (lib/lambda-bundle.ts: ES modules with code splitting, minified, node22, source maps on, @smithy bundled, @aws-sdk from the runtime via require); import time in a fresh process with --enable-source-maps, and the first call (a real GitHub action loads its family chunk), median of 10',
      ['handler', 'KB loaded', 'import ms', 'import CPU ms', 'vs empty handler', 'vs reference module', 'first call ms'],
      rows.map((r) => [
        r.handler,
        size(r.bytes),
        ms(r.medianRequireMs),
        r.medianRequireCpuMs === undefined ? '-' : ms(r.medianRequireCpuMs),
        ratio(r.ratio),
        ratio(r.vsReference),
        r.medianFirstCallMs === undefined ? '-' : ms(r.medianFirstCallMs),
      ]),
    ),

  throughput: (rows: readonly ThroughputRow[]): string =>
    formatTable(
      '4. Local API throughput (autocannon in a child process, GitHub simulator, a user and PAT per connection)',
      ['route', 'connections', 'seconds', 'requests/s', 'p50 ms', 'p99 ms', 'answered', '2xx', 'non-2xx', 'errors', 'timeouts', 'sent', 'branches created on host'],
      rows.map((r) => [r.route, r.connections, r.durationSeconds, r.requestsPerSecond.toFixed(1), r.p50Ms, r.p99Ms, r.total, r.ok2xx, r.non2xx, r.errors, r.timeouts, r.sent, r.hostBranchesCreated ?? '-']),
    ),

  expiry: (rows: readonly ExpiryScalingRow[]): string =>
    formatTable(
      `5. Token-expiry checker: one run per table size, the window held at ${rows[0]?.inWindow ?? 0} tokens while the table grows; sizes run: ${rows.map((r) => r.totalTokens.toLocaleString('en-US')).join(', ')}${
        rows.some((r) => r.totalTokens >= 1_000_000) ? '' : ' (1,000,000 only with `npm run bench -- --scale`: seeding it on DynamoDB Local takes minutes)'
      }; items read must equal the window`,
      ['tokens', 'in window', 'items read', 'read / in window', 'read / tokens', 'Queries', 'Scans', 'writes', 'events', 'run ms', 'seeded before run', 'seed ms'],
      rows.map((r) => [
        r.totalTokens,
        r.inWindow,
        r.itemsRead,
        ratio(r.itemsRead / r.inWindow),
        `${((100 * r.itemsRead) / r.totalTokens).toFixed(2)} %`,
        r.queries,
        r.scans,
        r.writes,
        r.events,
        Math.round(r.runMs),
        r.seededItems,
        Math.round(r.seedMs),
      ]),
    ),
};
