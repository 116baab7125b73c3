import type { Metafile } from 'esbuild';
import { buildApp, type PageName, type PageSize } from '../../jira-app/build';

/** Issue 25: what a browser downloads to open each page, gzipped, cold cache. */
export const PAGE_WEIGHT_TARGET_BYTES: Readonly<Record<PageName, number>> = { panel: 100 * 1024, settings: 150 * 1024, admin: 150 * 1024 };

export interface PageModule {
  /** The module's path as esbuild names it (relative to jira-app), or a package name for a package row. */
  readonly module: string;
  /** Minified bytes it adds to the files the page loads on open (esbuild's bytesInOutput). */
  readonly bytes: number;
}

export interface PageComposition {
  readonly page: PageName;
  readonly largestModules: readonly PageModule[];
  readonly largestPackages: readonly PageModule[];
  /** Packages bundled from more than one folder (two copies of React or emotion, say). */
  readonly duplicatePackages: readonly string[];
}

export interface PageBundles {
  readonly sizes: readonly PageSize[];
  readonly compositions: readonly PageComposition[];
  readonly table: string;
  /** Pages over their target, as failure lines. */
  readonly violations: readonly string[];
}

/** `node_modules/@scope/name/...` → `@scope/name`; the innermost node_modules wins (a nested copy). */
const packageOf = (input: string): string | undefined => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return undefined;
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : parts[0];
};

/** Where a package's files come from: the path up to and including its folder. */
const packageFolderOf = (input: string, name: string): string => input.slice(0, input.lastIndexOf(`node_modules/${name}`) + `node_modules/${name}`.length);

/**
 * What one page loads on open, module by module, from esbuild's metafile: the page's entry output and
 * the chunks it imports statically (the chunks it imports only dynamically load on demand, and do
 * not count).
 */
export const compositionOf = (page: PageName, metafile: Metafile, top = 10): PageComposition => {
  const entry = Object.keys(metafile.outputs).find((out) => out.endsWith(`${page}/index.js`));
  const loaded = new Set<string>();
  const walk = (out: string): void => {
    if (loaded.has(out)) return;
    loaded.add(out);
    for (const imported of metafile.outputs[out]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) walk(imported.path);
  };
  if (entry) walk(entry);
  const byModule = new Map<string, number>();
  for (const out of loaded) {
    for (const [input, { bytesInOutput }] of Object.entries(metafile.outputs[out]?.inputs ?? {})) byModule.set(input, (byModule.get(input) ?? 0) + bytesInOutput);
  }
  const byPackage = new Map<string, number>();
  const folders = new Map<string, Set<string>>();
  for (const [input, bytes] of byModule) {
    const name = packageOf(input) ?? '(patgate source)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytes);
    if (name !== '(patgate source)') folders.set(name, (folders.get(name) ?? new Set()).add(packageFolderOf(input, name)));
  }
  const largest = (map: Map<string, number>): PageModule[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([module, bytes]) => ({ module, bytes }));
  return {
    page,
    largestModules: largest(byModule),
    largestPackages: largest(byPackage),
    duplicatePackages: [...folders].filter(([, where]) => where.size > 1).map(([name, where]) => `${name} (${[...where].join(', ')})`),
  };
};

const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

/** Builds jira-app from source (a clean clone has no dist) and measures each page against its target. */
export const measurePageBundles = async (): Promise<PageBundles> => {
  const compositions: PageComposition[] = [];
  const sizes = await buildApp({ quiet: true, onMetafile: (page, metafile) => compositions.push(compositionOf(page, metafile)) });
  const weightRows = sizes.map((s) => `| ${s.page} | ${kb(s.gzipBytes)} | ≤ ${kb(PAGE_WEIGHT_TARGET_BYTES[s.page])} | ${kb(s.bytes)} | ${s.gzipBytes <= PAGE_WEIGHT_TARGET_BYTES[s.page] ? 'met' : 'MISSED'} |`);
  const moduleRows = compositions.flatMap((c) => [
    ...c.largestPackages.map((m, i) => `| ${c.page} | package ${i + 1} | ${m.module} | ${kb(m.bytes)} |`),
    ...c.largestModules.map((m, i) => `| ${c.page} | module ${i + 1} | ${m.module} | ${kb(m.bytes)} |`),
    `| ${c.page} | duplicate packages | ${c.duplicatePackages.join('; ') || 'none'} | |`,
  ]);
  return {
    sizes,
    compositions,
    table: [
      '### Custom UI pages: downloaded on open, cold cache (script, static chunks, CSS, HTML; gzip level 9)',
      '',
      '| page | gzipped | target | raw | verdict |',
      '|---|---:|---:|---:|---|',
      ...weightRows,
      '',
      '### Custom UI pages: what they load on open, largest first (minified bytes in the loaded files, from the esbuild metafile)',
      '',
      '| page | rank | package or module | minified |',
      '|---|---|---|---:|',
      ...moduleRows,
      '',
    ].join('\n'),
    violations: sizes.filter((s) => s.gzipBytes > PAGE_WEIGHT_TARGET_BYTES[s.page]).map((s) => `page ${s.page} is ${kb(s.gzipBytes)} gzipped, over its ${kb(PAGE_WEIGHT_TARGET_BYTES[s.page])} target`),
  };
};

if (require.main === module) {
  measurePageBundles()
    .then((result) => {
      console.log(result.table);
      if (result.violations.length) {
        console.error(result.violations.join('\n'));
        process.exit(1);
      }
    })
    .catch((error: Error) => {
      console.error(error.message);
      process.exit(1);
    });
}
