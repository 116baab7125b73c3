import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { transformSync } from 'esbuild';
import { HOST_FAMILY_REGISTRY } from '../../lambdas/hosts/host-families';
import { buildLambdas, type BuiltLambdas } from './built-lambdas';

/**
 * The deployed Lambda asset (one esbuild build of every handler, ES modules with code splitting:
 * lib/lambda-bundle.ts), read from its metafile. What a function pays at a cold start is what its
 * handler module loads statically; each host family's adapter is a chunk loaded on first use.
 */

/** What a GitHub git action loads: the handler's static imports plus the GitHub family's chunk. */
const GITHUB_ACTION_BUDGET_BYTES = 400 * 1024;

/** Each family's client library, by the family folder under lambdas/hosts/. */
const HOST_CLIENTS: Readonly<Record<string, RegExp>> = {
  github: /node_modules\/@octokit\//,
  gitlab: /node_modules\/@gitbeaker\//,
  'azure-devops': /node_modules\/(azure-devops-node-api|typed-rest-client)\//,
  codecommit: /^external:@aws-sdk\/client-codecommit$/,
};
const ANY_HOST_CLIENT = new RegExp(Object.values(HOST_CLIENTS).map((pattern) => pattern.source).join('|'));
const SIMULATOR = /(^|\/)(simulators|local)\/|loopback-server/;
const LAMBDA_HANDLERS = ['admin', 'deletion', 'git-action', 'lifecycle', 'public', 'token-expiry', 'tokens'];
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KB`;

describe('the Lambda asset as deployed', () => {
  let built: BuiltLambdas;
  beforeAll(async () => {
    built = await buildLambdas();
  });
  afterAll(() => built.remove());

  const familyChunk = (folder: string): string => built.chunkOf(`lambdas/hosts/${folder}/adapter.ts`);

  it('a GitHub git action loads its handler and the GitHub chunk only, within budget', () => {
    const entry = built.closure(built.outputOf('git-action'));
    const github = built.closure(familyChunk('github'));
    const loaded = new Set([...entry, ...github]);
    console.log(`git-action entry: ${kb(built.bytes(entry))}; + GitHub family: ${kb(built.bytes(loaded))} (budget ${kb(GITHUB_ACTION_BUDGET_BYTES)})`);
    expect(built.bytes(loaded)).toBeLessThan(GITHUB_ACTION_BUDGET_BYTES);
    expect(built.inputs(loaded).filter((input) => ANY_HOST_CLIENT.test(input) && !HOST_CLIENTS.github?.test(input))).toEqual([]);
  });

  it.each(LAMBDA_HANDLERS)('%s loads no host client, no X-Ray SDK, no Encryption SDK, no SQS and no KMS client at start', (name) => {
    const entry = built.closure(built.outputOf(name));
    console.log(`${name} entry: ${kb(built.bytes(entry))}`);
    const inputs = built.inputs(entry);
    expect(inputs).toContain(`lambdas/handlers/${name}.ts`);
    expect(inputs.filter((input) => ANY_HOST_CLIENT.test(input))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/aws-xray-sdk-core\//.test(input))).toEqual([]);
    // The vault is KMS Encrypt/Decrypt through the runtime's client (docs/architecture.md §6): no Encryption SDK.
    expect(inputs.filter((input) => /node_modules\/@aws-crypto\//.test(input))).toEqual([]);
    // The deletion queue's SQS client is required on the first send only (lambdas/deletion/sqs-deletion-queue.ts).
    expect(inputs).not.toContain('external:@aws-sdk/client-sqs');
    // The vault's KMS client is required on the first KMS call only (lambdas/vault/kms-client.ts).
    expect(inputs).not.toContain('external:@aws-sdk/client-kms');
  });

  it('loads the KMS client from the runtime, in a chunk the vault imports on its first KMS call', () => {
    const kmsChunk = built.chunkOf('runtime-package:@aws-sdk/client-kms');
    expect(built.inputs([kmsChunk])).toContain('external:@aws-sdk/client-kms');
    expect(LAMBDA_HANDLERS.filter((name) => built.closure(built.outputOf(name)).includes(kmsChunk))).toEqual([]);
  });

  it('loads the SQS client from the runtime, in a chunk the deletion queue imports on its first send', () => {
    const sqsChunk = built.chunkOf('runtime-package:@aws-sdk/client-sqs');
    expect(built.inputs([sqsChunk])).toContain('external:@aws-sdk/client-sqs');
    expect(LAMBDA_HANDLERS.filter((name) => built.closure(built.outputOf(name)).includes(sqsChunk))).toEqual([]);
  });

  it('has one chunk per registered host family, each with its own client and no other', () => {
    const folders = Object.keys(HOST_CLIENTS);
    expect(folders).toHaveLength(HOST_FAMILY_REGISTRY.length);
    for (const folder of folders) {
      const loaded = built.closure(familyChunk(folder));
      const inputs = built.inputs(loaded);
      console.log(`${folder} family chunk (with what it alone loads): ${kb(built.bytes(loaded))}`);
      expect(inputs.filter((input) => HOST_CLIENTS[folder]?.test(input)).length).toBeGreaterThan(0);
      expect(inputs.filter((input) => ANY_HOST_CLIENT.test(input) && !HOST_CLIENTS[folder]?.test(input))).toEqual([]);
    }
  });

  it('loads the runtime\'s SDK with require, never as an ES module import', () => {
    const imports = Object.values(built.metafile.outputs).flatMap((output) => output.imports);
    expect(imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/') && i.kind === 'require-call').length).toBeGreaterThan(0);
    expect(imports.filter((i) => i.external && i.path.startsWith('@aws-sdk/') && i.kind !== 'require-call')).toEqual([]);
  });

  it('holds no simulator module in any file: of our code it bundles lambdas/ and nothing else', () => {
    const inputs = Object.keys(built.metafile.inputs);
    // The metafile names inputs relative to the repository.
    expect(inputs).toContain('lambdas/handlers/git-action.ts');
    expect(inputs.filter((input) => SIMULATOR.test(input))).toEqual([]);
    expect(inputs.filter((input) => !input.startsWith('lambdas/') && !input.includes('node_modules/') && !/^(external|runtime-package):/.test(input))).toEqual([]);
    expect(inputs.filter((input) => /node_modules\/@aws-crypto\//.test(input))).toEqual([]);
  });

  it('bundles every module of lambdas/ that has code at run time: lambdas/ is exactly what deploys', () => {
    const inputs = new Set(Object.keys(built.metafile.inputs));
    const root = join(__dirname, '..', '..');
    const sources = readdirSync(join(root, 'lambdas'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => `lambdas/${file.split(sep).join('/')}`);
    // A module esbuild never saw must be types only (nothing left once its types are erased).
    const unbundled = sources.filter((file) => !inputs.has(file) && transformSync(readFileSync(join(root, file), 'utf8'), { loader: 'ts' }).code.trim() !== '');
    expect(unbundled).toEqual([]);
    expect(sources.length).toBeGreaterThan(100);
  });
});
