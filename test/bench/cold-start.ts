import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { bundlingOptions } from '../../lib/functions';
import { percentile } from './percentile';

export interface ColdStartRow {
  readonly handler: string;
  readonly bytes: number;
  readonly medianRequireMs: number;
  /** The first invocation after the load (an unauthenticated request: no network), median; none for the scheduled function. */
  readonly medianFirstCallMs?: number;
  /** Median require time over the empty handler's. */
  readonly ratio: number;
}

const ROOT = join(__dirname, '..', '..');
const HANDLERS_DIR = join(ROOT, 'lambdas', 'handlers');
export const EMPTY_HANDLER = '(empty handler)';

// What the Lambda runtime does on a cold start: load the handler module, then hand it the first event
// (timed inside a fresh process). The event is an API Gateway HTTP API request that needs no network:
// `GET /health`, or a route of the function without credentials (401 before any I/O).
const REQUIRE_TIMER = [
  "const { performance } = require('node:perf_hooks');",
  'const t = performance.now(); const mod = require(process.argv[1]); const loaded = performance.now() - t;',
  'const route = process.argv[2];',
  "if (!route) process.stdout.write(JSON.stringify({ loaded })); else {",
  "const [method, path] = route.split(' ');",
  "const event = { version: '2.0', routeKey: route, rawPath: path, rawQueryString: '', headers: {}, isBase64Encoded: false,",
  "  requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, requestId: 'bench', routeKey: route, stage: '$default', timeEpoch: Date.now() } };",
  'const c = performance.now();',
  "Promise.resolve(mod.handler(event, { getRemainingTimeInMillis: () => 10000 })).then(() => process.stdout.write(JSON.stringify({ loaded, firstCall: performance.now() - c }))); }",
].join('\n');

/** A route each API function serves that answers without the network (no credentials: 401). */
const FIRST_CALL_ROUTES: Readonly<Record<string, string>> = {
  admin: 'GET /api/admin/integrations',
  'git-action': 'POST /api/git/branches',
  lifecycle: 'POST /lifecycle/installed',
  public: 'GET /health',
  tokens: 'GET /api/me/integrations',
};

const run = promisify(execFile);

/**
 * Bundled exactly as the stack's NodejsFunctions are (lib/functions.ts `bundlingOptions`): the SDK
 * (`@aws-sdk/*`) is left to the runtime, `@smithy/*` and everything else is in the bundle, minified,
 * with a linked source map. The bundle size is the .js file's.
 */
const bundle = async (entryPoints: Record<string, string>, outdir: string): Promise<void> => {
  await build({
    entryPoints,
    outdir,
    bundle: true,
    minify: bundlingOptions.minify ?? false,
    sourcemap: bundlingOptions.sourceMap ? 'linked' : false,
    sourcesContent: bundlingOptions.sourcesContent ?? true,
    platform: 'node',
    target: bundlingOptions.target ?? 'node22',
    format: 'cjs',
    external: [...(bundlingOptions.externalModules ?? [])],
    logLevel: 'silent',
  });
};

/** NodejsFunction sets NODE_OPTIONS=--enable-source-maps when source maps are on; the load pays for it. */
const NODE_FLAGS = bundlingOptions.sourceMap ? ['--enable-source-maps'] : [];

interface LoadTimes {
  readonly loaded: number;
  readonly firstCall?: number;
}

const requireOnce = async (file: string, route: string | undefined): Promise<LoadTimes> => {
  // NODE_PATH stands in for the runtime's own node_modules, where the SDK is found. A local key keeps
  // the vault off KMS; nothing in the first call reaches it.
  const env = { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), PATGATE_LOCAL_KEY: Buffer.alloc(32, 7).toString('base64'), POWERTOOLS_LOG_LEVEL: 'ERROR' };
  const { stdout } = await run(process.execPath, [...NODE_FLAGS, '-e', REQUIRE_TIMER, file, ...(route ? [route] : [])], { env, timeout: 30_000 });
  const times = JSON.parse(stdout.slice(stdout.lastIndexOf('{"loaded"'))) as LoadTimes;
  if (!Number.isFinite(times.loaded)) throw new Error(`could not time require of ${file}: ${stdout}`);
  return times;
};

/** Benchmark 3: bundle size and time to load each Lambda handler, relative to an empty handler. */
export const measureColdStart = async (rounds = 10): Promise<ColdStartRow[]> => {
  const work = mkdtempSync(join(tmpdir(), 'patgate-bench-'));
  try {
    const empty = join(work, 'empty-handler.js');
    writeFileSync(empty, 'exports.handler = async () => ({ statusCode: 200 });\n');
    const entries = [
      { handler: EMPTY_HANDLER, out: 'empty', path: empty },
      ...readdirSync(HANDLERS_DIR)
        .filter((f) => f.endsWith('.ts'))
        .map((f) => ({ handler: basename(f, '.ts'), out: basename(f, '.ts'), path: join(HANDLERS_DIR, f) })),
    ];
    const outdir = join(work, 'out');
    await bundle(Object.fromEntries(entries.map((e) => [e.out, e.path])), outdir);
    const files = entries.map((e) => ({ handler: e.handler, file: join(outdir, `${e.out}.js`) }));
    const samples = new Map<string, number[]>(files.map((f) => [f.handler, []]));
    const firstCalls = new Map<string, number[]>(files.map((f) => [f.handler, []]));
    // Round-robin, so a burst of machine load spreads over every handler instead of one.
    for (let round = 0; round < rounds; round += 1) {
      for (const { handler, file } of files) {
        const times = await requireOnce(file, FIRST_CALL_ROUTES[handler]);
        samples.get(handler)?.push(times.loaded);
        if (times.firstCall !== undefined) firstCalls.get(handler)?.push(times.firstCall);
      }
    }
    const medianOf = (handler: string): number => percentile(samples.get(handler) ?? [], 50);
    const firstCallOf = (handler: string): number | undefined => {
      const values = firstCalls.get(handler) ?? [];
      return values.length ? percentile(values, 50) : undefined;
    };
    const baseline = medianOf(EMPTY_HANDLER);
    return files.map(({ handler, file }) => ({
      handler,
      bytes: statSync(file).size,
      medianRequireMs: medianOf(handler),
      medianFirstCallMs: firstCallOf(handler),
      ratio: medianOf(handler) / baseline,
    }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
