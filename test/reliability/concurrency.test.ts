import { userTokenContext } from '../../lambdas/services/host-credentials';
import type { CallResult } from '../support/harness';
import { expectWellFormedAnswer } from './answer-invariants';
import { startReliabilityWorld, uniqueSuffix, type ReliabilityWorld } from './reliability-world';

const PARALLEL = 50;

const statusCounts = (results: readonly CallResult[]): Record<string, number> =>
  results.reduce<Record<string, number>>((counts, r) => ({ ...counts, [`${r.status} ${String(r.body.code ?? '')}`.trim()]: (counts[`${r.status} ${String(r.body.code ?? '')}`.trim()] ?? 0) + 1 }), {});

describe(`concurrency: ${PARALLEL} parallel writes to one record`, () => {
  let rw: ReliabilityWorld;

  beforeAll(async () => {
    rw = await startReliabilityWorld();
  });
  afterAll(() => rw.stop());

  it(`${PARALLEL} parallel token saves for one user and integration: one winner per version, the stored token is a winner's, whole and decryptable`, async () => {
    const w = rw.world('github');
    const integrationId = await rw.createIntegration(w, true);
    const user = rw.newUser('racer');
    const login = `racer-${uniqueSuffix()}`;
    const tokens = Array.from({ length: PARALLEL }, () => w.userToken(login).secret);

    const results = await Promise.all(tokens.map((token) => rw.h.call('PUT', `/api/me/tokens/${integrationId}`, { as: user, body: { token } })));

    results.forEach((r, i) => expectWellFormedAnswer(r, `save ${i}`));
    const winners = tokens.filter((_t, i) => results[i]?.status === 200);
    expect(Object.keys(statusCounts(results)).filter((k) => k !== '200' && k !== '409 CONFLICT')).toEqual([]);
    expect(winners.length).toBeGreaterThanOrEqual(1);
    // Each winner was told about its own token, never another's.
    results.forEach((r, i) => {
      if (r.status === 200) expect([i, r.body.hint, r.body.providerLogin]).toEqual([i, `…${tokens[i]?.slice(-4)}`, login]);
    });

    const stored = (await rw.h.scanAll()).filter((item) => item.type === 'user-token' && item.accountId === user.accountId);
    expect(stored).toHaveLength(1);
    const record = stored[0] as { version: number; credential: { ciphertext: string; hint: string } };
    // Every successful save moved the version by exactly one from the version it read: no two won from the same one.
    expect(record.version).toBe(winners.length);
    const integration = await rw.h.app.deps.integrationStore.get(rw.tenant.site.clientKey, integrationId);
    if (!integration) throw new Error('integration missing');
    const plaintext = await rw.h.app.deps.vault.decrypt(record.credential.ciphertext, userTokenContext(rw.h.app.deps.families, integration, user.accountId));
    const { token } = JSON.parse(plaintext.reveal()) as { token: string };
    expect(winners).toContain(token);
    expect(record.credential.hint).toBe(`…${token.slice(-4)}`);

    const mine = await rw.h.call('GET', '/api/me/integrations', { as: user });
    expect((mine.body.integrations as { integrationId: string; hint?: string; status: string }[]).find((i) => i.integrationId === integrationId)).toMatchObject({ hint: `…${token.slice(-4)}`, status: 'valid' });

    const { entries } = await rw.h.app.deps.audit.list(rw.tenant.site.clientKey, { accountId: user.accountId, limit: 100 });
    const saves = entries.filter((e) => e.action.startsWith('user-token.'));
    expect(saves.map((e) => e.action).sort()).toEqual(['user-token.saved', ...Array<string>(winners.length - 1).fill('user-token.replaced')].sort());

    // The stored token is the one the next git action uses.
    const acted = await rw.h.call('POST', '/api/git/branches', { as: user, body: { integrationId, repositoryId: w.repositoryId, issueKey: 'PROJ-1', branchName: `race/${uniqueSuffix()}`, fromRef: w.defaultBranch } });
    expect(acted.body).toMatchObject({ actedAs: { credential: 'user-pat', login } });
  });

  it(`${PARALLEL} parallel PATCHes with the same If-Match: exactly one 200, ${PARALLEL - 1} × 412, and the integration is the winner's`, async () => {
    const w = rw.world('gitlab');
    const integrationId = await rw.createIntegration(w, false);
    const changes = Array.from({ length: PARALLEL }, (_v, i) => ({ name: `racing ${i} ${uniqueSuffix()}`, requireUserPat: i % 2 === 0 }));

    const results = await Promise.all(
      changes.map((body) => rw.h.call('PATCH', `/api/admin/integrations/${integrationId}`, { as: rw.tenant.admin, headers: { 'if-match': '"1"' }, body })),
    );

    results.forEach((r, i) => expectWellFormedAnswer(r, `patch ${i}`));
    expect(statusCounts(results)).toEqual({ '200': 1, '412 PRECONDITION_FAILED': PARALLEL - 1 });
    const winner = changes[results.findIndex((r) => r.status === 200)];
    const read = await rw.h.call('GET', `/api/admin/integrations/${integrationId}`, { as: rw.tenant.admin });
    expect(read.body).toMatchObject({ ...winner, version: 2 });
    expect(read.headers.get('etag')).toBe('"2"');

    // The unique-name index holds the winner's name only: the old name is freed, no loser's name is taken.
    const names = (await rw.h.scanAll()).filter((item) => item.type === 'name' && item.integrationId === integrationId).map((item) => item.SK);
    expect(names).toEqual([`NAME#${winner?.name.toLowerCase()}`]);
    const { entries } = await rw.h.app.deps.audit.list(rw.tenant.site.clientKey, { integrationId, limit: 100 });
    expect(entries.filter((e) => e.action === 'integration.updated')).toEqual([expect.objectContaining({ changes: expect.objectContaining({ name: expect.objectContaining({ to: winner?.name }) }) })]);

    const stale = await rw.h.call('PATCH', `/api/admin/integrations/${integrationId}`, { as: rw.tenant.admin, headers: { 'if-match': '"1"' }, body: { requireUserPat: true } });
    expect([stale.status, stale.body.code]).toEqual([412, 'PRECONDITION_FAILED']);
  });
});
