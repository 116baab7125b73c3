import '../../local/esm-only-packages';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { measureRequestCounts } from './action-counts';
import { apiCostFailures, apiCostTable, measureApiCost } from './api-cost';
import { measureApiThroughput, type ThroughputRow } from './api-throughput';
import { auditPageFailures, auditPageTable, measureAuditPage } from './audit-page';
import { measureColdStart } from './cold-start';
import { costOf, costTables, monthlyCost } from './cost-model';
import { deletionFailures, deletionTable, integrationDeletionFailures, integrationDeletionTable, measureDeletion, measureIntegrationDeletion } from './deletion';
import { EXPIRY_DEFAULT_SIZES, EXPIRY_SCALE_SIZES, expiryFailures, measureExpiryScaling } from './expiry-scaling';
import { lifecycleEventFailures, lifecycleEventTable, measureLifecycleEvents } from './lifecycle-event';
import { listRouteCpuFailures, listRouteCpuTable, measureListRouteCpu } from './list-route-cpu';
import { measureOverheadRatio } from './overhead-ratio';
import { measurePageBundles } from './page-bundles';
import { measurePageInteractive } from './page-interactive';
import { measureIssueDevelopmentCalls } from './issue-development-calls';
import { measurePanelCalls } from './panel-calls';
import { reportTables } from './report-tables';
import { measureReverifyThroughput, reverifyThroughputFailures, reverifyThroughputTable } from './reverify-throughput';
import { measureRoundTrips } from './round-trips';
import { targetFailures, targetRows, targetsTable } from './targets';

// The SDK's Node 20 notice is a plain `Warning`, which the npm script's --disable-warning flag cannot name.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const ROOT = join(__dirname, '..', '..');

const progress = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

const seconds: Record<string, number> = {};

/** Runs one benchmark, saying so on stderr, and keeps its wall time. */
const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  progress(name);
  const started = performance.now();
  const result = await work();
  seconds[name] = Math.round((performance.now() - started) / 1000);
  progress(`${name}: ${seconds[name]} s`);
  return result;
};

const throughputWarnings = (rows: readonly ThroughputRow[]): string[] =>
  rows.filter((r) => r.non2xx + r.errors + r.timeouts > 0).map((r) => `${r.route}: ${r.non2xx} non-2xx ${JSON.stringify(r.statusCodes)}, ${r.errors} errors, ${r.timeouts} timeouts`);

/** Everything the bench prints on stdout (its tables), for docs/benchmarks.md. */
const printed: string[] = [];
const stdoutWrite = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  return stdoutWrite(chunk, ...rest);
}) as typeof process.stdout.write;

/** Replaces the generated part of docs/benchmarks.md (between its markers) with this run's tables. */
const writeBenchmarksDoc = (): void => {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  const [start, end] = ['<!-- bench:start -->', '<!-- bench:end -->'];
  const doc = readFileSync(file, 'utf8');
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from < 0 || to < from) throw new Error(`docs/benchmarks.md has no ${start} … ${end} section`);
  writeFileSync(file, `${doc.slice(0, from + start.length)}\n\n${printed.join('').trim()}\n\n${doc.slice(to)}`);
};

/** `npm run bench`: the benchmarks, printed as tables, kept in bench/results.json and written into docs/benchmarks.md. */
const main = async (): Promise<void> => {
  const started = performance.now();
  const environment = { node: process.version, platform: `${process.platform} ${process.arch}`, cpus: cpus().length, loadAverage1m: loadavg()[0] };
  console.log(`patgate benchmarks: Node.js ${environment.node}, ${environment.platform}, ${environment.cpus} CPUs, load average ${environment.loadAverage1m?.toFixed(1)}\n`);
  const dynamo = await phase('starting DynamoDB Local', () => startDynamoDbLocal({ timeoutMs: 120_000 }));
  process.env.PATGATE_TEST_DYNAMODB_ENDPOINT = dynamo.endpoint;
  try {
    const roundTrips = await phase('1/9 round trips per git action', () => measureRoundTrips(dynamo.endpoint));
    console.log(reportTables.floor());
    console.log(reportTables.roundTrips(roundTrips));
    const overhead = await phase('2/9 overhead ratio', () => measureOverheadRatio(dynamo.endpoint));
    console.log(reportTables.overhead(overhead));
    const coldStart = await phase('3/9 cold start', () => measureColdStart());
    console.log(reportTables.coldStart(coldStart));
    const throughput = await phase('4/9 API throughput (2 × 10 s)', () => measureApiThroughput());
    console.log(reportTables.throughput(throughput));
    const cost = await phase('4b/9 cost per request (the API alone in its own process)', () => measureApiCost());
    console.log(apiCostTable(cost));
    const counts = await phase('4c/9 what AWS bills per request (consumed capacity, KMS, queue, events, log bytes)', () => measureRequestCounts(dynamo.endpoint));
    const [actionCost, viewCost] = counts.map((c) => costOf(c, cost));
    const month = actionCost && viewCost ? monthlyCost(actionCost, viewCost) : undefined;
    if (month && actionCost && viewCost) console.log(costTables([actionCost, viewCost], month));
    const expirySizes = process.argv.includes('--scale') ? EXPIRY_SCALE_SIZES : EXPIRY_DEFAULT_SIZES;
    const expiry = await phase(`5/9 expiry checker scaling (${expirySizes.join(', ')} tokens)`, () => measureExpiryScaling(dynamo.endpoint, expirySizes));
    console.log(reportTables.expiry(expiry));
    const listCpu = await phase('6/9 list route CPU (200 integrations × 20 overrides)', () => measureListRouteCpu());
    console.log(listRouteCpuTable(listCpu));
    const reverify = await phase('7/9 re-verify throughput (200 ms host latency)', () => measureReverifyThroughput(dynamo.endpoint));
    console.log(reverifyThroughputTable(reverify));
    const audit = await phase('8/9 filtered audit page (5,000 entries)', () => measureAuditPage(dynamo.endpoint));
    console.log(auditPageTable(audit));
    const uninstall = await phase('9/9 uninstall (1k and 20k audit items) and integration delete (10k token holders)', () => measureDeletion(dynamo.endpoint));
    console.log(deletionTable(uninstall));
    const integrationDelete = await measureIntegrationDeletion(dynamo.endpoint);
    console.log(integrationDeletionTable(integrationDelete));
    const lifecycleEvents = await phase('lifecycle events within Forge\'s 5 s (issue 20)', () => measureLifecycleEvents(dynamo.endpoint));
    console.log(lifecycleEventTable(lifecycleEvents));
    const issueDevelopment = await phase('host requests behind an issue\'s branches and pull requests (issue 22)', () => measureIssueDevelopmentCalls(dynamo.endpoint));
    console.log(issueDevelopment.table);
    const targets = targetRows({ roundTrips, overhead, coldStart, listCpu, audit, reverify, uninstall, integrationDelete });
    // The Jira app's pages: bundle sizes (built here), then the panel's API calls on open in real Chromium.
    const pages = await phase('page bundles', () => measurePageBundles());
    console.log(pages.table);
    const panel = await phase('issue panel API calls on open (Chromium)', () => measurePanelCalls());
    console.log(panel.table);
    const interactive = await phase('pages interactive at 4× CPU slowdown (Chromium, 10 cold opens each)', () => measurePageInteractive());
    console.log(interactive.table);
    console.log(targetsTable(targets));

    const failures = [
      ...roundTrips.flatMap((r) => r.violations),
      ...expiryFailures(expiry),
      ...listRouteCpuFailures(listCpu),
      ...reverifyThroughputFailures(reverify),
      ...apiCostFailures(cost),
      ...auditPageFailures(audit),
      ...deletionFailures(uninstall),
      ...integrationDeletionFailures(integrationDelete),
      ...lifecycleEventFailures(lifecycleEvents),
      ...targetFailures(targets),
      ...pages.violations,
      ...panel.violations,
      ...issueDevelopment.violations,
      ...interactive.violations,
    ];
    const unmeasured = targets.filter((t) => t.verdict === 'not measured').map((t) => `target not measured by this run: ${t.what}`);
    const warnings = [...throughputWarnings(throughput), ...unmeasured];
    const totalSeconds = (performance.now() - started) / 1000;
    mkdirSync(join(ROOT, 'bench'), { recursive: true });
    const results = { generatedAt: new Date().toISOString(), environment, totalSeconds, seconds, failures, warnings, targets, roundTrips, overhead, coldStart, throughput, cost, counts, awsCost: { actionCost, viewCost, month }, expiry, listCpu, reverify, audit, uninstall, integrationDelete, lifecycleEvents, pages: pages.sizes, pageCompositions: pages.compositions, panelCallsOnOpen: panel.rows, issueDevelopmentHostCalls: issueDevelopment.rows, pagesInteractive: interactive.rows };
    writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
    console.log(`Finished in ${totalSeconds.toFixed(0)} s on ${results.generatedAt}; results in bench/results.json.`);
    writeBenchmarksDoc();
    for (const warning of warnings) console.warn(`WARNING ${warning}`);
    if (failures.length > 0) {
      console.error(`\nBENCH FAILED: ${failures.length} target(s) or floor(s) not met`);
      for (const failure of failures) console.error(`TARGET NOT MET: ${failure}`);
      process.exitCode = 1;
    }
  } finally {
    await dynamo.stop();
  }
};

main().catch((error: unknown) => {
  console.error('bench failed:', error);
  process.exitCode = 1;
});
