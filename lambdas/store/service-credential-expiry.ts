import type { IntegrationRecord } from '../domain/records';
import { tenantPk } from './keys';

/**
 * The byExpiry index entry of an integration's service credential (docs/architecture.md §5, §7): one
 * item beside the integration (`INT#<id>#CREDENTIAL-EXPIRY` in the tenant partition), present while
 * the credential has an expiry the host reported. It lives apart from the integration item so the
 * checker can record what it warned about without touching the integration's `version` (an admin's
 * save must not fail because the checker ran). It is written, replaced or removed in the same
 * transaction as the credential (IntegrationStore create / update / delete); the integration's
 * deletion job and an uninstall's job delete `INT#<id>#…` items with the rest.
 */
export const serviceCredentialExpirySk = (integrationId: string): string => `INT#${integrationId}#CREDENTIAL-EXPIRY`;
export const SERVICE_CREDENTIAL_EXPIRY_TYPE = 'service-credential-expiry';

/**
 * The entry's byExpiry partition: the expiry's month with an `S#` prefix. Users' tokens use the day
 * (`2030-03-10`), so the two never share a partition and neither pass reads the other's items;
 * there is one entry per integration, so a month is small and the checker's 30-day window is two or
 * three Queries.
 */
export const serviceCredentialExpiryBucket = (iso: string): string => `S#${iso.slice(0, 7)}`;

type Credentialed = Pick<IntegrationRecord, 'tenant' | 'id' | 'serviceCredential'>;

/** The entry as written for the integration's current credential: no warning sent yet. */
export const serviceCredentialExpiryItem = (integration: Credentialed, expiresAt: string): Record<string, unknown> => ({
  PK: tenantPk(integration.tenant),
  SK: serviceCredentialExpirySk(integration.id),
  type: SERVICE_CREDENTIAL_EXPIRY_TYPE,
  tenant: integration.tenant,
  integrationId: integration.id,
  // Binds the entry to this credential: the checker warns only while the integration still holds it.
  credentialSetAt: integration.serviceCredential.setAt,
  expiresAt,
  expiryDay: serviceCredentialExpiryBucket(expiresAt),
});

/**
 * The transaction items that keep the entry in step with the credential: none when the credential is
 * unchanged (its warnings so far stay recorded), a Put for a new credential with an expiry, a Delete
 * for a new credential without one or for a deleted integration (`next` undefined).
 */
export const serviceCredentialExpiryWrites = (tableName: string, previous: Credentialed | undefined, next: Credentialed | undefined) => {
  const integration = next ?? previous;
  if (!integration) return [];
  if (previous && next && previous.serviceCredential.ciphertext === next.serviceCredential.ciphertext && previous.serviceCredential.setAt === next.serviceCredential.setAt) return [];
  const key = { PK: tenantPk(integration.tenant), SK: serviceCredentialExpirySk(integration.id) };
  const expiresAt = next?.serviceCredential.expiresAt;
  if (next && expiresAt) return [{ Put: { TableName: tableName, Item: serviceCredentialExpiryItem(next, expiresAt) } }];
  return previous ? [{ Delete: { TableName: tableName, Key: key } }] : [];
};
