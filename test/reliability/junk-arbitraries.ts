import fc from 'fast-check';

/**
 * fast-check arbitraries for hostile input: values of the wrong type, huge and exotic strings,
 * deep nesting, and text that is not JSON at all. Sizes stay under the API's 64 KiB limit most of
 * the time, and cross it now and then so the 413 path is fuzzed too.
 */

const EDGE_STRINGS = ['', ' ', '#', '%', '%00', '%2F', '..', '../..', '/', '\\', '__proto__', 'constructor', 'null', 'true', '0', '-1', 'NaN', '\u0000', '\u202e', '\ud83d\udca5', 'T#jira:x#U#y', 'PAT#x', 'INT#x#REPO#y'];

const repeated = (units: readonly string[], minCount: number, maxCount: number): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom(...units), fc.integer({ min: minCount, max: maxCount })).map(([unit, count]) => unit.repeat(count));

/** Long strings: up to ~280 KB of four-byte characters, so some bodies cross 64 KiB. */
export const hugeString = repeated(['a', 'é', '\ud83d\udca5', '#', '\u0000', ' ', '"'], 300, 70_000);

export const exoticString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ unit: 'grapheme', maxLength: 32 }),
  fc.constantFrom(...EDGE_STRINGS),
);

/** Arrays or objects nested far deeper than any schema expects. */
const deepNesting = fc.tuple(fc.integer({ min: 20, max: 2_000 }), fc.boolean()).map(([depth, asArray]) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i += 1) value = asArray ? [value] : { a: value };
  return value;
});

/** Any JSON value of the wrong shape, type or size. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) },
  { weight: 3, arbitrary: exoticString },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepNesting },
  { weight: 2, arbitrary: fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, 1e308, -0, [], {}, [null], { token: null }) },
);

export const junkKey: fc.Arbitrary<string> = fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'tenant', 'clientKey', 'accountId', 'version', 'PK', 'SK', 'id'));

type Mutation =
  | { readonly kind: 'drop'; readonly key: string }
  | { readonly kind: 'set'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'add'; readonly key: string; readonly value: unknown };

const applyMutations = (template: Readonly<Record<string, unknown>>, mutations: readonly Mutation[]): Record<string, unknown> => {
  const body: Record<string, unknown> = { ...template };
  for (const mutation of mutations) {
    if (mutation.kind === 'drop') delete body[mutation.key];
    // defineProperty, so a key named __proto__ becomes an own member as JSON.parse would make it.
    else Object.defineProperty(body, mutation.key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
  }
  return body;
};

/** A valid body with one to four fields dropped, replaced by junk, or junk fields added. */
export const mutatedBody = (template: Readonly<Record<string, unknown>>): fc.Arbitrary<Record<string, unknown>> => {
  const keys = Object.keys(template);
  const mutation: fc.Arbitrary<Mutation> = keys.length
    ? fc.oneof(
        fc.record({ kind: fc.constant('drop' as const), key: fc.constantFrom(...keys) }),
        fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom(...keys), value: junkValue }),
        fc.record({ kind: fc.constant('add' as const), key: junkKey, value: junkValue }),
      )
    : fc.record({ kind: fc.constant('add' as const), key: junkKey, value: junkValue });
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => applyMutations(template, mutations));
};

/** Query parameters: the route's own with junk values, and junk names. */
export const junkQuery = (template: Readonly<Record<string, string>>): fc.Arbitrary<Record<string, string>> =>
  fc.record({
    own: fc.array(fc.tuple(fc.constantFrom(...Object.keys(template), 'limit', 'cursor', 'accountId'), fc.oneof(exoticString, hugeString.map((s) => s.slice(0, 200)))), { maxLength: 3 }),
    extra: fc.dictionary(junkKey, exoticString, { maxKeys: 2 }),
  }).map(({ own, extra }) => ({ ...template, ...extra, ...Object.fromEntries(own) }));

/** Bodies that are not JSON, or JSON only almost. */
export const nonJsonText = (template: Readonly<Record<string, unknown>>): fc.Arbitrary<string> => {
  const json = JSON.stringify(template);
  return fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
    fc.integer({ min: 1, max: Math.max(1, json.length - 1) }).map((n) => json.slice(0, n)),
    fc.constantFrom(
      `\ufeff${json}`,
      `${json}${json}`,
      `${json},`,
      json.replace(/"/g, "'"),
      '{"a":',
      '[',
      'undefined',
      '{"__proto__":{"isAdmin":true}}',
      '<xml/>',
      'token=abc&name=x',
      `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
    ),
    hugeString,
  );
};

/** Content types a client might send with a body; JSON most often, so parsing goes deeper. */
export const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/merge-patch+json',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/jsonx',
      'json',
      '*/*',
    ),
  },
);

/** Header values fetch can send (tab, printable ASCII and Latin-1; no controls, no DEL), from junk. */
export const headerValue: fc.Arbitrary<string> = fc
  .oneof(fc.string({ unit: 'binary-ascii', maxLength: 80 }), fc.constantFrom(...EDGE_STRINGS), repeated(['9', 'a', '"', ','], 100, 4_000))
    // eslint-disable-next-line no-control-regex -- tab is the one control character a header value may carry
  .map((text) => text.replace(/[^\u0009\u0020-\u007e\u0080-\u00ff]/g, '').trim())
  .filter((text) => text.length > 0);
