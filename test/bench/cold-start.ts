import '../../local/esm-only-packages';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kmsVault } from '../../lambdas/vault/token-vault';
import { apiEvent, buildLambdas, coldRun, localModeEnvironment, type ColdRun } from '../infra/built-lambdas';
import { startDeployedKms } from '../support/loopback-kms';
import { BenchSite } from './bench-site';
import { writeReferenceModule } from './reference';
import { percentile } from './percentile';
import { runAlone } from './run-alone';

export interface ColdStartRow {
  readonly handler: string;
  /**
   * KB a cold start loads: the handler module and the chunks it imports statically (a family row:
   * the family's chunks beyond those; a first-action row: both).
   */
  readonly bytes: number;
  /** Median time to import the handler module (a family row: to import the family's chunk once the handler is loaded). */
  readonly medianRequireMs: number;
  /** CPU time of that import, median (user + system; steadier than wall time when the machine is shared); handler and first-action rows only. */
  readonly medianRequireCpuMs?: number;
  /**
   * The first invocation after the load, median: an unauthenticated request (no network) for the
   * handler rows; the first real action (which loads the family chunk) for the first-action rows;
   * none for the scheduled function and the family rows.
   */
  readonly medianFirstCallMs?: number;
  /** Median import time over the empty handler's. */
  readonly ratio: number;
  /** Median import time over the reference module's (reference.ts), measured in the same rounds: the figure the target holds. */
  readonly vsReference: number;
}

export const EMPTY_HANDLER = '(empty handler)';
/** The fixed generated module (reference.ts) every import time is measured against. */
export const REFERENCE_MODULE = '(reference module)';

/** A route each API function serves that answers without the network (no credentials: 401; /health: 200). */
const FIRST_CALL_ROUTES: Readonly<Record<string, string>> = {
  admin: 'GET /api/admin/integrations',
  'git-action': 'POST /api/git/branches',
  lifecycle: 'POST /lifecycle/forge',
  public: 'GET /health',
  tokens: 'GET /api/me/integrations',
};
const HANDLERS = ['admin', 'git-action', 'lifecycle', 'public', 'token-expiry', 'tokens'];
/** The family folders under lambdas/hosts/ whose chunks are reported. */
const FAMILIES = ['github', 'gitlab', 'azure-devops', 'codecommit'];

interface Sample {
  readonly row: string;
  readonly bytes: number;
  run(): Promise<ColdRun>;
  /** Which time is the row's "require": the handler import, or the chunk import after it. */
  readonly timed: 'loaded' | 'chunkMs';
}

const unauthenticated = (handler: string): unknown => {
  const route = FIRST_CALL_ROUTES[handler];
  if (!route) return undefined;
  const [method = 'GET', path = '/'] = route.split(' ');
  return apiEvent(method, path);
};

/**
 * Benchmark 3: the asset exactly as the stack deploys it (lib/lambda-bundle.ts: ES modules with
 * code splitting, minified, `@smithy` bundled, source maps on and `--enable-source-maps` as the
 * functions run), each sample a fresh Node.js process:
 * - every handler: import time and an unauthenticated first call;
 * - git-action and tokens: the first real GitHub action after the load (create a branch; save a
 *   token), which loads the GitHub family's chunk, against DynamoDB Local and the simulators;
 * - each family's chunk: its KB and its import time once the handler is loaded.
 */
export const measureColdStart = async (rounds = 10): Promise<ColdStartRow[]> => {
  // The built functions decrypt through KMS as deployed: a loopback KMS (KMS cannot run here).
  const kms = await startDeployedKms();
  const [built, site] = await Promise.all([buildLambdas(), BenchSite.start({ vault: kmsVault(kms.keyArn) })]);
  try {
    const env = { ...localModeEnvironment(site.harness, site.hosts.env), ...kms.env };
    const emptyHandler = join(built.dir, 'empty-handler.mjs');
    writeFileSync(emptyHandler, 'export const handler = async () => ({ statusCode: 200 });\n');
    const referenceModule = join(built.dir, 'reference-module.mjs');
    const referenceBytes = writeReferenceModule(referenceModule);
    const github = site.world('github');
    const integrationId = await site.createIntegration(github, false);
    const user = await site.newUser(github, integrationId, false);
    const entryFiles = (handler: string): string[] => built.closure(built.outputOf(handler));
    const familyFiles = (family: string): string[] => built.closure(built.chunkOf(`lambdas/hosts/${family}/adapter.ts`));
    const union = (...lists: string[][]): Set<string> => new Set(lists.flat());
    const fileOf = built.fileOf;
    let branches = 0;

    const samples: Sample[] = [
      { row: EMPTY_HANDLER, bytes: 0, timed: 'loaded', run: () => coldRun(emptyHandler) },
      // Same flags as the handlers (--enable-source-maps), in the same rounds: the yardstick for their import times.
      { row: REFERENCE_MODULE, bytes: referenceBytes, timed: 'loaded', run: () => coldRun(referenceModule) },
      ...HANDLERS.map((handler): Sample => ({ row: handler, bytes: built.bytes(entryFiles(handler)), timed: 'loaded', run: () => coldRun(fileOf(built.outputOf(handler)), { env, event: unauthenticated(handler) }) })),
      {
        row: 'git-action: first GitHub create-branch',
        bytes: built.bytes(union(entryFiles('git-action'), familyFiles('github'))),
        timed: 'loaded',
        run: () => {
          branches += 1;
          const path = '/api/git/branches';
          const event = apiEvent('POST', path, { headers: site.forgeHeaders(user, path), body: site.branchBody(github, integrationId, `cold-${branches}-${Date.now()}`) });
          return coldRun(fileOf(built.outputOf('git-action')), { env, event });
        },
      },
      {
        row: 'tokens: first GitHub token save',
        bytes: built.bytes(union(entryFiles('tokens'), familyFiles('github'))),
        timed: 'loaded',
        run: () => {
          const path = `/api/me/tokens/${integrationId}`;
          const event = apiEvent('PUT', path, {
            route: '/api/me/tokens/{integrationId}',
            pathParameters: { integrationId },
            headers: site.forgeHeaders(user, path),
            body: github.userToken(user.login).body,
          });
          return coldRun(fileOf(built.outputOf('tokens')), { env, event });
        },
      },
      ...FAMILIES.map((family): Sample => {
        const entry = entryFiles('git-action');
        const own = familyFiles(family).filter((file) => !entry.includes(file));
        return { row: `(${family} family chunk)`, bytes: built.bytes(own), timed: 'chunkMs', run: () => coldRun(fileOf(built.outputOf('git-action')), { env, chunk: fileOf(built.chunkOf(`lambdas/hosts/${family}/adapter.ts`)) }) };
      }),
    ];

    const times = new Map<string, number[]>(samples.map((s) => [s.row, []]));
    const firstCalls = new Map<string, number[]>(samples.map((s) => [s.row, []]));
    const cpuTimes = new Map<string, number[]>(samples.map((s) => [s.row, []]));
    // Round-robin, so a burst of machine load spreads over every row instead of one.
    for (let round = 0; round < rounds; round += 1) {
      for (const sample of samples) {
        const result = await sample.run();
        assertAnswered(sample.row, result);
        const time = sample.timed === 'loaded' ? result.loaded : result.chunkMs;
        if (time !== undefined) times.get(sample.row)?.push(time);
        if (sample.timed === 'loaded' && result.firstCall !== undefined) firstCalls.get(sample.row)?.push(result.firstCall);
        if (sample.timed === 'loaded') cpuTimes.get(sample.row)?.push(result.loadedCpu);
      }
    }
    const median = (values: number[] | undefined): number | undefined => (values && values.length > 0 ? percentile(values, 50) : undefined);
    const baseline = median(times.get(EMPTY_HANDLER)) ?? 1;
    const reference = median(times.get(REFERENCE_MODULE)) ?? Number.NaN;
    return samples.map((sample) => {
      const require = median(times.get(sample.row)) ?? Number.NaN;
      const firstCall = median(firstCalls.get(sample.row));
      const cpu = median(cpuTimes.get(sample.row));
      return {
        handler: sample.row,
        bytes: sample.bytes,
        medianRequireMs: require,
        ...(cpu === undefined ? {} : { medianRequireCpuMs: cpu }),
        ...(firstCall === undefined ? {} : { medianFirstCallMs: firstCall }),
        ratio: require / baseline,
        vsReference: require / reference,
      };
    });
  } finally {
    built.remove();
    await site.stop();
    await kms.restore();
  }
};

/**
 * Issue 16's targets for the git-action function as deployed: what a GitHub action loads, and the
 * handler's import time, since issue 25 a multiple of the reference module's import in the same rounds.
 * Set at 150 ms when the import took 88 ms, about 4× the reference module (measured 3.8× wall,
 * 4.1× CPU): the same headroom is 6.5× (docs/benchmarks.md).
 */
export const COLD_START_TARGETS = { gitHubActionKb: 400, gitActionRequireVsReference: 6.5 } as const;

/** The targets missed, one line each (empty when met): for run.ts's failure list. */
export const coldStartFailures = (rows: readonly ColdStartRow[]): string[] => {
  const failures: string[] = [];
  const action = rows.find((r) => r.handler === 'git-action: first GitHub create-branch');
  const entry = rows.find((r) => r.handler === 'git-action');
  if (action && action.bytes / 1024 > COLD_START_TARGETS.gitHubActionKb) {
    failures.push(`cold start: a GitHub git action loads ${(action.bytes / 1024).toFixed(1)} KB (target ≤ ${COLD_START_TARGETS.gitHubActionKb} KB)`);
  }
  if (entry && !(entry.vsReference <= COLD_START_TARGETS.gitActionRequireVsReference)) {
    failures.push(`cold start: git-action imports in ${entry.vsReference.toFixed(2)}× the reference module (${entry.medianRequireMs.toFixed(1)} ms; target ≤ ${COLD_START_TARGETS.gitActionRequireVsReference}×)`);
  }
  return failures;
};

/** A first call must have been answered as expected: 401 unauthenticated (200 for /health), 201 for a branch, 200 for a saved token. */
const assertAnswered = (row: string, result: ColdRun): void => {
  if (!result.response) return;
  const expected = row.includes('create-branch') ? 201 : row.includes('token save') || row === 'public' ? 200 : 401;
  if (result.response.statusCode !== expected) throw new Error(`cold start ${row}: answered ${result.response.statusCode}, expected ${expected}: ${result.response.body ?? ''}`);
};

/** Standalone: `npx tsx test/bench/cold-start.ts` (starts its own DynamoDB Local). */
if (require.main === module) {
  runAlone(async () => {
    const rows = await measureColdStart(Number(process.argv[2] ?? 10));
    const lines = rows.map((r) =>
      [r.handler.padEnd(42), `${(r.bytes / 1024).toFixed(1)} KB`.padStart(10), `${r.medianRequireMs.toFixed(1)} ms`.padStart(10), r.medianRequireCpuMs === undefined ? '-' : `cpu ${r.medianRequireCpuMs.toFixed(1)} ms`, r.medianFirstCallMs === undefined ? '-' : `${r.medianFirstCallMs.toFixed(1)} ms`].join(' '),
    );
    return { tables: [lines.join('\n')], failures: coldStartFailures(rows) };
  });
}
