import { randomBytes } from 'node:crypto';
import type { CallResult } from '../support/harness';
import { expectOnlyRefusalRecorded, expectWellFormedAnswer } from './answer-invariants';
import { startReliabilityWorld, type Actor, type ReliabilityWorld } from './reliability-world';
import { pathOf, requestTemplates, type RequestTemplate } from './request-templates';
import { TableSnapshot } from './table-snapshot';

/** Jest's limit for one fuzz property: far above its usual run time, so a slow machine never cuts one short mid-run. */
export const FUZZ_TEST_TIMEOUT_MS = 120_000;

export type SentBody = { readonly json: unknown } | { readonly raw: string };

/** One fuzz request: a template with any part replaced. */
export interface FuzzRequest {
  readonly template: RequestTemplate;
  /** Defaults to the template's path. */
  readonly path?: string;
  readonly body?: SentBody;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sign as the fuzzing account (defaults to the template's choice); false sends `headers` as they are. */
  readonly signed?: boolean;
}

/**
 * A world to fuzz: a GitHub integration acting as its service account (so valid requests reach
 * the host simulator), one more that DELETE may remove, and an account that is both Jira admin
 * and developer on PROJ. `send` checks every answer and keeps the table snapshot in step.
 */
export interface FuzzFixture {
  readonly rw: ReliabilityWorld;
  readonly fuzzer: Actor;
  readonly templates: readonly RequestTemplate[];
  send(request: FuzzRequest): Promise<CallResult>;
  /** The ETag PATCH needs to get past If-Match to its body checks. */
  currentIfMatch(template: RequestTemplate): Promise<Record<string, string>>;
  /** After setup outside `send` (another tenant, say): the table as it now is becomes the reference. */
  rebaseline(): Promise<void>;
  stop(): Promise<void>;
}

export const startFuzzFixture = async (): Promise<FuzzFixture> => {
  const rw = await startReliabilityWorld();
  const github = rw.world('github');
  const integrationId = await rw.createIntegration(github, false);
  const deletableIntegrationId = await rw.createIntegration(github, false);
  const fuzzer = rw.newUser('fuzzer');
  rw.h.jira.grant(rw.tenant.site.clientKey, fuzzer.accountId, 'ADMINISTER');
  const stranger = rw.h.jira.createSite();
  const templates = requestTemplates({
    integrationId,
    deletableIntegrationId,
    repositoryId: github.repositoryId,
    defaultBranch: github.defaultBranch,
    strangerClientKey: stranger.clientKey,
    strangerBaseUrl: stranger.baseUrl,
    newIntegrationBody: () => github.integrationBody(`fuzz ${randomBytes(3).toString('hex')}`, true),
  });
  let snapshot = await TableSnapshot.take(rw.h);

  const send = async (request: FuzzRequest): Promise<CallResult> => {
    const { template, body } = request;
    const query = request.query ?? template.query;
    const path = request.path ?? pathOf(template.routeKey, template.pathParameters);
    const what = `${template.method} ${path}`;
    const res = await rw.h.call(template.method, path, {
      ...((request.signed ?? template.signed) ? { as: fuzzer } : {}),
      ...(body === undefined ? {} : { rawBody: 'raw' in body ? body.raw : JSON.stringify(body.json) }),
      ...(query ? { query: { ...query } } : {}),
      headers: { ...request.headers },
    });
    expectWellFormedAnswer(res, what);
    // A deleted integration's deletion job (lambdas/deletion) runs after the answer: part of this request.
    await rw.h.deletions.idle();
    const after = await TableSnapshot.take(rw.h);
    if (res.status >= 300) expectOnlyRefusalRecorded(after.changesSince(snapshot), res, what);
    snapshot = after;
    return res;
  };

  const currentIfMatch = async (template: RequestTemplate): Promise<Record<string, string>> => {
    if (template.method !== 'PATCH') return {};
    const record = await rw.h.app.deps.integrationStore.get(rw.tenant.site.clientKey, template.pathParameters.integrationId ?? '');
    return { 'if-match': `"${record?.version ?? 1}"` };
  };

  const rebaseline = async (): Promise<void> => {
    snapshot = await TableSnapshot.take(rw.h);
  };

  return { rw, fuzzer, templates, send, currentIfMatch, rebaseline, stop: () => rw.stop() };
};
