import * as path from 'node:path';
import { build } from 'esbuild';
import { bundlingOptions } from '../../lib/functions';

const MAX_BYTES = 1.5 * 1024 * 1024;

/** Every Lambda entry point, bundled as NodejsFunction bundles it, with its metafile. */
const LAMBDA_HANDLERS = ['admin', 'deletion', 'git-action', 'lifecycle', 'public', 'token-expiry', 'tokens'];

const bundleHandler = (name: string) =>
  build({
    entryPoints: [path.join(__dirname, `../../lambdas/handlers/${name}.ts`)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: bundlingOptions.target,
    format: 'cjs',
    minify: bundlingOptions.minify,
    external: bundlingOptions.externalModules,
    logLevel: 'silent',
  });

describe('git-action bundle', () => {
  it('stays under 1.5 MB, bundled as NodejsFunction bundles it', async () => {
    const result = await bundleHandler('git-action');
    const [output] = result.outputFiles;
    const bytes = output?.contents.byteLength ?? 0;
    console.log(`git-action bundle: ${(bytes / 1024).toFixed(1)} KB (limit ${MAX_BYTES / 1024} KB)`);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(MAX_BYTES);
  });
});

describe('functions that never call a git host', () => {
  it.each(['public', 'lifecycle', 'admin', 'deletion'])('%s bundles no host client', async (name) => {
    const result = await bundleHandler(name);
    const inputs = Object.keys(result.metafile.inputs);
    console.log(`${name} bundle: ${((result.outputFiles[0]?.contents.byteLength ?? 0) / 1024).toFixed(1)} KB`);
    expect(inputs.filter((i) => /node_modules\/(azure-devops-node-api|@octokit|@gitbeaker|@aws-sdk\/client-codecommit)\//.test(i))).toEqual([]);
  });
});

describe('simulators stay out of every Lambda bundle', () => {
  it.each(LAMBDA_HANDLERS)('%s bundles no simulator module', async (name) => {
    const result = await bundleHandler(name);
    const inputs = Object.keys(result.metafile.inputs);
    // The metafile names inputs relative to the repository, as the pattern below expects.
    expect(inputs).toContain(`lambdas/handlers/${name}.ts`);
    expect(inputs.filter((i) => /\/simulator(-kit)?\//.test(i) || /loopback-server/.test(i))).toEqual([]);
  });
});
