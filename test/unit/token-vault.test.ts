import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { openCredential, serviceCredentialContext } from '../../lambdas/services/host-credentials';
import { loadLocalKey, localVault } from '../../lambdas/vault/token-vault';

describe('token vault (AWS Encryption SDK, raw AES keyring)', () => {
  const vault = localVault(randomBytes(32));
  const context = { tenant: 'site-a', integrationId: 'int-1', accountId: 'acc-1', purpose: 'user-pat' } as const;

  it('round-trips a secret under its own context and never stores it in clear', async () => {
    const ciphertext = await vault.encrypt('glpat-abcdefghijklmnopqrst', context);
    expect(Buffer.from(ciphertext, 'base64').toString('latin1')).not.toContain('glpat-');
    expect((await vault.decrypt(ciphertext, context)).reveal()).toBe('glpat-abcdefghijklmnopqrst');
  });

  it.each([
    ['another user', { accountId: 'acc-2' }],
    ['another integration', { integrationId: 'int-2' }],
    ['another tenant', { tenant: 'site-b' }],
    ['another purpose', { purpose: 'service-credential' as const }],
  ])('refuses a ciphertext moved to %s', async (_what, change) => {
    const ciphertext = await vault.encrypt('secret-value-123', context);
    await expect(vault.decrypt(ciphertext, { ...context, ...change })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('refuses a ciphertext made under another key', async () => {
    const ciphertext = await localVault(randomBytes(32)).encrypt('secret-value-123', context);
    await expect(vault.decrypt(ciphertext, context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('generates the local key file once, with mode 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'patgate-key-')), 'sub', 'local.key');
    const first = loadLocalKey(undefined, file);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadLocalKey(undefined, file).equals(first)).toBe(true);
  });
});

describe('credentials bound to their host', () => {
  const vault = localVault(randomBytes(32));
  const bound = { tenant: 'site-a', integrationId: 'int-1', purpose: 'service-credential', host: 'https://ghe.example.com' } as const;

  it('opens only for the same host, and not for a caller that forgot the host', async () => {
    const ciphertext = await vault.encrypt('{"token":"ghp_x"}', bound);
    expect((await vault.decrypt(ciphertext, bound)).reveal()).toContain('ghp_x');
    await expect(vault.decrypt(ciphertext, { ...bound, host: 'https://evil.example.com' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    const { host: _host, ...forgetful } = bound;
    await expect(vault.decrypt(ciphertext, forgetful)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(vault.decrypt(ciphertext, { ...bound, host: 'https://evil.example.com' }, { legacyWithoutHost: true })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('a ciphertext from before hosts joined the context opens only when the caller allows it (integration not moved since)', async () => {
    const { host: _host, ...legacyContext } = bound;
    const legacy = await vault.encrypt('{"token":"ghp_old"}', legacyContext);
    await expect(vault.decrypt(legacy, bound)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    expect((await vault.decrypt(legacy, bound, { legacyWithoutHost: true })).reveal()).toContain('ghp_old');
  });
});

describe('openCredential and ciphertexts from before the host joined the context', () => {
  const vault = localVault(randomBytes(32));
  const integration = { tenant: 'site-a', id: 'int-1', provider: 'github-enterprise' as const, baseUrl: 'https://ghe.example.com' };

  it('opens a legacy ciphertext while the integration has not moved since it was set, never after a move', async () => {
    const legacy = await vault.encrypt('{"token":"ghp_legacy"}', { tenant: 'site-a', integrationId: 'int-1', purpose: 'service-credential' });
    const stored = { kind: 'token' as const, ciphertext: legacy, hint: '****', setAt: '2026-01-01T00:00:00.000Z' };
    const context = serviceCredentialContext(BUILT_IN_FAMILIES, integration);
    const opened = await openCredential(vault, stored, context, {});
    expect(opened.kind === 'token' && opened.token.reveal()).toBe('ghp_legacy');
    await expect(openCredential(vault, stored, context, { hostSetAt: '2026-06-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });
});
