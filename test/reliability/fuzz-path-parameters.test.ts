import fc from 'fast-check';
import { FUZZ_TEST_TIMEOUT_MS, startFuzzFixture, type FuzzFixture } from './fuzz-fixture';
import { exoticString } from './junk-arbitraries';
import type { RequestTemplate } from './request-templates';

const NUM_RUNS = 200;

/** Ids no route should take: key separators, encodings, traversal, unicode, length. */
const junkId: fc.Arbitrary<string> = fc.oneof(
  exoticString.filter((s) => s.length > 0),
  fc.constantFrom('a#b', 'INT#x#REPO#y', '%', '%25', '%2F', '%00', '..', '.', '../..', '..%2F..', 'a/../b', '~', 'ABC-0', 'PROJ-1 ', ' PROJ-1', 'proj-1', 'PROJ-01', '\u0130', 'ａｂｃ'),
  fc.tuple(fc.constantFrom('a', '9', 'é', '#', '.'), fc.integer({ min: 41, max: 2_000 })).map(([c, n]) => c.repeat(n)),
  fc.stringMatching(/^[a-z0-9]{8,40}$/),
);

/** `component`: percent-encoded as a client library would; `raw`: as typed (only `#` and `?` escaped, or the URL would end there). */
const placed = fc.record({ id: junkId, encoding: fc.constantFrom('component', 'raw') }).map(({ id, encoding }) => ({
  id,
  text: encoding === 'component' ? encodeURIComponent(id) : id.replace(/[#?]/g, (c) => encodeURIComponent(c)),
}));

const fill = (template: RequestTemplate, replaced: Readonly<Record<string, string>>): string =>
  template.routeKey
    .slice(template.routeKey.indexOf(' ') + 1)
    .replace(/\{(\w+)\}/g, (_m, name: string) => replaced[name] ?? encodeURIComponent(template.pathParameters[name] ?? ''));

describe('fuzzing path parameters (ids with #, %, .., unicode, very long) on every route that has them', () => {
  let f: FuzzFixture;
  let realIds: Set<string>;

  beforeAll(async () => {
    f = await startFuzzFixture();
    realIds = new Set(f.templates.flatMap((t) => Object.values(t.pathParameters)));
  });
  afterAll(() => f.stop());

  it(
    'never answers 5xx, always problem+json, never 2xx for a junk integration id or issue key, and changes nothing when refused',
    async () => {
      const withParameters = f.templates.filter((t) => Object.keys(t.pathParameters).length > 0);
      const cases = fc.constantFrom(...withParameters).chain((template) =>
        fc.record({
          template: fc.constant(template),
          replaced: fc.dictionary(fc.constantFrom(...Object.keys(template.pathParameters)), placed, { minKeys: 1 }),
        }),
      );
      await fc.assert(
        fc.asyncProperty(cases, async ({ template, replaced }) => {
          const path = fill(template, Object.fromEntries(Object.entries(replaced).map(([name, { text }]) => [name, text])));
          const res = await f.send({
            template,
            path,
            ...(template.body ? { body: { json: template.body } } : {}),
            headers: { ...(template.body ? { 'content-type': 'application/json' } : {}), ...template.headers, ...(await f.currentIfMatch(template)) },
          });
          const junkTarget = ['integrationId', 'issueKey'].some((name) => {
            const id = replaced[name]?.id;
            return id !== undefined && !realIds.has(id);
          });
          if (junkTarget) expect(res.status).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    FUZZ_TEST_TIMEOUT_MS,
  );
});
