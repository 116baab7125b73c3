import * as path from 'node:path';
import type { BuildOptions, Metafile, Plugin } from 'esbuild';

/** The project root: entries, node_modules and esbuild are resolved from it. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Packages the Node.js 22 Lambda runtime provides (SDK v3): left out of the bundle. */
export const RUNTIME_PROVIDED = ['@aws-sdk/*'];

/** Bundled CommonJS dependencies call `require` (of Node.js built-ins and of the runtime's SDK); an ES module has none of its own. */
const CREATE_REQUIRE_BANNER = "import { createRequire as __patgateCreateRequire } from 'node:module'; const require = __patgateCreateRequire(import.meta.url);";

/**
 * The runtime's SDK packages are CommonJS. An ES module importing one makes Node.js resolve it
 * through its package exports and scan its source for export names (cjs-module-lexer), which
 * cost more than all our code at a cold start; `require` (the banner's) loads it directly. So
 * every `import` of a runtime-provided package becomes a `require` of it.
 */
const runtimePackagesByRequire: Plugin = {
  name: 'runtime-packages-by-require',
  setup(build) {
    const runtimeProvided = new RegExp(`^(${RUNTIME_PROVIDED.map((pattern) => pattern.replace('/*', '/')).join('|')})`);
    build.onResolve({ filter: runtimeProvided }, (args) =>
      args.kind === 'require-call' ? { path: args.path, external: true } : { path: args.path, namespace: 'runtime-package' },
    );
    build.onLoad({ filter: /.*/, namespace: 'runtime-package' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** Where a handler's module lands in the asset: `lambdas/handlers/git-action.ts` → `git-action.mjs` (handler `git-action.handler`). */
export const moduleNameOf = (entry: string): string => path.basename(entry, path.extname(entry));

/**
 * How every function is built (docs/architecture.md, bundling): ONE esbuild run over all handler
 * entries into one asset, as ES modules with code splitting, minified, with linked source maps.
 * - Each handler is `<name>.mjs`; what handlers share is in `chunks/`, loaded once per process, so
 *   our modules exist once and class identity (`instanceof AppError`) holds.
 * - A dynamic `import()` is a chunk of its own, loaded only when reached: each host family's
 *   adapter with its client library (hosts/host-families.ts), and the X-Ray tracer (only when
 *   tracing is on). A function loads its handler's static imports and nothing else.
 * - `@aws-sdk/*` comes from the runtime, loaded with `require` (see `runtimePackagesByRequire`);
 *   `@smithy/*` and everything else is bundled.
 */
export const lambdaBuildOptions = (entries: readonly string[], outdir: string): BuildOptions & { metafile: true } => ({
  entryPoints: Object.fromEntries(entries.map((entry) => [moduleNameOf(entry), path.join(PROJECT_ROOT, entry)])),
  outdir,
  absWorkingDir: PROJECT_ROOT,
  bundle: true,
  splitting: true,
  format: 'esm',
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  platform: 'node',
  target: 'node22',
  // ES module builds of packages first: they tree-shake where the CommonJS ones cannot.
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: 'linked',
  sourcesContent: false,
  external: RUNTIME_PROVIDED,
  plugins: [runtimePackagesByRequire],
  banner: { js: CREATE_REQUIRE_BANNER },
  metafile: true,
  logLevel: 'warning',
});

/** The output files (relative to the build's working directory) that loading `entryOutput` evaluates: its static imports, transitively. */
export const staticClosure = (metafile: Metafile, entryOutput: string): string[] => {
  const seen = new Set<string>();
  const pending = [entryOutput];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind === 'import-statement' && !imported.external) pending.push(imported.path);
    }
  }
  return [...seen];
};
