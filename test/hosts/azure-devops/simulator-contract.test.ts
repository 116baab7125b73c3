import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { RecordedRequest } from '../../../simulators/kit/loopback-server';
import { AzureDevOpsWorld, kind, REPOSITORY, tokenCredential, uniqueBranch, type HostKind } from './azure-devops-world';

/**
 * Every request the simulator receives and every answer it gives on the refs, pull-request and
 * repository routes validates against Microsoft's published spec for the collection's version
 * (Swagger 2.0, read from shared/specs at test time). The services wrap arrays as `{ count, value }`,
 * which the specs describe as the bare array: the `value` is validated against it.
 */
const SPECS = path.resolve(__dirname, '../../../../shared/specs/azure-devops');

interface Operation {
  operationId: string;
  parameters?: Array<{ in?: string; name?: string; schema?: unknown }>;
  responses: Record<string, { schema?: { type?: string } & Record<string, unknown> }>;
}

interface Spec {
  paths: Record<string, Record<string, Operation>>;
  definitions: Record<string, unknown>;
}

const ROUTES = /\/_apis\/git\/repositories\/\{repositoryId\}(\/refs|\/pullrequests(\/\{pullRequestId\})?)?$/;

/** The error envelope the specs leave undescribed, as every TF error carries it. */
const TF_ERROR_SCHEMA = {
  type: 'object',
  required: ['$id', 'innerException', 'message', 'typeName', 'typeKey', 'errorCode', 'eventId'],
  properties: { message: { type: 'string', pattern: '^(TF\\d+: )?.+' }, typeName: { type: 'string' }, typeKey: { type: 'string' } },
};

const loadSpec = (folder: string, file: string): Spec => JSON.parse(readFileSync(path.join(SPECS, folder, file), 'utf8').replace(/^\uFEFF/, '')) as Spec;

class SpecValidator {
  readonly #ajv = new Ajv({ strict: false, allErrors: true });
  readonly #routes: Array<{ template: string; pattern: RegExp; literal: number; methods: Record<string, Operation> }>;

  constructor(readonly spec: Spec) {
    addFormats(this.#ajv);
    for (const format of ['int16', 'int32', 'int64', 'double', 'float', 'byte', 'T']) if (!this.#ajv.formats[format]) this.#ajv.addFormat(format, true);
    this.#ajv.addSchema({ $id: 'spec', definitions: spec.definitions });
    this.#routes = Object.entries(spec.paths)
      .filter(([template]) => ROUTES.test(template))
      .map(([template, methods]) => ({
        template,
        methods,
        literal: template.replace(/\{[^}]+\}/g, '').length,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[^}]+\\?\}/g, '[^/]+')}$`, 'i'),
      }));
  }

  /** The operation of a collection-relative path (prefixed with one segment standing for the collection). */
  operation(method: string, relativePath: string): { template: string; operation: Operation } | undefined {
    const candidates = this.#routes.filter((route) => route.pattern.test(`/collection${relativePath}`) && route.methods[method.toLowerCase()]);
    const best = candidates.sort((a, b) => b.literal - a.literal)[0];
    const operation = best?.methods[method.toLowerCase()];
    return best && operation ? { template: best.template, operation } : undefined;
  }

  compile(schema: unknown): ValidateFunction {
    return this.#ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/definitions/', '"spec#/definitions/')) as object);
  }
}

const SUBJECTS: Array<{ hostKind: HostKind; folder: string; file: string }> = [
  { hostKind: kind('Azure DevOps Services'), folder: '7.1', file: 'git.json' },
  { hostKind: kind('Azure DevOps Server 2019'), folder: 'azure-devops-server-5.0', file: 'git-onprem.json' },
  { hostKind: kind('TFS 2018'), folder: 'tfs-4.1', file: 'git-onprem.json' },
];

let world: AzureDevOpsWorld;

beforeAll(async () => {
  world = await AzureDevOpsWorld.start();
});

afterAll(() => world.stop());

/** Drives every route the adapter uses, including its failures, plus the reads it does not make. */
const exercise = async (hostKind: HostKind): Promise<void> => {
  const pat = world.pat();
  const credential = tokenCredential(pat);
  const provider = world.provider(hostKind);
  const branch = uniqueBranch();
  await provider.createBranch(credential, { repository: REPOSITORY, branchName: branch, fromRef: 'main' });
  await expect(provider.createBranch(credential, { repository: REPOSITORY, branchName: branch, fromRef: 'main' })).rejects.toMatchObject({ code: 'CONFLICT' });
  await expect(provider.createBranch(credential, { repository: 'Fabrikam/nope', branchName: branch, fromRef: 'main' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  const pr = await provider.createPullRequest(credential, { repository: REPOSITORY, sourceBranch: branch, targetBranch: 'main', title: 'PROJ-9', description: 'd' });
  await expect(provider.createPullRequest(credential, { repository: REPOSITORY, sourceBranch: branch, targetBranch: 'main', title: 'again' })).rejects.toMatchObject({
    code: 'CONFLICT',
  });
  await expect(provider.createPullRequest(credential, { repository: REPOSITORY, sourceBranch: 'gone', targetBranch: 'main', title: 't' })).rejects.toMatchObject({
    code: 'NOT_FOUND',
  });
  await provider.deleteBranch(credential, { repository: REPOSITORY, branchName: branch });
  const base = world.sim.collectionUrl(hostKind.path);
  const headers = { authorization: `Basic ${Buffer.from(`:${pat}`).toString('base64')}`, 'x-tfs-fedauthredirect': 'Suppress' };
  const version = `api-version=${hostKind.refsApiVersion}`;
  for (const url of [`${base}/Fabrikam/_apis/git/repositories/web?${version}`, `${base}/Fabrikam/_apis/git/repositories/web/refs?${version}`, `${base}/Fabrikam/_apis/git/repositories/web/pullrequests/${pr.id}?${version}`, `${base}/Fabrikam/_apis/git/repositories/web/pullrequests/999?${version}`]) {
    await fetch(url, { headers });
  }
};

const apiVersionOf = (request: RecordedRequest): string | undefined =>
  new URLSearchParams(request.query).get('api-version') ?? /api-version=([^;,\s]+)/.exec(request.headers.accept ?? '')?.[1];

describe.each(SUBJECTS)('$hostKind.label against $folder/$file', ({ hostKind, folder, file }) => {
  const validator = new SpecValidator(loadSpec(folder, file));
  const tfError = new SpecValidator({ paths: {}, definitions: {} }).compile(TF_ERROR_SCHEMA);

  test('requests and answers on refs, pull requests and repositories match the published spec', async () => {
    world.sim.clearRequests();
    await exercise(hostKind);
    const checked = new Set<string>();
    for (const request of world.sim.requests) {
      const relative = request.path.slice(hostKind.path.length);
      const match = validator.operation(request.method, relative);
      if (!match) continue;
      const label = `${request.method} ${relative} → ${request.status}`;
      checked.add(`${request.method} ${match.template.replace(/^.*\/repositories\/\{repositoryId\}/, '') || '/'} ${request.status}`);
      expect({ label, apiVersion: apiVersionOf(request) }).toEqual({ label, apiVersion: expect.stringMatching(/^\d+\.\d+(-preview(\.\d+)?)?$/) });

      const bodyParameter = match.operation.parameters?.find((p) => p.in === 'body');
      if (bodyParameter?.schema) {
        const validate = validator.compile(bodyParameter.schema);
        expect({ label, valid: validate(JSON.parse(request.body)), errors: validate.errors }).toEqual({ label, valid: true, errors: null });
      }

      const answer = JSON.parse(request.responseBody) as { value?: unknown[]; count?: number };
      if (request.status >= 400) {
        expect({ label, valid: tfError(answer), errors: tfError.errors }).toEqual({ label, valid: true, errors: null });
        continue;
      }
      const schema = match.operation.responses['200']?.schema;
      expect(schema).toBeDefined();
      const validate = validator.compile(schema);
      const subject = schema?.type === 'array' ? answer.value : answer;
      if (schema?.type === 'array') expect(answer.count).toBe(answer.value?.length);
      expect({ label, valid: validate(subject), errors: validate.errors }).toEqual({ label, valid: true, errors: null });
    }
    expect([...checked].sort()).toEqual(
      [
        'GET / 200',
        'GET /pullrequests/{pullRequestId} 200',
        'GET /pullrequests/{pullRequestId} 404',
        'GET /refs 200',
        'GET /refs 404',
        'POST /pullrequests 201',
        'POST /pullrequests 400',
        'POST /pullrequests 409',
        'POST /refs 200',
      ].sort(),
    );
  });

  test('the validator is not blind: a ref update answer of the wrong shape fails the spec', () => {
    const match = validator.operation('POST', '/Fabrikam/_apis/git/repositories/web/refs');
    const schema = match?.operation.responses['200']?.schema;
    const validate = validator.compile(schema);
    expect(validate([{ name: 'refs/heads/x', success: 'yes', updateStatus: 'done', repositoryId: 'not-a-uuid' }])).toBe(false);
    expect(validate([{ name: 'refs/heads/x', success: true, updateStatus: 'succeeded', repositoryId: '278d5cd2-584d-4b63-824a-2ba458937249' }])).toBe(true);
  });
});
