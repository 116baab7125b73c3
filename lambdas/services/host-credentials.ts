import { AppError } from '../domain/errors';
import type { GitProvider, HostCredential } from '../hosts/git-provider';
import type { HostFamilies } from '../hosts/family-registry';
import { withoutTrailingSlash } from '../hosts/base-url-guard';
import type { IntegrationRecord, StoredCredential } from '../domain/records';
import { Secret } from '../domain/secret';
import type { SecretContext, TokenVault } from '../vault/token-vault';

type HostFields = Pick<IntegrationRecord, 'provider' | 'baseUrl' | 'region'>;

/**
 * The host a credential is verified against and sent to, as it joins the credential's encryption
 * context: the integration's base URL (origin and path: an Azure DevOps organisation or TFS
 * collection is a path) for self-hosted kinds, the public host for the others, and the region for
 * CodeCommit (each by its family in `families`). Moving an integration changes it, so its old
 * ciphertexts no longer decrypt.
 */
export const credentialHost = (families: HostFamilies, integration: HostFields): string => {
  if (integration.baseUrl) {
    const url = new URL(integration.baseUrl);
    return `${url.origin}${withoutTrailingSlash(url.pathname)}`;
  }
  return families.of(integration.provider).publicHost(integration) ?? integration.provider;
};

type ContextFields = Pick<IntegrationRecord, 'tenant' | 'id'> & HostFields;

export const serviceCredentialContext = (families: HostFamilies, integration: ContextFields): SecretContext => ({
  tenant: integration.tenant,
  integrationId: integration.id,
  purpose: 'service-credential',
  host: credentialHost(families, integration),
});

export const userTokenContext = (families: HostFamilies, integration: ContextFields, accountId: string): SecretContext => ({
  tenant: integration.tenant,
  integrationId: integration.id,
  accountId,
  purpose: 'user-pat',
  host: credentialHost(families, integration),
});

/**
 * Decrypts a stored credential into what an adapter takes; plaintext lives only in the returned object.
 * Every ciphertext names its host in the encryption context, so one set before the integration moved
 * to another host no longer opens (KMS refuses it). `_integration` is kept for the callers; the host
 * binding needs nothing from it.
 */
export const openCredential = async (
  vault: TokenVault,
  stored: StoredCredential,
  context: SecretContext,
  _integration?: Pick<IntegrationRecord, 'hostSetAt'>,
): Promise<HostCredential> => {
  const plaintext = await vault.decrypt(stored.ciphertext, context);
  const parsed = JSON.parse(plaintext.reveal()) as Record<string, string>;
  if (stored.kind === 'aws-keys') return { kind: 'aws-keys', accessKeyId: parsed.accessKeyId ?? '', secretAccessKey: new Secret(parsed.secretAccessKey ?? '') };
  if (stored.kind === 'basic') return { kind: 'basic', username: parsed.username ?? '', password: new Secret(parsed.password ?? '') };
  return { kind: 'token', token: new Secret(parsed.token ?? '') };
};

/**
 * The host's new-token page, only ever on the integration's own verified base URL (self-hosted kinds):
 * the page a user is sent to make a token is on the host that token will be sent to.
 */
export const verifiedNewTokenUrl = (provider: Pick<GitProvider, 'newTokenUrl'>, integration: Pick<IntegrationRecord, 'baseUrl'>): string => {
  const url = provider.newTokenUrl();
  if (integration.baseUrl && new URL(url).origin !== new URL(integration.baseUrl).origin) {
    throw new AppError('INTERNAL', 'The new-token page is not on the integration\'s host.');
  }
  return url;
};
