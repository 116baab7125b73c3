import { randomBytes } from 'node:crypto';
import { LocalEncryptionKey } from '../../local/local-encryption-key';
import { DEFAULT_DECRYPT_CACHE, KeyVault, kmsVault, type SecretContext } from '../../lambdas/vault/token-vault';
import { LoopbackKms } from '../support/loopback-kms';

// KMS cannot run here: the vault's real SDK client talks to a loopback KMS (test/support/loopback-kms.ts)
// that counts calls and refuses a blob opened under another context or key, or changed.
const credentialsKey = 'arn:aws:kms:us-east-1:111122223333:key/0b7e4ee3-1111-2222-3333-444455556666';
const otherKey = 'arn:aws:kms:us-east-1:111122223333:key/0b7e4ee3-9999-2222-3333-444455556666';

describe('the vault on KMS Encrypt/Decrypt, and its decrypt cache', () => {
  const kms = new LoopbackKms([credentialsKey, otherKey]);
  const saved = { ...process.env };
  beforeAll(async () => {
    process.env.AWS_ENDPOINT_URL_KMS = await kms.start();
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_REGION = 'us-east-1';
  });
  afterAll(async () => {
    process.env = { ...saved };
    await kms.stop();
  });
  afterEach(() => jest.restoreAllMocks());

  const row: SecretContext = { tenant: 'site-a', integrationId: 'int-1', accountId: 'acc-1', purpose: 'user-pat', host: 'https://ghe.example.com' };

  it('stores KMS\'s CiphertextBlob, one Encrypt per secret, never the plaintext', async () => {
    const vault = kmsVault(credentialsKey);
    const before = kms.calls.Encrypt;
    const first = await vault.encrypt('ghp_same_value', row);
    const second = await vault.encrypt('ghp_same_value', row);
    expect(kms.calls.Encrypt - before).toBe(2);
    expect(first).toMatch(/^kms\.[A-Za-z0-9+/]+={0,2}$/);
    expect(first).not.toBe(second);
    expect(Buffer.from(first.slice(4), 'base64').toString('latin1')).not.toContain('ghp_same_value');
  });

  it('the same user\'s token decrypted again within minutes makes no KMS call', async () => {
    const vault = kmsVault(credentialsKey);
    const ciphertext = await vault.encrypt('ghp_warm_token_value', row);
    const before = kms.calls.Decrypt;
    for (let action = 0; action < 5; action += 1) expect((await vault.decrypt(ciphertext, row)).reveal()).toBe('ghp_warm_token_value');
    expect(kms.calls.Decrypt - before).toBe(1);
  });

  it('without the cache every decrypt is a KMS call (what the cache saves)', async () => {
    const vault = kmsVault(credentialsKey, 'off');
    const ciphertext = await vault.encrypt('ghp_cold_token_value', row);
    const before = kms.calls.Decrypt;
    for (let action = 0; action < 3; action += 1) await vault.decrypt(ciphertext, row);
    expect(kms.calls.Decrypt - before).toBe(3);
  });

  it.each([
    ['with the cache', DEFAULT_DECRYPT_CACHE],
    ['without the cache', 'off' as const],
  ])('concurrent decrypts of one secret share one KMS call (%s)', async (_what, cache) => {
    const vault = kmsVault(credentialsKey, cache);
    const ciphertext = await vault.encrypt('ghp_concurrent', row);
    const before = kms.calls.Decrypt;
    const secrets = await Promise.all(Array.from({ length: 8 }, () => vault.decrypt(ciphertext, row)));
    expect(secrets.map((s) => s.reveal())).toEqual(Array(8).fill('ghp_concurrent'));
    expect(kms.calls.Decrypt - before).toBe(1);
  });

  it('a shared KMS call that fails fails every waiter, and the next decrypt asks again', async () => {
    const vault = kmsVault(credentialsKey);
    const ciphertext = await vault.encrypt('ghp_shared_failure', row);
    const moved = { ...row, accountId: 'acc-2' };
    const before = kms.calls.Decrypt;
    const outcomes = await Promise.allSettled([vault.decrypt(ciphertext, moved), vault.decrypt(ciphertext, moved)]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(kms.calls.Decrypt - before).toBe(1);
    await expect(vault.decrypt(ciphertext, moved)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    expect(kms.calls.Decrypt - before).toBe(2);
  });

  it('concurrent decrypts of one ciphertext under two rows do not share: the other row is refused by KMS', async () => {
    const vault = kmsVault(credentialsKey);
    const ciphertext = await vault.encrypt('ghp_two_rows', row);
    const [mine, theirs] = await Promise.allSettled([vault.decrypt(ciphertext, row), vault.decrypt(ciphertext, { ...row, tenant: 'site-b' })]);
    expect(mine.status === 'fulfilled' && mine.value.reveal()).toBe('ghp_two_rows');
    expect(theirs).toMatchObject({ status: 'rejected', reason: { code: 'CREDENTIAL_UNREADABLE' } });
  });

  it.each([
    ['another user', { accountId: 'acc-2' }],
    ['another integration', { integrationId: 'int-2' }],
    ['another tenant', { tenant: 'site-b' }],
    ['another host', { host: 'https://evil.example.com' }],
    ['no host', { host: undefined }],
    ['another purpose', { purpose: 'service-credential' as const }],
  ])('with the cache warm, a ciphertext moved to %s still does not open (a hit re-checks the binding)', async (_what, change) => {
    const vault = kmsVault(credentialsKey);
    const ciphertext = await vault.encrypt('ghp_bound_to_its_row', row);
    await vault.decrypt(ciphertext, row);
    const before = kms.calls.Decrypt;
    expect((await vault.decrypt(ciphertext, row)).reveal()).toBe('ghp_bound_to_its_row');
    expect(kms.calls.Decrypt).toBe(before);
    await expect(vault.decrypt(ciphertext, { ...row, ...change })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    // KMS itself was asked for the moved row, and refused it.
    expect(kms.calls.Decrypt).toBe(before + 1);
  });

  it('with the cache warm for one row, another row\'s ciphertext needs its own KMS call and opens only under its own row', async () => {
    const vault = kmsVault(credentialsKey);
    const other: SecretContext = { ...row, accountId: 'acc-2' };
    const mine = await vault.encrypt('ghp_mine', row);
    const theirs = await vault.encrypt('ghp_theirs', other);
    await vault.decrypt(mine, row);
    await expect(vault.decrypt(theirs, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    expect((await vault.decrypt(theirs, other)).reveal()).toBe('ghp_theirs');
  });

  it('KMS refuses a changed blob, and a blob made under another key (Decrypt pins the key)', async () => {
    const vault = kmsVault(credentialsKey, 'off');
    const ciphertext = await vault.encrypt('ghp_tampered', row);
    const blob = Buffer.from(ciphertext.slice(4), 'base64');
    for (const at of [140, 150, blob.length - 1]) {
      const changed = Buffer.from(blob);
      changed[at] = (changed[at] ?? 0) ^ 0x01;
      await expect(vault.decrypt(`kms.${changed.toString('base64')}`, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    }
    const underOtherKey = await kmsVault(otherKey).encrypt('ghp_other_key', row);
    await expect(vault.decrypt(underOtherKey, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    // A local-key ciphertext is never sent to KMS.
    const before = kms.calls.Decrypt;
    await expect(vault.decrypt(`local.${blob.toString('base64')}`, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    expect(kms.calls.Decrypt).toBe(before);
  });

  it('a cached secret is used for at most five minutes', async () => {
    const vault = kmsVault(credentialsKey);
    const ciphertext = await vault.encrypt('ghp_ageing', row);
    const start = Date.now();
    const now = jest.spyOn(Date, 'now').mockReturnValue(start);
    await vault.decrypt(ciphertext, row);
    const before = kms.calls.Decrypt;
    now.mockReturnValue(start + DEFAULT_DECRYPT_CACHE.maxAgeMs - 1000);
    await vault.decrypt(ciphertext, row);
    expect(kms.calls.Decrypt).toBe(before);
    now.mockReturnValue(start + DEFAULT_DECRYPT_CACHE.maxAgeMs + 1000);
    await vault.decrypt(ciphertext, row);
    expect(kms.calls.Decrypt).toBe(before + 1);
  });

  it('the cache holds a bounded number of secrets (least recently used leave first)', async () => {
    const vault = kmsVault(credentialsKey, { maxAgeMs: 60_000, capacity: 2 });
    const rows = ['acc-1', 'acc-2', 'acc-3'].map((accountId) => ({ ...row, accountId }));
    const ciphertexts = await Promise.all(rows.map((r) => vault.encrypt(`pat-${r.accountId}`, r)));
    const open = (i: number) => vault.decrypt(ciphertexts[i] ?? '', rows[i] ?? row);
    const before = kms.calls.Decrypt;
    await open(0);
    await open(1);
    await open(0); // acc-1 used again: acc-2 is now the least recently used
    await open(2); // evicts acc-2
    expect(kms.calls.Decrypt - before).toBe(3);
    await open(0);
    expect(kms.calls.Decrypt - before).toBe(3);
    await open(1);
    expect(kms.calls.Decrypt - before).toBe(4);
  });
});

describe('decrypt cache bounds', () => {
  it.each([
    [{ maxAgeMs: 5 * 60_000 + 1, capacity: 10 }],
    [{ maxAgeMs: 0, capacity: 10 }],
    [{ maxAgeMs: 60_000, capacity: 0 }],
  ])('refuses an unbounded or too-old cache %j', (options) => {
    expect(() => new KeyVault(new LocalEncryptionKey(randomBytes(32)), options)).toThrow();
  });
});
