import { BUILT_IN_KINDS, TFS_VERSIONS, type ProviderKind } from '../domain/integration';
import { TOKEN_STATUSES, type AuditEntry, type IntegrationRecord, type UserTokenRecord } from '../domain/records';
import { parseStoredCredential } from '../domain/stored-credential';

/**
 * What the stores read back from DynamoDB, parsed at the edge rather than cast: an item is data
 * from outside the type system. Every field the record type names is checked (the `Shape` types
 * ask for each); an attribute a newer version writes passes through untouched. An item that does
 * not parse is corrupt: the read fails (500 INTERNAL) instead of handing a wrong shape on.
 * By hand rather than with zod, so that no Lambda bundle grows (see lambdas/domain/stored-credential.ts).
 */
type Check = (value: unknown) => boolean;
type Shape<T> = { readonly [K in keyof Required<T>]: Check };

const text: Check = (v) => typeof v === 'string';
const number: Check = (v) => typeof v === 'number';
const boolean: Check = (v) => typeof v === 'boolean';
const oneOf = (values: readonly unknown[]): Check => (v) => values.includes(v);
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const texts: Check = (v) => Array.isArray(v) && v.every(text);
const object: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const present: Check = (v) => v !== undefined;
/** Project refs as stored: Jira's numeric id and the key it was named by (domain/project-association.ts). */
export const projectRefs: Check = (v) =>
  Array.isArray(v) && v.every((p) => object(p) && typeof (p as Record<string, unknown>).id === 'string' && typeof (p as Record<string, unknown>).key === 'string');

/** A branch naming as stored: a template and a map of issue type names to prefixes. */
const branchNaming: Check = (v) => {
  if (!object(v)) return false;
  const { template, issueTypePrefixes } = v as Record<string, unknown>;
  return text(template) && object(issueTypePrefixes) && Object.values(issueTypePrefixes as Record<string, unknown>).every(text);
};

/** An integration item, its `provider` one of the kinds of the host families in use. */
const integrationShape = (kinds: readonly ProviderKind[]): Shape<IntegrationRecord> => ({
  tenant: text,
  id: text,
  name: text,
  provider: oneOf(kinds),
  baseUrl: optional(text),
  region: optional(text),
  tfsVersion: optional(oneOf(TFS_VERSIONS)),
  requireUserPat: boolean,
  projects: optional((v) => v === 'all' || projectRefs(v)),
  serviceCredential: present,
  branchNaming: optional(branchNaming),
  overrideKeys: optional(oneOf(['canonical'])),
  hostSetAt: optional(text),
  version: number,
  createdAt: text,
  createdBy: text,
  updatedAt: text,
  updatedBy: text,
});

const INTEGRATION_SHAPES = new WeakMap<readonly ProviderKind[], Shape<IntegrationRecord>>();
const integrationShapeOf = (kinds: readonly ProviderKind[]): Shape<IntegrationRecord> => {
  let shape = INTEGRATION_SHAPES.get(kinds);
  if (!shape) {
    shape = integrationShape(kinds);
    INTEGRATION_SHAPES.set(kinds, shape);
  }
  return shape;
};

const USER_TOKEN: Shape<UserTokenRecord> = {
  tenant: text,
  accountId: text,
  integrationId: text,
  credential: present,
  providerLogin: text,
  displayName: optional(text),
  scopes: optional(texts),
  expiresAt: optional(text),
  status: oneOf(TOKEN_STATUSES),
  savedAt: text,
  verifiedAt: text,
  version: number,
};

const AUDIT: Shape<AuditEntry> = {
  id: text,
  at: text,
  actorAccountId: text,
  action: text,
  integrationId: optional(text),
  repositoryId: optional(text),
  issueKey: optional(text),
  outcome: oneOf(['success', 'refused', 'failed']),
  code: optional(text),
  actedAs: optional((v) => object(v) && oneOf(['user-pat', 'service-account'])((v as Record<string, unknown>).credential)),
  url: optional(text),
  subject: optional(object),
  changes: optional(object),
  summary: optional(texts),
};

const badFields = (item: Record<string, unknown>, shape: Readonly<Record<string, Check>>): string[] =>
  Object.entries(shape).filter(([field, check]) => !check(item[field])).map(([field]) => field);

const conforms = <T>(item: Record<string, unknown>, shape: Shape<T>): item is Record<string, unknown> & T => badFields(item, shape).length === 0;

const malformed = (what: string, item: Record<string, unknown>, shape: Readonly<Record<string, Check>>): Error =>
  new Error(`A stored ${what} item is malformed: ${badFields(item, shape).join(', ')}`);

/**
 * `kinds`: the integration kinds of the host families in use (hosts/family-registry.ts; the stores
 * are given them by the wiring). An item of a kind no family serves is malformed here.
 */
export const parseIntegrationItem = (item: Record<string, unknown>, kinds: readonly ProviderKind[] = BUILT_IN_KINDS): IntegrationRecord => {
  const record = { ...item, serviceCredential: parseStoredCredential(item.serviceCredential) };
  const shape = integrationShapeOf(kinds);
  if (!conforms<IntegrationRecord>(record, shape)) throw malformed('integration', record, shape);
  return record;
};

export const parseUserTokenItem = (item: Record<string, unknown>): UserTokenRecord => {
  const record = { ...item, credential: parseStoredCredential(item.credential) };
  if (!conforms<UserTokenRecord>(record, USER_TOKEN)) throw malformed('user-token', record, USER_TOKEN);
  return record;
};

export const parseAuditItem = (item: Record<string, unknown>): AuditEntry => {
  if (!conforms<AuditEntry>(item, AUDIT)) throw malformed('audit', item, AUDIT);
  return item;
};
