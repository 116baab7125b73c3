import { Harness } from '../support/harness';

/**
 * The lifecycle function's public side. Forge lifecycle events (trigger FITs only, idempotent,
 * within Forge's 5 s): forge-authentication.test.ts and lifecycle-trigger-only.test.ts.
 */
describe('lifecycle and public routes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start();
  });
  afterAll(() => h.stop());

  it('serves health without authentication', async () => {
    const res = await h.call('GET', '/health');
    expect(res.status).toBe(200);
  });

  it('has no Connect lifecycle routes any more', async () => {
    for (const path of ['/lifecycle/installed', '/lifecycle/uninstalled']) {
      const res = await h.call('POST', path, { body: {} });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('authenticates before it reads the body: an unauthenticated event with a malformed body gets 401, not the schema', async () => {
    const before = await h.scanAll();
    const res = await h.call('POST', '/lifecycle/forge', { rawBody: '{"eventType": 42', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'UNAUTHENTICATED', check: 'authorization' });
    expect(res.text).not.toMatch(/eventType/);
    expect(await h.scanAll()).toEqual(before);
  });
});
