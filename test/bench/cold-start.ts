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
  /** Median require time over the empty handler's. */
  readonly ratio: number;
}

const ROOT = join(__dirname, '..', '..');
const HANDLERS_DIR = join(ROOT, 'lambdas', 'handlers');
export const EMPTY_HANDLER = '(empty handler)';

// What the Lambda runtime does first on a cold start: load the handler module (timed inside a fresh process).
const REQUIRE_TIMER = "const { performance } = require('node:perf_hooks'); const t = performance.now(); require(process.argv[1]); process.stdout.write(String(performance.now() - t));";

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

const requireOnce = async (file: string): Promise<number> => {
  // NODE_PATH stands in for the runtime's own node_modules, where the SDK is found.
  const { stdout } = await run(process.execPath, [...NODE_FLAGS, '-e', REQUIRE_TIMER, file], { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
  const ms = Number(stdout);
  if (!Number.isFinite(ms)) throw new Error(`could not time require of ${file}: ${stdout}`);
  return ms;
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
    // Round-robin, so a burst of machine load spreads over every handler instead of one.
    for (let round = 0; round < rounds; round += 1) {
      for (const { handler, file } of files) samples.get(handler)?.push(await requireOnce(file));
    }
    const medianOf = (handler: string): number => percentile(samples.get(handler) ?? [], 50);
    const baseline = medianOf(EMPTY_HANDLER);
    return files.map(({ handler, file }) => ({ handler, bytes: statSync(file).size, medianRequireMs: medianOf(handler), ratio: medianOf(handler) / baseline }));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};
