import { randomBytes } from 'node:crypto';
import { createLocalApp } from '../../local/local-app';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { openCredential, serviceCredentialContext } from '../../lambdas/services/host-credentials';
import { loadLocalKey, localVault } from '../../local/local-encryption-key';
import { parseConfig } from '../../lambdas/config';
import { createDependencies } from '../../lambdas/wiring/dependencies';

describe('token vault with the local key (the local runtime\'s stand-in for KMS)', () => {
  const vault = localVault(randomBytes(32));
  const context = { tenant: 'site-a', integrationId: 'int-1', accountId: 'acc-1', purpose: 'user-pat' } as const;

  it('round-trips a secret under its own context and never stores it in clear', async () => {
    const ciphertext = await vault.encrypt('glpat-abcdefghijklmnopqrst', context);
    expect(ciphertext).toMatch(/^local\.[A-Za-z0-9+/]+={0,2}$/);
    expect(Buffer.from(ciphertext.slice('local.'.length), 'base64').toString('latin1')).not.toContain('glpat-');
    expect((await vault.decrypt(ciphertext, context)).reveal()).toBe('glpat-abcdefghijklmnopqrst');
  });

  it.each([
    ['another user', { accountId: 'acc-2' }],
    ['another integration', { integrationId: 'int-2' }],
    ['another tenant', { tenant: 'site-b' }],
    ['another purpose', { purpose: 'service-credential' as const }],
    ['a host it was not made for', { host: 'https://ghe.example.com' }],
  ])('refuses a ciphertext moved to %s', async (_what, change) => {
    const ciphertext = await vault.encrypt('secret-value-123', context);
    await expect(vault.decrypt(ciphertext, { ...context, ...change })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('refuses a ciphertext made under another key', async () => {
    const ciphertext = await localVault(randomBytes(32)).encrypt('secret-value-123', context);
    await expect(vault.decrypt(ciphertext, context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('refuses a ciphertext with any one character changed, a truncated one, and ones of another kind', async () => {
    const fresh = localVault(randomBytes(32), 'off');
    const ciphertext = await fresh.encrypt('ghp_tamper_target', context);
    const blob = ciphertext.slice('local.'.length);
    for (const at of [0, 10, 20, 30, Math.floor(blob.length / 2), blob.length - 4]) {
      const changed = `local.${blob.slice(0, at)}${blob[at] === 'A' ? 'B' : 'A'}${blob.slice(at + 1)}`;
      await expect(fresh.decrypt(changed, context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    }
    const bytes = Buffer.from(blob, 'base64');
    await expect(fresh.decrypt(`local.${bytes.subarray(0, bytes.length - 1).toString('base64')}`, context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(fresh.decrypt(`kms.${blob}`, context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(fresh.decrypt(`${ciphertext}.extra`, context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(fresh.decrypt('local.not base64!', context)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    expect((await fresh.decrypt(ciphertext, context)).reveal()).toBe('ghp_tamper_target');
  });

  it('generates the local key file once, with mode 0600', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'patgate-key-')), 'sub', 'local.key');
    const first = loadLocalKey(undefined, file);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadLocalKey(undefined, file).equals(first)).toBe(true);
  });
});

describe('inside Lambda the vault never uses a local key', () => {
  it('the local key refuses to start when AWS_LAMBDA_FUNCTION_NAME is set', () => {
    expect(() => localVault(randomBytes(32), 'off', { AWS_LAMBDA_FUNCTION_NAME: 'patgate-gitAction' })).toThrow(/refused inside Lambda.*PATGATE_CREDENTIALS_KEY_ID/);
  });

  it('a function in Lambda without a KMS key gets a vault that refuses every call, even with a local key configured', async () => {
    const localKey = randomBytes(32).toString('base64');
    const deps = createDependencies(parseConfig({ PATGATE_LOCAL_KEY: localKey, AWS_LAMBDA_FUNCTION_NAME: 'patgate-gitAction' }));
    await expect(deps.vault.encrypt('ghp_x', { tenant: 't', purpose: 'user-pat' })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/no KMS key \(PATGATE_CREDENTIALS_KEY_ID\)/) });
    const sealed = await localVault(Buffer.from(localKey, 'base64'), 'off', {}).encrypt('ghp_x', { tenant: 't', purpose: 'user-pat' });
    await expect(deps.vault.decrypt(sealed, { tenant: 't', purpose: 'user-pat' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('outside Lambda the deployed wiring holds no local key either: only the local runtime brings it', async () => {
    const localKey = randomBytes(32).toString('base64');
    const deps = createDependencies(parseConfig({ PATGATE_LOCAL_KEY: localKey }));
    await expect(deps.vault.encrypt('ghp_x', { tenant: 't', purpose: 'user-pat' })).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringMatching(/local runtime/) });
    const local = createLocalApp(parseConfig({ PATGATE_LOCAL_KEY: localKey, PATGATE_DYNAMODB_ENDPOINT: 'http://127.0.0.1:9' }));
    const sealed = await local.deps.vault.encrypt('ghp_local', { tenant: 't', purpose: 'user-pat' });
    expect((await localVault(Buffer.from(localKey, 'base64'), 'off', {}).decrypt(sealed, { tenant: 't', purpose: 'user-pat' })).reveal()).toBe('ghp_local');
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
  });
});

describe('openCredential', () => {
  const vault = localVault(randomBytes(32));
  const integration = { tenant: 'site-a', id: 'int-1', provider: 'github-enterprise' as const, baseUrl: 'https://ghe.example.com' };

  it('opens a credential under its integration\'s host, never after the integration moved to another host', async () => {
    const context = serviceCredentialContext(BUILT_IN_FAMILIES, integration);
    const ciphertext = await vault.encrypt('{"token":"ghp_current"}', context);
    const stored = { kind: 'token' as const, ciphertext, hint: '****', setAt: '2026-03-01T00:00:00.000Z' };
    const opened = await openCredential(vault, stored, context, { hostSetAt: '2026-03-01T00:00:00.000Z' });
    expect(opened.kind === 'token' && opened.token.reveal()).toBe('ghp_current');
    const moved = serviceCredentialContext(BUILT_IN_FAMILIES, { ...integration, baseUrl: 'https://ghe.elsewhere.example.com' });
    await expect(openCredential(vault, stored, moved, { hostSetAt: '2026-06-01T00:00:00.000Z' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });
});
