import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { functionNames, functionSpecs } from './function-specs';
import { lambdaBuildOptions } from './lambda-bundle';

/**
 * Builds the Lambda asset into the directory given as the first argument, and writes esbuild's
 * metafile to the second when given (never into the asset). `buildLambdaAsset` in
 * lib/functions.ts runs it in a child process, at synth and in the bundle tests: CDK bundles
 * synchronously, and esbuild plugins run only in its asynchronous API.
 */
const main = async (): Promise<void> => {
  const [outdir, metafilePath] = process.argv.slice(2);
  if (!outdir) throw new Error('usage: build-lambdas <output directory> [metafile path]');
  const result = await build({ ...lambdaBuildOptions(functionNames.map((name) => functionSpecs[name].entry), outdir), logLevel: 'error' });
  if (metafilePath) writeFileSync(metafilePath, JSON.stringify(result.metafile));
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
