import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';

/**
 * Builds the Custom UI pages: one folder per page under jira-app/dist (the folders the Forge manifest's
 * resources name), each with index.html, its module script and stylesheet. Chunks that are only
 * imported dynamically (Atlaskit's alternative themes) are emitted too but never loaded by a page.
 */
export const APP_DIR = resolve(__dirname);
export const DIST_DIR = join(APP_DIR, 'dist');
export const PAGES = {
  admin: 'Manage Git repositories',
  settings: 'Git personal access tokens',
  panel: 'Git branches and pull requests',
} as const;
export type PageName = keyof typeof PAGES;

export interface PageSize {
  readonly page: PageName;
  /** Bytes a browser downloads on open: the page's script, the chunks it imports statically, its CSS and HTML. */
  readonly bytes: number;
  readonly gzipBytes: number;
}

const html = (page: PageName): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${PAGES[page]}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./index.css">
</head>
<body>
<main id="root"></main>
<script type="module" src="./index.js"></script>
</body>
</html>
`;

/**
 * Atlaskit's feature-gate client (and Statsig under it, about 120 KB minified) answers every gate
 * "off" in a page that never initialises it, which ours never do: the pages get a module with the
 * same API that answers so without it (feature-gates-off.ts says why that is safe).
 */
const FEATURE_GATES_OFF = join(APP_DIR, 'feature-gates-off.ts');
const featureGatesOff: Plugin = {
  name: 'feature-gates-off',
  setup(b) {
    b.onResolve({ filter: /^@atlaskit\/feature-gate-js-client(\/feature-gates)?$/ }, () => ({ path: FEATURE_GATES_OFF }));
  },
};

/**
 * npm left several copies of one package at one version nested under different parents (14 of
 * `@atlaskit/analytics-next` 12.6.0, for instance): each would be bundled again, and each React
 * context in it would be a context of its own. Every copy resolves to one of them (the first in
 * package-lock.json's order), so a page bundles each package version once.
 */
const DEDUPED = Symbol('deduped');

/** `…/node_modules/a/node_modules/@s/b/dist/x.js` → `{ name: '@s/b', dir: '…/node_modules/a/node_modules/@s/b' }`; undefined unless nested. */
const nestedPackageRoot = (file: string): { name: string; dir: string } | undefined => {
  const marker = 'node_modules/';
  const at = file.lastIndexOf(marker);
  if (at < 0 || file.indexOf(marker) === at) return undefined;
  const parts = file.slice(at + marker.length).split('/');
  const name = parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '');
  return { name, dir: file.slice(0, at + marker.length + name.length) };
};

const dedupeSameVersion = (): Plugin => {
  const lock = JSON.parse(readFileSync(join(APP_DIR, '..', 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  const canonical = new Map<string, string>();
  for (const [where, { version }] of Object.entries(lock.packages)) {
    const name = where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (where && !canonical.has(`${name}@${version}`)) canonical.set(`${name}@${version}`, resolve(APP_DIR, '..', where));
  }
  const versions = new Map<string, string | undefined>();
  const versionOf = (root: string): string | undefined => {
    if (!versions.has(root)) versions.set(root, (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version);
    return versions.get(root);
  };
  return {
    name: 'dedupe-same-version',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === DEDUPED) return undefined;
        const found = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: DEDUPED });
        const root = nestedPackageRoot(found.path);
        if (found.errors.length || !root) return found.errors.length ? undefined : found;
        const target = canonical.get(`${root.name}@${versionOf(root.dir)}`);
        return target && target !== root.dir ? { ...found, path: target + found.path.slice(root.dir.length) } : found;
      });
    },
  };
};

const staticImports = (file: string): string[] =>
  [...readFileSync(file, 'utf8').matchAll(/(?:^|[;}])\s*import\s*(?:[^'"()]*?from\s*)?"(\.\.?\/[^"]+)"/g)].map((m) => resolve(join(file, '..'), m[1] ?? ''));

const sizeOf = (page: PageName): PageSize => {
  const dir = join(DIST_DIR, page);
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (file.endsWith('.js')) staticImports(file).forEach(walk);
  };
  walk(join(dir, 'index.js'));
  seen.add(join(dir, 'index.css'));
  seen.add(join(dir, 'index.html'));
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of seen) {
    const content = readFileSync(file);
    bytes += content.length;
    gzipBytes += gzipSync(content, { level: 9 }).length;
  }
  return { page, bytes, gzipBytes };
};

/** Builds every page into jira-app/dist (clean) and answers the size each page costs on open. */
export const buildApp = async (options: { quiet?: boolean; onMetafile?: (page: PageName, metafile: Metafile) => void } = {}): Promise<PageSize[]> => {
  rmSync(DIST_DIR, { recursive: true, force: true });
  const sizes: PageSize[] = [];
  const dedupe = dedupeSameVersion();
  for (const page of Object.keys(PAGES) as PageName[]) {
    const outdir = join(DIST_DIR, page);
    mkdirSync(outdir, { recursive: true });
    const result = await build({
      absWorkingDir: APP_DIR,
      entryPoints: { index: join(APP_DIR, 'src', page, 'index.tsx') },
      bundle: true,
      splitting: true,
      format: 'esm',
      minify: true,
      target: ['chrome110', 'firefox110', 'safari16'],
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      outdir,
      metafile: true,
      logLevel: options.quiet ? 'error' : 'warning',
      legalComments: 'none',
      plugins: [featureGatesOff, dedupe],
    });
    checkNoServerCode(result.metafile);
    options.onMetafile?.(page, result.metafile);
    // A page without any CSS import still links index.css: keep the file so nothing 404s.
    if (!readdirSync(outdir).includes('index.css')) writeFileSync(join(outdir, 'index.css'), '');
    writeFileSync(join(outdir, 'index.html'), html(page));
    sizes.push(sizeOf(page));
  }
  return sizes;
};

/** The pages share types and the pure list of kinds with the API, but never bundle server code (secrets handling, AWS SDK). */
const checkNoServerCode = (metafile: Metafile): void => {
  const shared = new Set(['../lambdas/domain/integration.ts', '../lambdas/domain/branch-name.ts']);
  const server = Object.keys(metafile.inputs).filter((input) => (/(^|\/)lambdas\//.test(input) && !shared.has(input)) || input.includes('@aws-sdk'));
  if (server.length) throw new Error(`server code in a page bundle: ${server.join(', ')}`);
  // An Atlaskit upgrade that imports the feature-gate client another way would bring Statsig back unnoticed.
  const gates = Object.keys(metafile.inputs).filter((input) => input.includes('/@statsig/') || input.includes('/feature-gate-js-client/'));
  if (gates.length) throw new Error(`the feature-gate client or Statsig in a page bundle (alias it in featureGatesOff): ${gates.join(', ')}`);
};

export const formatSizes = (sizes: readonly PageSize[]): string =>
  sizes.map((s) => `${s.page.padEnd(9)} ${(s.gzipBytes / 1024).toFixed(1).padStart(6)} KB gzipped (${(s.bytes / 1024).toFixed(0)} KB raw)${s.gzipBytes > 250 * 1024 ? '  OVER the 250 KB target' : ''}`).join('\n');

if (require.main === module) {
  buildApp()
    .then((sizes) => {
      process.stdout.write(`${relative(process.cwd(), DIST_DIR) || '.'} built; what each page loads on open (target < 250 KB gzipped):\n${formatSizes(sizes)}\n`);
    })
    .catch((error: Error) => {
      console.error(`jira-app build failed: ${error.message}`);
      process.exit(1);
    });
}
