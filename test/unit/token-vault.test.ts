import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
