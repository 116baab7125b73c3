import fc from 'fast-check';
import { functionRoutes } from '../../local/local-app';
import { FUZZ_TEST_TIMEOUT_MS, startFuzzFixture, type FuzzFixture, type FuzzRequest } from './fuzz-fixture';
import { contentType, junkQuery, junkValue, mutatedBody, nonJsonText } from './junk-arbitraries';
import type { RequestTemplate } from './request-templates';

/** About fifteen runs per route; fast-check prints the seed and the shrunk case when one fails. */
const NUM_RUNS = 300;

describe('fuzzing request bodies (and the query of GET routes) on every route', () => {
  let f: FuzzFixture;

  beforeAll(async () => {
    f = await startFuzzFixture();
  });
  afterAll(() => f.stop());

  it('has a template for every route the API serves', () => {
    const served = Object.values(functionRoutes(() => f.rw.h.app.deps)).flat().map((r) => r.routeKey).sort();
    expect(f.templates.map((t) => t.routeKey).sort()).toEqual(served);
  });

  /** GET routes take no body: their query is what a client can garble. */
  const garbled = (template: RequestTemplate): fc.Arbitrary<Pick<FuzzRequest, 'body' | 'query'>> =>
    template.method === 'GET'
      ? junkQuery(template.query ?? {}).map((query) => ({ query }))
      : fc.oneof(
          { weight: 5, arbitrary: mutatedBody(template.body ?? {}).map((json) => ({ body: { json } })) },
          { weight: 2, arbitrary: junkValue.map((json) => ({ body: { json } })) },
          { weight: 2, arbitrary: nonJsonText(template.body ?? {}).map((raw) => ({ body: { raw } })) },
        );

  it(
    'never answers 5xx, always problem+json, and changes nothing for wrong types, missing/extra fields, huge or unicode strings, nested junk, non-JSON and wrong content types',
    async () => {
      const cases = fc.constantFrom(...f.templates).chain((template) => fc.record({ template: fc.constant(template), garbled: garbled(template), contentType }));
      const statuses = new Set<number>();
      await fc.assert(
        fc.asyncProperty(cases, async ({ template, garbled: parts, contentType: type }) => {
          const headers = { ...template.headers, ...(await f.currentIfMatch(template)), ...(type === undefined ? {} : { 'content-type': type }) };
          statuses.add((await f.send({ template, ...parts, headers })).status);
        }),
        { numRuns: NUM_RUNS },
      );
      // The runs reached every kind of refusal a body can earn, not just the first check.
      expect([...statuses]).toEqual(expect.arrayContaining([400, 413, 415]));
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
