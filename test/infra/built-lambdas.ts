import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import type { Metafile } from 'esbuild';
import { buildLambdaAsset } from '../../lib/functions';
import { moduleNameOf, PROJECT_ROOT, staticClosure } from '../../lib/lambda-bundle';

/** The Lambda asset exactly as the stack builds it (lib/functions.ts → lib/lambda-bundle.ts), written to disk. */
export interface BuiltLambdas {
  /** Inside the project, so the runtime-provided `@aws-sdk/*` resolve from node_modules as from the Lambda runtime's. */
  readonly dir: string;
  readonly metafile: Metafile;
  /** The absolute path of an output the metafile names. */
  fileOf(output: string): string;
  /** The output path (as the metafile names outputs) of a handler's module, e.g. `git-action`. */
  outputOf(handler: string): string;
  /** The output of a dynamically imported module (a family's adapter), by its source path. */
  chunkOf(source: string): string;
  /** Output files a load of `output` evaluates (static imports, transitively). */
  closure(output: string): string[];
  bytes(outputs: Iterable<string>): number;
  /** Source inputs (repository-relative) inside the given outputs, external imports included as `external:<path>`. */
  inputs(outputs: Iterable<string>): string[];
  remove(): void;
}

export const buildLambdas = async (): Promise<BuiltLambdas> => {
  const cache = path.join(PROJECT_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(path.join(cache, 'patgate-lambdas-'));
  // Built as synth builds it (lib/functions.ts), the metafile kept beside the asset.
  const metafilePath = `${dir}.meta.json`;
  buildLambdaAsset(dir, metafilePath);
  const metafile = JSON.parse(readFileSync(metafilePath, 'utf8')) as Metafile;
  rmSync(metafilePath);
  const outputs = Object.entries(metafile.outputs).filter(([file]) => !file.endsWith('.map'));
  const find = (test: (file: string, entryPoint: string | undefined) => boolean, what: string): string => {
    const found = outputs.find(([file, out]) => test(file, out.entryPoint));
    if (!found) throw new Error(`no output for ${what}`);
    return found[0];
  };
  return {
    dir,
    metafile,
    fileOf: (output) => path.join(PROJECT_ROOT, output),
    outputOf: (handler) => find((file, entryPoint) => entryPoint !== undefined && moduleNameOf(entryPoint) === handler && !file.includes('/chunks/'), handler),
    chunkOf: (source) => find((_file, entryPoint) => entryPoint === source, source),
    closure: (output) => staticClosure(metafile, output),
    bytes: (files) => [...files].reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0),
    inputs: (files) =>
      [...files].flatMap((file) => [
        ...Object.keys(metafile.outputs[file]?.inputs ?? {}),
        ...(metafile.outputs[file]?.imports ?? []).filter((i) => i.external).map((i) => `external:${i.path}`),
      ]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** An API Gateway HTTP API (payload 2.0) event, as Lambda hands it to an API function. */
export const apiEvent = (method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; route?: string; pathParameters?: Record<string, string> } = {}): Record<string, unknown> => ({
  version: '2.0',
  routeKey: `${method} ${options.route ?? path}`,
  ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
  rawPath: path,
  rawQueryString: '',
  headers: { ...(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.headers ?? {}) },
  ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  isBase64Encoded: false,
  requestContext: {
    http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'patgate-bundle' },
    requestId: `bundle-${Math.random().toString(36).slice(2, 10)}`,
    routeKey: `${method} ${options.route ?? path}`,
    stage: '$default',
    timeEpoch: Date.now(),
  },
});

/**
 * What the Lambda runtime does at a cold start, in a fresh Node.js process: import the handler
 * module (timed), optionally import a chunk (timed: a family's cost once the handler is loaded),
 * then hand the handler one event (timed). Prints one JSON line.
 */
const RUNNER = `
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
const [entry, eventJson, chunk] = process.argv.slice(2);
const started = performance.now();
const cpu = process.cpuUsage();
const mod = await import(pathToFileURL(entry).href);
const loaded = performance.now() - started;
const spent = process.cpuUsage(cpu);
const loadedCpu = (spent.user + spent.system) / 1000;
let chunkMs;
if (chunk) { const c = performance.now(); await import(pathToFileURL(chunk).href); chunkMs = performance.now() - c; }
let firstCall, response;
if (eventJson) {
  const c = performance.now();
  response = await mod.handler(JSON.parse(eventJson), { awsRequestId: 'cold-start', functionName: 'patgate', getRemainingTimeInMillis: () => 10000 });
  firstCall = performance.now() - c;
}
process.stdout.write('\\n' + JSON.stringify({ loaded, loadedCpu, chunkMs, firstCall, response }) + '\\n');
`;

export interface ColdRun {
  /** Wall-clock milliseconds of the handler import. */
  readonly loaded: number;
  /** CPU milliseconds (user + system) the import took: steadier than wall time on a shared machine. */
  readonly loadedCpu: number;
  readonly chunkMs?: number;
  readonly firstCall?: number;
  readonly response?: { statusCode: number; body?: string; headers?: Record<string, string> };
}

/** Runs `file` (a built module, absolute) as a cold start in a child process with `env` added to this one's. */
export const coldRun = async (file: string, options: { env?: Record<string, string>; event?: unknown; chunk?: string; nodeFlags?: readonly string[] } = {}): Promise<ColdRun> => {
  const { execFile } = await import('node:child_process');
  const { writeFileSync, existsSync } = await import('node:fs');
  const runner = path.join(path.dirname(file), 'cold-run.mjs');
  if (!existsSync(runner)) writeFileSync(runner, RUNNER);
  const args = [...(options.nodeFlags ?? ['--enable-source-maps']), runner, file, options.event === undefined ? '' : JSON.stringify(options.event), options.chunk ?? ''];
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR', ...options.env };
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
  });
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as ColdRun;
};

/** The environment of a local-mode function against a test Harness's table and Jira, and the host simulators. */
export const localModeEnvironment = (harness: { readonly config: { readonly tableName: string; readonly localKey?: string | undefined; readonly appBaseUrl: string }; readonly jira: { readonly forgeAppId: string; readonly jwksUrl: string } }, hostEnv: Record<string, string>): Record<string, string> => {
  const endpoint = process.env.PATGATE_TEST_DYNAMODB_ENDPOINT;
  if (!endpoint) throw new Error('DynamoDB Local is not running');
  return {
    ...hostEnv,
    PATGATE_TABLE_NAME: harness.config.tableName,
    PATGATE_DYNAMODB_ENDPOINT: endpoint,
    PATGATE_LOCAL_KEY: harness.config.localKey ?? '',
    PATGATE_FORGE_APP_ID: harness.jira.forgeAppId,
    PATGATE_FORGE_JWKS_URL: harness.jira.jwksUrl,
    PATGATE_APP_BASE_URL: harness.config.appBaseUrl,
    PATGATE_LOCAL_MODE: 'true',
    AWS_REGION: 'us-east-1',
  };
};
