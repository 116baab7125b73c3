import { randomBytes } from 'node:crypto';
import { LocalDataKeys } from '../../lambdas/vault/data-keys';
import { DEFAULT_DECRYPT_CACHE, EnvelopeVault, kmsVault, type SecretContext } from '../../lambdas/vault/token-vault';
import { LoopbackKms } from '../support/loopback-kms';

// KMS cannot run here: the vault's real KMS keyrings and SDK clients talk to a loopback KMS
// (test/support/loopback-kms.ts) that counts calls and refuses a data key opened under another context.
const credentialsKey = 'arn:aws:kms:us-east-1:111122223333:key/0b7e4ee3-1111-2222-3333-444455556666';
const tenantKey = 'arn:aws:kms:us-east-1:111122223333:key/0b7e4ee3-9999-2222-3333-444455556666';

describe('KMS calls per decrypt: the decrypt cache', () => {
  const kms = new LoopbackKms([credentialsKey, tenantKey]);
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

  it('the same user\'s token decrypted again within minutes makes no KMS call', async () => {
    const vault = kmsVault(credentialsKey, tenantKey);
    const ciphertext = await vault.encrypt('ghp_warm_token_value', row);
    const before = kms.calls.Decrypt;
    for (let action = 0; action < 5; action += 1) expect((await vault.decrypt(ciphertext, row)).reveal()).toBe('ghp_warm_token_value');
    expect(kms.calls.Decrypt - before).toBe(1);
  });

  it('without the cache every decrypt is a KMS call (what the cache saves)', async () => {
    const vault = kmsVault(credentialsKey, tenantKey, 'off');
    const ciphertext = await vault.encrypt('ghp_cold_token_value', row);
    const before = kms.calls.Decrypt;
    for (let action = 0; action < 3; action += 1) await vault.decrypt(ciphertext, row);
    expect(kms.calls.Decrypt - before).toBe(3);
  });

  it('encryption is never cached: each secret gets its own data key from KMS', async () => {
    const vault = kmsVault(credentialsKey, tenantKey);
    const before = kms.calls.GenerateDataKey;
    const first = await vault.encrypt('same-value', row);
    const second = await vault.encrypt('same-value', row);
    expect(kms.calls.GenerateDataKey - before).toBe(2);
    expect(first).not.toBe(second);
  });

  it.each([
    ['another user', { accountId: 'acc-2' }],
    ['another integration', { integrationId: 'int-2' }],
    ['another tenant', { tenant: 'site-b' }],
    ['another host', { host: 'https://evil.example.com' }],
    ['no host', { host: undefined }],
    ['another purpose', { purpose: 'service-credential' as const }],
  ])('with the cache warm, a ciphertext moved to %s still does not open', async (_what, change) => {
    const vault = kmsVault(credentialsKey, tenantKey);
    const ciphertext = await vault.encrypt('ghp_bound_to_its_row', row);
    await vault.decrypt(ciphertext, row);
    const before = kms.calls.Decrypt;
    expect((await vault.decrypt(ciphertext, row)).reveal()).toBe('ghp_bound_to_its_row');
    expect(kms.calls.Decrypt).toBe(before);
    await expect(vault.decrypt(ciphertext, { ...row, ...change })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('with the cache warm for one row, another row\'s ciphertext needs its own KMS call and opens only under its own row', async () => {
    const vault = kmsVault(credentialsKey, tenantKey);
    const other: SecretContext = { ...row, accountId: 'acc-2' };
    const mine = await vault.encrypt('ghp_mine', row);
    const theirs = await vault.encrypt('ghp_theirs', other);
    await vault.decrypt(mine, row);
    const before = kms.calls.Decrypt;
    await expect(vault.decrypt(theirs, row)).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
    expect((await vault.decrypt(theirs, other)).reveal()).toBe('ghp_theirs');
    expect(kms.calls.Decrypt - before).toBe(1);
  });

  it('a cached data key is used for at most five minutes', async () => {
    const vault = kmsVault(credentialsKey, tenantKey);
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

  it('the cache holds a bounded number of data keys (least recently used leave first)', async () => {
    const vault = kmsVault(credentialsKey, tenantKey, { maxAgeMs: 60_000, capacity: 2 });
    const ciphertexts = await Promise.all(['acc-1', 'acc-2', 'acc-3'].map((accountId) => vault.encrypt(`pat-${accountId}`, { ...row, accountId })));
    const before = kms.calls.Decrypt;
    for (const [index, ciphertext] of ciphertexts.entries()) await vault.decrypt(ciphertext, { ...row, accountId: `acc-${index + 1}` });
    expect(kms.calls.Decrypt - before).toBe(3);
    await vault.decrypt(ciphertexts[2]!, { ...row, accountId: 'acc-3' });
    expect(kms.calls.Decrypt - before).toBe(3);
    await vault.decrypt(ciphertexts[0]!, { ...row, accountId: 'acc-1' });
    expect(kms.calls.Decrypt - before).toBe(4);
  });

  it('the two keys keep separate caches: a shared secret never opens through the credentials key', async () => {
    const vault = kmsVault(credentialsKey, tenantKey);
    const shared: SecretContext = { tenant: 'site-a', purpose: 'shared-secret' };
    const ciphertext = await vault.encrypt('connect-shared-secret', shared);
    expect((await vault.decrypt(ciphertext, shared)).reveal()).toBe('connect-shared-secret');
    await expect(vault.decrypt(ciphertext, { ...shared, purpose: 'user-pat' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });

  it('still reads a ciphertext of the earlier format (Encryption SDK, KMS keyring), with one KMS Decrypt, only under its own row', async () => {
    const { AlgorithmSuiteIdentifier, buildClient, CommitmentPolicy, KmsKeyringNode } = await import('@aws-crypto/client-node');
    const { KMS } = await import('@aws-sdk/client-kms');
    const keyring = new KmsKeyringNode({ generatorKeyId: credentialsKey, clientProvider: (region: string) => new KMS({ region }) });
    const context = { tenant: 'site-a', purpose: 'user-pat', integrationId: 'int-1', accountId: 'acc-1', host: 'https://ghe.example.com' };
    const { result } = await buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT).encrypt(keyring, Buffer.from('ghp_from_the_sdk'), { encryptionContext: context, suiteId: AlgorithmSuiteIdentifier.ALG_AES256_GCM_IV12_TAG16_HKDF_SHA512_COMMIT_KEY });
    const legacy = Buffer.from(result).toString('base64');
    const vault = kmsVault(credentialsKey, tenantKey);
    const before = kms.calls.Decrypt;
    expect((await vault.decrypt(legacy, { tenant: 'site-a', purpose: 'user-pat', integrationId: 'int-1', accountId: 'acc-1', host: 'https://ghe.example.com' })).reveal()).toBe('ghp_from_the_sdk');
    expect(kms.calls.Decrypt - before).toBe(1);
    await expect(vault.decrypt(legacy, { tenant: 'site-a', purpose: 'user-pat', integrationId: 'int-1', accountId: 'acc-2', host: 'https://ghe.example.com' })).rejects.toMatchObject({ code: 'CREDENTIAL_UNREADABLE' });
  });
});

describe('decrypt cache bounds', () => {
  it.each([
    [{ maxAgeMs: 5 * 60_000 + 1, capacity: 10 }],
    [{ maxAgeMs: 0, capacity: 10 }],
    [{ maxAgeMs: 60_000, capacity: 0 }],
  ])('refuses an unbounded or too-old cache %j', (options) => {
    const dataKeys = new LocalDataKeys(randomBytes(32), 'k');
    expect(() => new EnvelopeVault(() => dataKeys, () => Promise.reject(new Error('no legacy reads here')), options)).toThrow();
  });
});
