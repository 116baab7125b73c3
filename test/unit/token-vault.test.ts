import { randomBytes } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { openCredential, serviceCredentialContext } from '../../lambdas/services/host-credentials';
import { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, RawAesKeyringNode, RawAesWrappingSuiteIdentifier } from '@aws-crypto/client-node';
import { loadLocalKey, localVault } from '../../lambdas/vault/token-vault';

describe('token vault (its envelope format, the local key)', () => {
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

describe('the vault\'s message: tampering, commitment, and ciphertexts of the earlier format', () => {
  const key = randomBytes(32);
  const vault = localVault(key, 'off');
  const row = { tenant: 'site-a', integrationId: 'int-1', accountId: 'acc-1', purpose: 'user-pat' } as const;

  it('is `pgv1.<header>.<iv>.<body>.<tag>` and holds no plaintext', async () => {
    const ciphertext = await vault.encrypt('ghp_plain_value', row);
    expect(ciphertext).toMatch(/^pgv1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(Buffer.from(ciphertext.split('.').slice(1).join(''), 'base64url').toString('latin1')).not.toContain('ghp_plain_value');
  });

  it('refuses a message with any one character changed, in any segment', async () => {
    const ciphertext = await vault.encrypt('ghp_tamper_target', row);
    const segments = ciphertext.split('.');
    for (let segment = 1; segment < segments.length; segment += 1) {
      const text = segments[segment] ?? '';
      for (const at of [0, Math.floor(text.length / 2), text.length - 2]) {
        const changed = [...segments];
        changed[segment] = `${text.slice(0, at)}${text[at] === 'A' ? 'B' : 'A'}${text.slice(at + 1)}`;
        await expect(vault.decrypt(changed.join('.'), row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
      }
    }
    await expect(vault.decrypt(`${ciphertext}.extra`, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    // A truncated authentication tag (GCM takes 4 to 16 bytes unless told otherwise) is refused, not checked on fewer bits.
    const tag = Buffer.from(segments[4] ?? '', 'base64url');
    await expect(vault.decrypt([...segments.slice(0, 4), tag.subarray(0, 4).toString('base64url')].join('.'), row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(vault.decrypt('pgv1.not-json.a.b.c', row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('refuses a header rewritten to name another row, even with its own key commitment and data key', async () => {
    const ciphertext = await vault.encrypt('ghp_moved', row);
    const [format, header = '', ...rest] = ciphertext.split('.');
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString()) as { e: Record<string, string> };
    const moved = Buffer.from(JSON.stringify({ ...parsed, e: { ...parsed.e, accountId: 'acc-2' } })).toString('base64url');
    // The context check refuses it for the original row; for the other row, the wrapped key and the header (AES-GCM's additional data) do.
    await expect(vault.decrypt([format, moved, ...rest].join('.'), row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(vault.decrypt([format, moved, ...rest].join('.'), { ...row, accountId: 'acc-2' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  // Ciphertexts written before this format: AWS Encryption SDK messages with the same local key and names.
  const legacyEncrypt = async (plaintext: string, keyName: string, context: Record<string, string>): Promise<string> => {
    const keyring = new RawAesKeyringNode({ keyName, keyNamespace: 'patgate-local', unencryptedMasterKey: new Uint8Array(key), wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING });
    const { result } = await buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT).encrypt(keyring, Buffer.from(plaintext), {
      encryptionContext: context,
      suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY,
    });
    return Buffer.from(result).toString('base64');
  };

  it('still reads a ciphertext of the earlier format (Encryption SDK), bound to its row as before', async () => {
    const legacy = await legacyEncrypt('ghp_written_last_year', 'credentials', { tenant: 'site-a', purpose: 'user-pat', integrationId: 'int-1', accountId: 'acc-1' });
    expect((await vault.decrypt(legacy, row)).reveal()).toBe('ghp_written_last_year');
    await expect(vault.decrypt(legacy, { ...row, accountId: 'acc-2' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    await expect(localVault(randomBytes(32)).decrypt(legacy, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    const shared = await legacyEncrypt('connect-secret', 'tenant', { tenant: 'site-a', purpose: 'shared-secret' });
    expect((await vault.decrypt(shared, { tenant: 'site-a', purpose: 'shared-secret' })).reveal()).toBe('connect-secret');
  });
});
