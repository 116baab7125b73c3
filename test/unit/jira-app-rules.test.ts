import * as z from 'zod';
import {
  awsKeysCredentialSchema,
  basicCredentialSchema,
  branchNamingSchema,
  createIntegrationSchemaFor,
  gitBranchNameSchema,
  repositoryIdSchema,
  tokenCredentialSchema,
} from '../../lambdas/domain/integration-schemas';
import { BUILT_IN_FAMILIES } from '../../lambdas/hosts/family-registry';
import { TFS_VERSIONS } from '../../lambdas/domain/integration';
import { credentialKindFor, KIND_LABELS, PROVIDER_KINDS, SELF_HOSTED, STATES_EXPIRY } from '../../jira-app/src/common/kinds';
import {
  accessKeyIdRule,
  branchTemplateRule,
  issueTypeNameRule,
  issueTypePrefixRule,
  nameRule,
  passwordRule,
  regionRule,
  repositoryIdRule,
  secretAccessKeyRule,
  sourceBranchRule,
  tokenRule,
  usernameRule,
  type Rule,
} from '../../jira-app/src/common/rules';

const createIntegrationSchema = createIntegrationSchemaFor(BUILT_IN_FAMILIES.kinds);

/**
 * The pages copy the API's zod rules (to keep zod out of the browser bundles). Both must agree on
 * every sample, or a form would send what the API refuses, or refuse what it accepts.
 */
const agree = (rule: Rule, schema: z.ZodType, samples: readonly string[]): void => {
  for (const sample of samples) {
    const page = rule(sample) === undefined;
    const api = schema.safeParse(sample).success;
    expect({ sample, page }).toEqual({ sample, page: api });
  }
};

const field = <T extends z.ZodRawShape>(object: z.ZodObject<T>, name: keyof T & string): z.ZodType => object.shape[name] as unknown as z.ZodType;

describe('the pages validate as the API does', () => {
  it('integration name', () => {
    agree(nameRule, field(createIntegrationSchema, 'name'), ['GitHub', '  GitHub  ', '', '   ', 'a'.repeat(100), 'a'.repeat(101), 'x#y', 'tab\there', 'Ünïcødé ok', ' a '.repeat(40)]);
  });

  it('tokens', () => {
    agree(tokenRule, field(tokenCredentialSchema, 'token'), ['ghp_abcdefgh', 'short', '1234567', '12345678', 'with space inside', 'x'.repeat(1024), 'x'.repeat(1025), 'tøken-unicode', 'tab\ttoken1', '!~~~~~~~~']);
  });

  it('AWS access keys', () => {
    agree(accessKeyIdRule, field(awsKeysCredentialSchema, 'accessKeyId'), ['AKIAABCDEFGHIJKLMNOP', 'ASIAABCDEFGHIJKLMNOP', 'AKIAabcdefghijklmnop', 'AKIA123', 'BKIAABCDEFGHIJKLMNOP', 'AKIAABCDEFGHIJKLMNOPQ', '']);
    agree(secretAccessKeyRule, field(awsKeysCredentialSchema, 'secretAccessKey'), ['x'.repeat(40), 'x'.repeat(39), 'x'.repeat(41), '']);
  });

  it('TFS 2013/2015 user name and password', () => {
    agree(usernameRule, field(basicCredentialSchema, 'username'), ['svc', '', 'u'.repeat(256), 'u'.repeat(257)]);
    agree(passwordRule, field(basicCredentialSchema, 'password'), ['p', '', 'p'.repeat(1024), 'p'.repeat(1025)]);
  });

  it('AWS region', () => {
    agree(regionRule, z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/), ['eu-west-1', 'us-gov-west-1', 'us-isob-east-1', 'EU-west-1', 'eu-west', 'euwest1', '']);
    // The API's own schema (optional there) accepts the same regions.
    for (const region of ['eu-west-1', 'us-gov-west-1']) expect(createIntegrationSchema.shape.region.safeParse(region).success).toBe(true);
    for (const region of ['EU-west-1', 'eu-west']) expect(createIntegrationSchema.shape.region.safeParse(region).success).toBe(false);
  });

  it('repository ids', () => {
    agree(repositoryIdRule, repositoryIdSchema, ['acme/web', 'web-project/web', '', 'a'.repeat(300), 'a'.repeat(301), 'a#b', 'new\nline', 'ÄÖ/ü']);
  });
});

describe('the admin page checks branch naming as the API does', () => {
  const templates = ['{issueType}/{issueKey}-{summary}', '{issueKey}', '{issueKey}-{summary}', 'feature/{summary}', '{issueKey}..{summary}', '{issueKey}-{assignee}', '{issueKey}-{summary',
    '-{issueKey}', '{issueKey}/', 'a b/{issueKey}', '{issueKey}.lock', '', `{issueKey}-${'x'.repeat(90)}`, `{issueKey}-${'x'.repeat(89)}`, 'team//{issueKey}', '{issueKey}@{summary}', 'x~{issueKey}'];
  const prefixes = ['bugfix', 'team/fix', '', 'bug fix', 'bug~fix', '.hidden', 'x'.repeat(40), 'x'.repeat(41), 'a{b}', 'fix/', 'fix.lock'];
  const typeNames = ['Bug', 'Story', 'Sub-task', 'Ünïcødé type', '', '   ', 't'.repeat(60), 't'.repeat(61), 'tab\there'];

  it('template', () => agree(branchTemplateRule, branchNamingSchema.shape.template, templates));
  it('issue type prefixes and names', () => {
    for (const prefix of prefixes) {
      expect({ prefix, page: issueTypePrefixRule(prefix) === undefined }).toEqual({ prefix, page: branchNamingSchema.safeParse({ template: '{issueKey}', issueTypePrefixes: { Bug: prefix } }).success });
    }
    for (const type of typeNames) {
      expect({ type, page: issueTypeNameRule(type) === undefined }).toEqual({ type, page: branchNamingSchema.safeParse({ template: '{issueKey}', issueTypePrefixes: { [type]: 'fix' } }).success });
    }
  });
  it('default source branch (empty on the page: none sent)', () => {
    agree(sourceBranchRule, gitBranchNameSchema, ['develop', 'release/2.0', 'main', 'dev..elop', 'my branch', '-x', 'x.lock', 'a/', '@', 'feature/ABC-1']);
    expect(sourceBranchRule('')).toBeUndefined();
  });
});

describe('the pages know each kind as its host family does', () => {
  // The pages keep their own per-kind facts (no descriptor code in the browser bundles): they must match the descriptors.
  it.each(BUILT_IN_FAMILIES.kinds)('%s', (kind) => {
    const family = BUILT_IN_FAMILIES.of(kind);
    expect(PROVIDER_KINDS).toContain(kind);
    expect(KIND_LABELS[kind]).toEqual(expect.any(String));
    expect(SELF_HOSTED.includes(kind)).toBe(family.needsBaseUrl(kind));
    expect(STATES_EXPIRY.includes(kind)).toBe(family.tokenExpiry === 'unreported');
    for (const tfsVersion of family.needsTfsVersion(kind) ? TFS_VERSIONS : [undefined]) {
      expect({ tfsVersion, kind: credentialKindFor(kind, tfsVersion) }).toEqual({ tfsVersion, kind: family.credentialKind(kind, tfsVersion) });
    }
  });

  it('offers no kind the registry lacks', () => {
    expect([...PROVIDER_KINDS].sort()).toEqual([...BUILT_IN_FAMILIES.kinds].sort());
  });
});
