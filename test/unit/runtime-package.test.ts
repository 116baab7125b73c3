import { runtimePackage } from '../../lambdas/wiring/runtime-package';

/**
 * How a lazily imported runtime SDK package arrives: in the built functions its chunk is one
 * `require` whose only export is the default (lib/lambda-bundle.ts), elsewhere (Node.js on the
 * package, tsx, Jest) the namespace has the names. Either way the caller gets the client class.
 */
describe('runtimePackage', () => {
  class FakeClient {}

  it('answers the exports a bundled chunk hands over as its default export', async () => {
    const chunk = { default: { FakeClient } };
    expect((await runtimePackage(Promise.resolve(chunk as unknown as { FakeClient: typeof FakeClient }))).FakeClient).toBe(FakeClient);
  });

  it('answers a namespace that already has the names as it is', async () => {
    const namespace = { FakeClient };
    expect(await runtimePackage(Promise.resolve(namespace))).toBe(namespace);
  });

  it('passes a failed load on', async () => {
    await expect(runtimePackage(Promise.reject(new Error('not provided')))).rejects.toThrow('not provided');
  });
});
