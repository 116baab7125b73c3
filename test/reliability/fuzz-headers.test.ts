import fc from 'fast-check';
import { FUZZ_TEST_TIMEOUT_MS, startFuzzFixture, type FuzzFixture } from './fuzz-fixture';
import { headerValue } from './junk-arbitraries';

const NUM_RUNS = 250;
const IF_MATCH = /^\s*(W\/)?"?\d{1,12}"?\s*$/;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,128}$/;

describe('fuzzing request headers on every route', () => {
  let f: FuzzFixture;

  beforeAll(async () => {
    f = await startFuzzFixture();
  });
  afterAll(() => f.stop());

  it(
    'never answers 5xx, always problem+json, and changes nothing for junk If-Match, Idempotency-Key, correlation id, Accept and Content-Type',
    async () => {
      const names = fc.constantFrom('if-match', 'idempotency-key', 'x-correlation-id', 'accept', 'content-type', 'x-amz-target', 'x-forwarded-for');
      const cases = fc.record({ template: fc.constantFrom(...f.templates), headers: fc.dictionary(names, headerValue, { minKeys: 1, maxKeys: 3 }) });
      await fc.assert(
        fc.asyncProperty(cases, async ({ template, headers }) => {
          const json: Record<string, string> = template.body === undefined ? {} : { 'content-type': 'application/json' };
          const res = await f.send({
            template,
            ...(template.body === undefined ? {} : { body: { json: template.body } }),
            headers: { ...json, ...template.headers, ...(await f.currentIfMatch(template)), ...headers },
          });
          const bodyParses = headers['content-type'] === undefined;
          // A garbled If-Match on PATCH, or Idempotency-Key on a git action, is refused before any read or write.
          if (bodyParses && template.method === 'PATCH' && headers['if-match'] !== undefined && !IF_MATCH.test(headers['if-match'])) {
            expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
          }
          const key = headers['idempotency-key'];
          if (bodyParses && template.routeKey.includes('/api/git/') && key !== undefined && !IDEMPOTENCY_KEY.test(key) && res.status !== 404) {
            expect([res.status, res.body.code]).toEqual([400, 'VALIDATION_FAILED']);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
