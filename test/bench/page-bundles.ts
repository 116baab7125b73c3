import { buildApp, formatSizes, type PageSize } from '../../jira-app/build';

/** The Custom UI pages' budget: what a browser downloads to open each page, gzipped (issue 12: < 250 KB). */
export const PAGE_BUDGET_BYTES = 250 * 1024;

export interface PageBundles {
  readonly sizes: readonly PageSize[];
  readonly table: string;
  /** Pages over the budget, as failure lines. */
  readonly violations: readonly string[];
}

/** Builds jira-app from source (a clean clone has no dist) and measures each page. */
export const measurePageBundles = async (): Promise<PageBundles> => {
  const sizes = await buildApp({ quiet: true });
  return {
    sizes,
    table: `### Custom UI pages: downloaded on open (script, static chunks, CSS, HTML), gzipped level 9\n\n${formatSizes(sizes)}\n`,
    violations: sizes.filter((s) => s.gzipBytes > PAGE_BUDGET_BYTES).map((s) => `page ${s.page} is ${(s.gzipBytes / 1024).toFixed(1)} KB gzipped, over the 250 KB budget`),
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
