import { toCheckedToken } from '../../lambdas/expiry/checked-token';
import { BUILT_IN_KINDS } from '../../lambdas/domain/integration';
import { parseStoredCredential } from '../../lambdas/domain/stored-credential';
import { toIntegration } from '../../lambdas/store/integration-store';
import { toToken } from '../../lambdas/store/token-store';

const credential = { kind: 'token', ciphertext: 'AYADeJ-ciphertext', hint: '…abcd', setAt: '2030-01-01T00:00:00.000Z' };
const integrationItem = {
  PK: 'TENANT#t1',
  SK: 'INTEGRATION#abcd1234',
  type: 'integration',
  tenant: 't1',
  id: 'abcd1234',
  name: 'GitHub',
  provider: 'github',
  requireUserPat: true,
  serviceCredential: credential,
  version: 3,
  createdAt: '2030-01-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2030-01-01T00:00:00.000Z',
  updatedBy: 'admin',
};
const tokenItem = {
  PK: 'TENANT#t1#USER#u1',
  SK: 'TOKEN#abcd1234',
  type: 'user-token',
  tenant: 't1',
  accountId: 'u1',
  integrationId: 'abcd1234',
  credential: { ...credential, kind: 'aws-keys', accessKeyId: 'AKIAABCDEFGHIJKLMNOP' },
  providerLogin: 'octocat',
  status: 'valid',
  savedAt: '2030-01-01T00:00:00.000Z',
  verifiedAt: '2030-01-01T00:00:00.000Z',
  version: 1,
  expiryDay: '2030-02-01',
};

describe('stored items are parsed at the store edge, never cast', () => {
  it('reads a well-formed integration and user token, keyed attributes dropped, the credential by kind', () => {
    const integration = toIntegration(integrationItem);
    expect(integration).toMatchObject({ id: 'abcd1234', provider: 'github', serviceCredential: credential });
    expect(integration).not.toHaveProperty('PK');
    const token = toToken(tokenItem);
    expect(token.credential).toEqual({ kind: 'aws-keys', ciphertext: 'AYADeJ-ciphertext', hint: '…abcd', setAt: '2030-01-01T00:00:00.000Z', accessKeyId: 'AKIAABCDEFGHIJKLMNOP' });
    expect(token).not.toHaveProperty('expiryDay');
  });

  it.each([
    ['an unknown credential kind', { ...integrationItem, serviceCredential: { ...credential, kind: 'password' } }],
    ['a credential without ciphertext', { ...integrationItem, serviceCredential: { kind: 'token', hint: '', setAt: '2030-01-01T00:00:00.000Z' } }],
    ['an unknown provider', { ...integrationItem, provider: 'bitbucket' }],
    ['a version that is not a number', { ...integrationItem, version: '3' }],
  ])('refuses an integration item with %s instead of handing it on', (_name, item) => {
    expect(() => toIntegration(item)).toThrow(/stored integration item is malformed/);
  });

  it('reads an integration of a kind the host families in use serve (the wiring passes their kinds), and refuses it elsewhere', () => {
    const toyItem = { ...integrationItem, provider: 'toy' };
    expect(toIntegration(toyItem, [...BUILT_IN_KINDS, 'toy'])).toMatchObject({ provider: 'toy' });
    expect(() => toIntegration(toyItem)).toThrow(/stored integration item is malformed: provider/);
  });

  it('refuses a user-token item whose status is not one of ours', () => {
    expect(() => toToken({ ...tokenItem, status: 'revoked' })).toThrow(/stored user-token item is malformed/);
  });

  it('gives the expiry checker and the stores one credential codec', () => {
    expect(parseStoredCredential(credential)).toEqual(credential);
    expect(parseStoredCredential({ ...credential, kind: 'basic', username: 'build' })).toEqual({ ...credential, kind: 'basic', username: 'build' });
    expect(parseStoredCredential({ ...credential, kind: 'password' })).toBeUndefined();
    expect(parseStoredCredential({ ...credential, setAt: undefined })).toBeUndefined();
    expect(toCheckedToken({ ...tokenItem, credential: { ...credential, kind: 'password' } })).toBeUndefined();
    expect(toCheckedToken(tokenItem)?.credential.kind).toBe('aws-keys');
  });
});
