import * as z from 'zod';
import { PROVIDER_KINDS, TFS_VERSIONS } from '../domain/integration';
import { TOKEN_STATUSES, type AuditEntry, type IntegrationRecord, type UserTokenRecord } from '../domain/records';
import { storedCredentialSchema } from '../domain/stored-credential';

/**
 * What the stores read back from DynamoDB, parsed at the edge rather than cast: an item is data
 * from outside the type system. Loose objects: an attribute a newer version writes passes through
 * untouched, and only what the record type names is checked. An item that does not parse is a
 * corrupt item: the read fails (500 INTERNAL) instead of handing a wrong shape to the services.
 */
const integrationItem = z.looseObject({
  tenant: z.string(),
  id: z.string(),
  name: z.string(),
  provider: z.enum(PROVIDER_KINDS),
  baseUrl: z.string().optional(),
  region: z.string().optional(),
  tfsVersion: z.enum(TFS_VERSIONS).optional(),
  requireUserPat: z.boolean(),
  serviceCredential: storedCredentialSchema,
  overrideKeys: z.literal('canonical').optional(),
  hostSetAt: z.string().optional(),
  version: z.number(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
}) satisfies z.ZodType<IntegrationRecord>;

const userTokenItem = z.looseObject({
  tenant: z.string(),
  accountId: z.string(),
  integrationId: z.string(),
  credential: storedCredentialSchema,
  providerLogin: z.string(),
  displayName: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  expiresAt: z.string().optional(),
  status: z.enum(TOKEN_STATUSES),
  savedAt: z.string(),
  verifiedAt: z.string(),
  version: z.number(),
}) satisfies z.ZodType<UserTokenRecord>;

const auditItem = z.looseObject({
  id: z.string(),
  at: z.string(),
  actorAccountId: z.string(),
  action: z.string(),
  integrationId: z.string().optional(),
  repositoryId: z.string().optional(),
  issueKey: z.string().optional(),
  outcome: z.enum(['success', 'refused', 'failed']),
  code: z.string().optional(),
  actedAs: z.looseObject({ credential: z.enum(['user-pat', 'service-account']), login: z.string().optional() }).optional(),
  url: z.string().optional(),
  changes: z.record(z.string(), z.unknown()).optional(),
}) satisfies z.ZodType<AuditEntry>;

const parseItem = <T>(schema: z.ZodType<T>, what: string, value: Record<string, unknown>): T => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`A stored ${what} item is malformed: ${parsed.error.issues.map((i) => i.path.join('.') || '(item)').join(', ')}`);
  return parsed.data;
};

export const parseIntegrationItem = (value: Record<string, unknown>): IntegrationRecord => parseItem(integrationItem, 'integration', value);
export const parseUserTokenItem = (value: Record<string, unknown>): UserTokenRecord => parseItem(userTokenItem, 'user-token', value);
export const parseAuditItem = (value: Record<string, unknown>): AuditEntry => parseItem(auditItem, 'audit', value);
